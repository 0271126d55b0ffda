import NitrokeyWire

/// How long an emulated Nitrokey Pro takes over each command; meanwhile it answers busy.
public enum NitrokeyLatency: Sendable, Equatable, CustomStringConvertible {
    /// The same time for every command.
    case uniform(milliseconds: Int)
    /// An estimate per command of what the firmware does, for benchmarks (estimates, not
    /// measurements of a device):
    /// - WRITE_TO_SLOT, ERASE_SLOT, WRITE_CONFIG: 95 ms. hotp.c `write_to_slot` erases and programs
    ///   two 1 KB flash pages (a backup copy, then the slot page); the STM32F103 datasheet gives a
    ///   page erase 20 ms and a half-word program 52.5 µs (×512 per page), typical.
    /// - FIRST_AUTHENTICATE, USER_AUTHENTICATE, CHANGE_*_PIN: 40 ms, a VERIFY to the OpenPGP smart
    ///   card over its serial link; GET_*_RETRY_COUNT: 10 ms, a card read (assumed).
    /// - FACTORY_RESET: 1 s, the card reset and every slot page erased.
    /// - GET_CODE: 2 ms (HMAC-SHA1 in software, an HOTP counter half-word in flash); everything else
    ///   (status, names, SEND_OTP_DATA into RAM, SET_TIME's one flash word): 1 ms.
    case realistic

    public func milliseconds(for commandID: UInt8) -> Int {
        switch self {
        case .uniform(let milliseconds):
            return max(0, milliseconds)
        case .realistic:
            switch NitrokeyCommandID(rawValue: commandID) {
            case .writeToSlot, .eraseSlot, .writeConfig: return 95
            case .firstAuthenticate, .userAuthenticate, .changeAdminPIN, .changeUserPIN, .unlockUserPassword: return 40
            case .getPasswordRetryCount, .getUserPasswordRetryCount: return 10
            case .factoryReset: return 1_000
            case .getCode: return 2
            default: return 1
            }
        }
    }

    /// "realistic" or a number of milliseconds.
    public init?(_ text: String) {
        if text == "realistic" {
            self = .realistic
        } else if let milliseconds = Int(text), milliseconds >= 0 {
            self = .uniform(milliseconds: milliseconds)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .uniform(let milliseconds): "\(milliseconds)"
        case .realistic: "realistic"
        }
    }
}
