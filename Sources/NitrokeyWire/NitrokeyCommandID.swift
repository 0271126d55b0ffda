/// Command IDs of the Nitrokey Pro HID protocol (firmware report_protocol.h; libnitrokey command_id.h).
public enum NitrokeyCommandID: UInt8, Sendable, Equatable, CaseIterable, CustomStringConvertible {
    case getStatus = 0x00
    case writeToSlot = 0x01
    case readSlotName = 0x02
    case readSlot = 0x03
    case getCode = 0x04
    case writeConfig = 0x05
    case eraseSlot = 0x06
    case firstAuthenticate = 0x07
    case authorize = 0x08
    case getPasswordRetryCount = 0x09
    case setTime = 0x0B
    case userAuthenticate = 0x0E
    case getUserPasswordRetryCount = 0x0F
    case userAuthorize = 0x10
    case unlockUserPassword = 0x11
    case lockDevice = 0x12
    case factoryReset = 0x13
    case changeUserPIN = 0x14
    case changeAdminPIN = 0x15
    case sendOTPData = 0x17

    public var description: String {
        switch self {
        case .getStatus: "GET_STATUS"
        case .writeToSlot: "WRITE_TO_SLOT"
        case .readSlotName: "READ_SLOT_NAME"
        case .readSlot: "READ_SLOT"
        case .getCode: "GET_CODE"
        case .writeConfig: "WRITE_CONFIG"
        case .eraseSlot: "ERASE_SLOT"
        case .firstAuthenticate: "FIRST_AUTHENTICATE"
        case .authorize: "AUTHORIZE"
        case .getPasswordRetryCount: "GET_PASSWORD_RETRY_COUNT"
        case .setTime: "SET_TIME"
        case .userAuthenticate: "USER_AUTHENTICATE"
        case .getUserPasswordRetryCount: "GET_USER_PASSWORD_RETRY_COUNT"
        case .userAuthorize: "USER_AUTHORIZE"
        case .unlockUserPassword: "UNLOCK_USER_PASSWORD"
        case .lockDevice: "LOCK_DEVICE"
        case .factoryReset: "FACTORY_RESET"
        case .changeUserPIN: "CHANGE_USER_PIN"
        case .changeAdminPIN: "CHANGE_ADMIN_PIN"
        case .sendOTPData: "SEND_OTP_DATA"
        }
    }
}
