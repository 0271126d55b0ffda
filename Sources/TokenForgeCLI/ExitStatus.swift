/// The process exit statuses of every tokenforge command.
enum ExitStatus: Int32, CaseIterable {
    case success = 0
    case codeRejected = 1
    case usage = 64
    case badInput = 65
    case noInput = 66
    case noDevice = 69
    case cannotWrite = 73
    case deviceIO = 74
    case registerInUse = 75
    case verificationFailed = 76
    case pin = 77
    case refused = 78
    case registerDamaged = 79
    case outputExists = 80
    case slotMayBeWritten = 81
    case incomplete = 82
    case notPrintable = 83
    case serverNotVerified = 84
    case exportRefused = 85
    case pskcRejected = 86

    var meaning: String {
        switch self {
        case .success: "success"
        case .codeRejected: "the code is not valid (verify), or was already used"
        case .usage: "wrong options or arguments"
        case .badInput: "malformed input: otpauth URI, Base32, code or parameter"
        case .noInput: "no credential given, or an input file cannot be read"
        case .noDevice:
            "no token found, several found without --device, or the token was unplugged; the server cannot be reached"
        case .cannotWrite: "an output file cannot be written"
        case .deviceIO: "the token did not answer in time or answered garbage"
        case .registerInUse: "another tokenforge is changing the register (waited --wait seconds): try again when it has finished"
        case .verificationFailed: "a slot was written but its code does not match: it is not usable"
        case .pin: "wrong, blocked, missing or unverified PIN; the server refused the admin's login"
        case .refused:
            "the token, TokenForge's policy, the user's state or the server refused it (revoked, locked, last admin, unknown user, …)"
        case .registerDamaged: "the register is damaged: a stored value is unknown, of the wrong type or out of range"
        case .outputExists:
            "an output path already exists (--force replaces a regular file, never a link, device or FIFO)"
        case .slotMayBeWritten:
            "the token's answer was lost after a slot write: the slot may have been written (check with slots, code --slot)"
        case .incomplete: "the run finished but left users pending (their token was not inserted): run it again for them"
        case .notPrintable: "no letter printed: a user named is unknown, activated, revoked or not issued yet"
        case .serverNotVerified:
            "the server's TLS certificate cannot be verified: not signed by a trusted CA (a private one: --ca-file) or not for its host"
        case .exportRefused:
            "an export format cannot take some users (named, with why: Entra ID takes TOTP, SHA-1/SHA-256, 30/60 s, 6 digits only): nothing was written"
        case .pskcRejected:
            "a PSKC file's key or password is wrong, or a MAC does not match (the file was altered): nothing imported"
        }
    }

    static var helpText: String {
        "Exit status:\n" + allCases.map { "  \($0.rawValue)\t\($0.meaning)" }.joined(separator: "\n")
    }
}

/// A failure the user can act on, with the exit status it maps to.
struct CLIFailure: Error {
    let status: ExitStatus
    let message: String

    static func badInput(_ message: String) -> CLIFailure { CLIFailure(status: .badInput, message: message) }
    static func noInput(_ message: String) -> CLIFailure { CLIFailure(status: .noInput, message: message) }
    static func usage(_ message: String) -> CLIFailure { CLIFailure(status: .usage, message: message) }
}
