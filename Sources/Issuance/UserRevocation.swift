import Discovery
import Provisioning
import TokenModel

/// Revoking a user: their token slot erased when the token is connected, then the register
/// entry revoked and the sealed seed destroyed.
public enum UserRevocation {
    /// What happened to the user's token slot.
    public enum TokenOutcome: Equatable, Sendable {
        /// The user has no token.
        case noToken
        case erased(serial: String, slot: Int)
        /// The slot was already empty.
        case alreadyEmpty(serial: String, slot: Int)
        /// The token is not connected: its slot is still to be erased.
        case notConnected(serial: String, slot: Int)
    }

    /// Revokes `username`; `pin` is asked for only when their token is connected.
    public static func revoke(
        _ username: String, in register: Register, discovery: TokenDiscovery, pin: () throws -> PIN
    ) throws -> TokenOutcome {
        let user = try register.user(username)
        var outcome = TokenOutcome.noToken
        if let serial = user.tokenSerial, let slot = user.slot {
            if let token = (try? discovery.supportedTokens())?.first(where: { $0.serial == serial }) {
                let driver = try discovery.open(token)
                let erased = try TokenMaintenance(driver: driver).eraseIfUsed(SlotIndex(slot), pin: try pin())
                outcome = erased ? .erased(serial: serial, slot: slot) : .alreadyEmpty(serial: serial, slot: slot)
            } else {
                outcome = .notConnected(serial: serial, slot: slot)
            }
        }
        try register.revoke(username)
        return outcome
    }
}
