import Discovery
import Provisioning
import TokenModel

/// Revoking a user: the register entry revoked and the sealed seed destroyed first, then their
/// token slot erased when the token is connected and the slot still holds what the register
/// recorded there (serial, slot and name). A slot that holds anything else is left alone. A
/// display token, which cannot be erased, is retired with the user: its seed is destroyed in the
/// inventory too, so a lost or returned token never opens anyone's account again.
public enum UserRevocation {
    /// What happened to the user's token slot.
    public enum TokenOutcome: Equatable, Sendable {
        /// The user has no token slot on record.
        case noToken
        case erased(serial: String, slot: Int)
        /// The slot was already empty.
        case alreadyEmpty(serial: String, slot: Int)
        /// The slot holds another account now (`label`): left as it is.
        case reused(serial: String, slot: Int, label: String)
        /// The register does not know what the slot was named, so it cannot tell: left as it is.
        case unrecorded(serial: String, slot: Int)
        /// The token is not connected: its slot is still to be erased (revoke again when it is).
        case notConnected(serial: String, slot: Int)
        /// A display token: retired with its seed destroyed, never given to anyone again.
        case retired(serial: String)
    }

    public struct Outcome: Equatable, Sendable {
        /// False when the user was already revoked.
        public let revoked: Bool
        public let token: TokenOutcome
    }

    /// Revokes `username`; `pin` gives the PIN of the token with a serial, asked for only when
    /// that token is connected. `policy` is issuance's test-token policy.
    public static func revoke(
        _ username: String, in register: Register, discovery: TokenDiscovery, policy: SeedImportPolicy,
        reason: String?, pin: (String) throws -> PIN
    ) throws -> Outcome {
        let user = try register.user(username)
        let displayToken = try register.displayToken(heldBy: username)
        let revoked = try register.revoke(username, reason: reason)
        if let displayToken { return Outcome(revoked: revoked, token: .retired(serial: displayToken.serial)) }
        guard let serial = user.tokenSerial, let slot = user.slot else { return Outcome(revoked: revoked, token: .noToken) }
        guard let token = (try? discovery.supportedTokens())?.first(where: { $0.serial == serial }) else {
            return Outcome(revoked: revoked, token: .notConnected(serial: serial, slot: slot))
        }
        let driver = try discovery.open(token)
        try driver.checkTrust(policy)
        try driver.verifyPIN(try pin(serial))
        let outcome: TokenOutcome
        // A shortened name (a Pro's) can match another user's: nobody else may be recorded there.
        let othersRecorded = try register.holders(ofSlot: slot, onToken: serial).contains { $0 != username }
        switch try driver.slots().first(where: { $0.slot == SlotIndex(slot) }) {
        case nil:
            outcome = .alreadyEmpty(serial: serial, slot: slot)
        case let entry? where user.slotLabel == nil:
            _ = entry
            outcome = .unrecorded(serial: serial, slot: slot)
        case let entry? where othersRecorded || !driver.holds(user.slotLabel, in: entry):
            outcome = .reused(serial: serial, slot: slot, label: entry.configuration.label)
        case _?:
            try TokenMaintenance(driver: driver).erase(SlotIndex(slot), pin: try pin(serial))
            outcome = .erased(serial: serial, slot: slot)
        }
        try register.clearSlot(username, detail: "\(outcome)")
        return Outcome(revoked: revoked, token: outcome)
    }
}
