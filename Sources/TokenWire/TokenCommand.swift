/// Application commands (§5), the first byte of a request message.
public enum TokenCommand: UInt8, Sendable, CaseIterable {
    case getInfo = 0x01
    case setPIN = 0x02
    case verifyPIN = 0x03
    case changePIN = 0x04
    case putSlot = 0x05
    case deleteSlot = 0x06
    case listSlots = 0x07
    case calculate = 0x08
    case setTime = 0x09
    case getTime = 0x0A
    case factoryReset = 0x0B
    case attest = 0x0C
    /// Protocol 1.1: the token's one-shot PIN key (§5.13, §7.6).
    case getKeyAgreement = 0x0D

    /// The command's name in firmware-spec §5 ("GET_INFO").
    public var name: String {
        switch self {
        case .getInfo: "GET_INFO"
        case .setPIN: "SET_PIN"
        case .verifyPIN: "VERIFY_PIN"
        case .changePIN: "CHANGE_PIN"
        case .putSlot: "PUT_SLOT"
        case .deleteSlot: "DELETE_SLOT"
        case .listSlots: "LIST_SLOTS"
        case .calculate: "CALCULATE"
        case .setTime: "SET_TIME"
        case .getTime: "GET_TIME"
        case .factoryReset: "FACTORY_RESET"
        case .attest: "ATTEST"
        case .getKeyAgreement: "GET_KEY_AGREEMENT"
        }
    }

    /// Whether the command needs a channel unlocked by VERIFY_PIN (§5, table 2).
    public var needsPIN: Bool {
        switch self {
        case .putSlot, .deleteSlot, .listSlots, .calculate, .setTime: true
        case .getInfo, .setPIN, .verifyPIN, .changePIN, .getTime, .factoryReset, .attest, .getKeyAgreement: false
        }
    }
}

/// Status codes (§6), the first byte of a response message.
public enum TokenStatus: UInt8, Error, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0x00
    case unknownCommand = 0x01
    case malformed = 0x02
    case missingParameter = 0x03
    case unsupportedParameter = 0x04
    case slotOutOfRange = 0x05
    case slotEmpty = 0x06
    case slotOccupied = 0x07
    case slotsFull = 0x08
    case pinRequired = 0x09
    case pinInvalid = 0x0A
    case pinBlocked = 0x0B
    case pinNotSet = 0x0C
    case pinAlreadySet = 0x0D
    case pinPolicy = 0x0E
    case decryptionFailed = 0x0F
    case timeNotSet = 0x10
    case confirmationRequired = 0x11
    case flashFailure = 0x12
    /// Protocol 1.1: a protected PIN request does not authenticate (§7.6.3).
    case pinAuthInvalid = 0x13

    public var description: String {
        switch self {
        case .ok: "success"
        case .unknownCommand: "the token does not know this command"
        case .malformed: "the token could not parse the request"
        case .missingParameter: "the request lacks a required field"
        case .unsupportedParameter: "the token does not support a parameter of the request"
        case .slotOutOfRange: "no such slot on this token"
        case .slotEmpty: "the slot is empty"
        case .slotOccupied: "the slot is in use"
        case .slotsFull: "every slot is in use"
        case .pinRequired: "the PIN must be verified first"
        case .pinInvalid: "wrong PIN"
        case .pinBlocked: "the PIN is blocked: only a factory reset makes the token usable again"
        case .pinNotSet: "the token has no PIN yet: set one first"
        case .pinAlreadySet: "the token already has a PIN: change it instead"
        case .pinPolicy: "a PIN is 4 to 32 bytes"
        case .decryptionFailed: "the token could not decrypt the seed"
        case .timeNotSet: "the token's clock is not set"
        case .confirmationRequired: "a factory reset needs the confirmation text"
        case .flashFailure: "the token could not write its flash"
        case .pinAuthInvalid: "the token could not authenticate the protected PIN request"
        }
    }
}
