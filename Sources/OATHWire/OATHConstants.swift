/// The OATH application's identifier (YKOATH §SELECT), the same on YubiKeys and the Nitrokey 3.
public let oathApplicationID: [UInt8] = [0xA0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01]

/// YKOATH's TLV tags (YKOATH §General definitions).
public enum OATHTag {
    public static let name: UInt8 = 0x71
    public static let nameList: UInt8 = 0x72
    public static let key: UInt8 = 0x73
    public static let challenge: UInt8 = 0x74
    public static let response: UInt8 = 0x75
    public static let truncated: UInt8 = 0x76
    public static let hotp: UInt8 = 0x77
    /// Followed by one byte and no length.
    public static let property: UInt8 = 0x78
    public static let version: UInt8 = 0x79
    public static let initialCounter: UInt8 = 0x7A
    public static let algorithm: UInt8 = 0x7B
    public static let touch: UInt8 = 0x7C
}

/// YKOATH's instruction bytes.
public enum OATHInstruction {
    public static let select: UInt8 = 0xA4
    public static let put: UInt8 = 0x01
    public static let delete: UInt8 = 0x02
    public static let setCode: UInt8 = 0x03
    public static let reset: UInt8 = 0x04
    public static let list: UInt8 = 0xA1
    public static let calculate: UInt8 = 0xA2
    public static let validate: UInt8 = 0xA3
    public static let calculateAll: UInt8 = 0xA4
    public static let sendRemaining: UInt8 = 0xA5
}

/// The PUT property byte that makes a credential wait for a touch.
public let oathRequireTouchProperty: UInt8 = 0x02
/// The longest credential name the application keeps.
public let oathMaximumNameBytes = 64
/// Keys shorter than this are padded with zeros (HMAC keys are zero-padded anyway, RFC 2104 §2).
public let oathMinimumKeyBytes = 14
