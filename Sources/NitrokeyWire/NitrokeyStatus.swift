/// The first byte of every response: whether the device has finished the last command
/// (firmware report_protocol.h, STATUS_*).
public enum NitrokeyDeviceStatus: UInt8, Sendable, Equatable, CustomStringConvertible {
    case ready = 0
    case busy = 1
    case error = 2
    case receivedReport = 3

    public var description: String {
        switch self {
        case .ready: "ready"
        case .busy: "busy"
        case .error: "error"
        case .receivedReport: "report received, not yet processed"
        }
    }
}

/// How the device judged the last command (firmware report_protocol.h, CMD_STATUS_*).
public enum NitrokeyCommandStatus: UInt8, Sendable, Equatable, CustomStringConvertible {
    case ok = 0
    case wrongCRC = 1
    case wrongSlot = 2
    case slotNotProgrammed = 3
    case wrongPassword = 4
    case notAuthorized = 5
    case timestampWarning = 6
    case noNameError = 7
    case notSupported = 8
    case unknownCommand = 9
    case aesDecryptionFailed = 10
    case aesKeyCreationFailed = 11
    case errorChangingUserPassword = 12
    case errorChangingAdminPassword = 13
    case errorUnblockingPIN = 14

    public var description: String {
        switch self {
        case .ok: "OK"
        case .wrongCRC: "the command arrived damaged (wrong CRC)"
        case .wrongSlot: "there is no such slot"
        case .slotNotProgrammed: "the slot is not programmed"
        case .wrongPassword: "wrong PIN"
        case .notAuthorized: "not authorised (the temporary password is missing or wrong)"
        case .timestampWarning: "the clock was not changed (never set, or the new time is earlier)"
        case .noNameError: "a slot needs a name"
        case .notSupported: "not supported"
        case .unknownCommand: "unknown command"
        case .aesDecryptionFailed: "AES decryption failed"
        case .aesKeyCreationFailed: "AES key creation failed"
        case .errorChangingUserPassword: "the user PIN could not be changed"
        case .errorChangingAdminPassword: "the admin PIN could not be changed"
        case .errorUnblockingPIN: "the user PIN could not be unblocked"
        }
    }
}
