import HIDTransport
import TokenWire

/// Why talking to a token failed, with what the user needs to act.
public enum DriverError: Error, Equatable, Sendable, CustomStringConvertible {
    case transport(HIDError)
    case timeout(TokenCommand?)
    case framing(FramingError)
    case malformedResponse(String)
    case refused(TokenCommand, TokenStatus)
    case wrongPIN(retriesLeft: Int)
    case pinBlocked
    case notGenuine
    case testTokenNotAllowed
    case plainImportNotAllowed
    case verificationFailed(slot: SlotIndex)
    case unsupported(String)
    /// A token without channels timed out on a command (named as its protocol names it).
    case deviceTimeout(String)
    /// The token refused an operation, for a reason its protocol states.
    case rejected(operation: String, reason: String)
    /// The operation needs an authorisation (the admin PIN) the token does not hold.
    case notAuthorized(String)
    /// A Nitrokey's admin PIN is blocked: no HID command unblocks it.
    case adminPINBlocked

    public var description: String {
        switch self {
        case .transport(let error): "\(error)"
        case .timeout(let command):
            "the token did not answer\(command.map { " \($0)" } ?? "") in time: check that it is plugged in"
        case .framing(let error): "the token reported a transport error: \(error)"
        case .malformedResponse(let detail): "the token sent a malformed response: \(detail)"
        case .refused(let command, let status): "the token refused \(command): \(status)"
        case .wrongPIN(let retries):
            "wrong PIN: \(retries) \(retries == 1 ? "try" : "tries") left before the token locks"
        case .pinBlocked:
            "the PIN is blocked after too many wrong tries: `tokenforge reset` erases the token and makes it usable again"
        case .notGenuine:
            "the token's attestation does not verify: it is not a genuine token, refusing to send it seeds"
        case .testTokenNotAllowed:
            "the token is signed with the public test manufacturer key (a virtual or development token): pass --allow-test-tokens to use it"
        case .plainImportNotAllowed:
            "the token cannot receive encrypted seeds: pass --allow-plain-import to send the seed unencrypted over USB"
        case .verificationFailed(let slot):
            "\(slot) was written but its code does not match the host's: the slot is not usable, erase it and program again"
        case .unsupported(let detail): detail
        case .deviceTimeout(let command): "the token did not answer \(command) in time: check that it is plugged in"
        case .rejected(let operation, let reason): "the token refused \(operation): \(reason)"
        case .notAuthorized(let operation):
            "the token did not authorise \(operation): give the admin PIN (--pin-file, TOKENFORGE_PIN or the prompt)"
        case .adminPINBlocked:
            "the admin PIN is blocked after too many wrong tries: the token's slots can no longer be changed or reset over HID; a Nitrokey Pro is recovered only by resetting its OpenPGP card (see Nitrokey's documentation)"
        }
    }
}
