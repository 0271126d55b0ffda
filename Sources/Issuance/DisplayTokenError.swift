import Exports

/// Why display tokens cannot be imported or given to a user. Each case names the file and the
/// token (serial, else the PSKC Key Id); none carries a seed, a key or a password.
public enum DisplayTokenError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The PSKC file cannot be read: its XML, its structure, its key or password, or a MAC.
    case unreadable(file: String, PSKCReadError)
    case noTokens(file: String)
    /// A key of the file that TokenForge cannot use as a display token's (an OCRA key, SHA-384, …).
    case unsupported(file: String, token: String, String)
    case missingSerial(file: String, keyID: String)
    case invalidSerial(file: String, keyID: String, problem: String)
    case duplicateSerial(file: String, serial: String)
    /// The inventory already holds a token with that serial.
    case alreadyImported(file: String, serial: String, from: String)
    /// A user of the register already has a token with that serial.
    case serialInUse(file: String, serial: String, user: String)
    /// The token is already given to another user.
    case assigned(serial: String, holder: String, user: String)
    case retired(serial: String, user: String)
    case notInInventory(serial: String, user: String)
    /// The token cannot be given to a user (an HOTP token: users are issued TOTP).
    case notAssignable(serial: String, user: String, reason: String)
    /// A display token's seed cannot be changed: the user needs another token.
    case fixedSeed(serial: String, user: String)
    /// The user was already issued another seed: a display token goes only to a user not issued yet.
    case userAlreadyIssued(serial: String, user: String)

    public var description: String {
        switch self {
        case .unreadable(let file, let error):
            switch error {
            case .passwordRequired: "\(file): the PSKC file is protected by a password: give it with --password-file"
            case .preSharedKeyRequired:
                "\(file): the PSKC file is encrypted with a pre-shared key: give it with --psk-file"
            case .notPasswordProtected:
                "\(file): the PSKC file is not protected by a password (it is encrypted with a pre-shared key, or plain): use --psk-file, or neither"
            default: "\(file): \(error); nothing was imported"
            }
        case .noTokens(let file): "\(file): the PSKC file holds no key"
        case .unsupported(let file, let token, let what): "\(file): token \(token): \(what); nothing was imported"
        case .missingSerial(let file, let keyID):
            "\(file): key \"\(keyID)\" has no DeviceInfo/SerialNo: a display token is known by its serial; nothing was imported"
        case .invalidSerial(let file, let keyID, let problem):
            "\(file): key \"\(keyID)\": \(problem); nothing was imported"
        case .duplicateSerial(let file, let serial):
            "\(file): token \(serial) appears twice in the file; nothing was imported"
        case .alreadyImported(let file, let serial, let from):
            "\(file): token \(serial) is already in the inventory (imported from \(from)); nothing was imported"
        case .serialInUse(let file, let serial, let user):
            "\(file): token \(serial) is already recorded for user \(user); nothing was imported"
        case .assigned(let serial, let holder, let user):
            "\(user): display token \(serial) is already given to \(holder): one token per user"
        case .retired(let serial, let user):
            "\(user): display token \(serial) is retired (its seed was destroyed when its user was revoked or given another token): choose another token"
        case .notInInventory(let serial, let user): "\(user): token \(serial) is not in the display-token inventory"
        case .notAssignable(let serial, let user, let reason): "\(user): display token \(serial) \(reason)"
        case .userAlreadyIssued(let serial, let user):
            "\(user) is already issued: display token \(serial) is given only to a user not issued yet (its seed cannot replace theirs through the roster)"
        case .fixedSeed(let serial, let user):
            "\(user) has display token \(serial), whose seed cannot be changed: reissue with --new-token to give them another token (the display token is retired)"
        }
    }
}
