/// The GET_STATUS answer: firmware version, smart card serial, general configuration.
public struct NitrokeyDeviceInfo: Equatable, Sendable {
    public var firmware: NitrokeyFirmware
    public var cardSerial: UInt32
    public var config: NitrokeyGeneralConfig

    public init(firmware: NitrokeyFirmware, cardSerial: UInt32, config: NitrokeyGeneralConfig) {
        self.firmware = firmware
        self.cardSerial = cardSerial
        self.config = config
    }

    /// R+0 minor, R+1 major, R+2...5 card serial, R+6...10 configuration.
    public var payload: [UInt8] {
        [firmware.minor, firmware.major] + LittleEndian.bytes(cardSerial) + config.bytes
    }

    public init(payload: [UInt8]) {
        firmware = NitrokeyFirmware(major: payload[1], minor: payload[0])
        cardSerial = LittleEndian.uint32(payload, at: 2)
        config = NitrokeyGeneralConfig(bytes: payload[6..<11])
    }
}

/// The READ_SLOT answer (never the secret).
public struct NitrokeySlotDetails: Equatable, Sendable {
    public var name: String
    public var config: NitrokeySlotConfig
    public var tokenID: [UInt8]
    /// HOTP: the next counter; TOTP: the period.
    public var counterOrInterval: UInt64

    public init(name: String, config: NitrokeySlotConfig, tokenID: [UInt8], counterOrInterval: UInt64) {
        self.name = name
        self.config = config
        self.tokenID = NitrokeyName.field(tokenID, size: NitrokeyName.tokenIDSize)
        self.counterOrInterval = counterOrInterval
    }

    /// R+0...14 name, R+15 config, R+16...28 token ID, R+29...36 counter or period.
    public var payload: [UInt8] {
        NitrokeyName.field(Array(name.utf8), size: NitrokeyName.slotNameSize) + [config.rawValue] + tokenID
            + LittleEndian.bytes(counterOrInterval)
    }

    public init(payload: [UInt8]) {
        name = NitrokeyName.decode(payload[0..<15])
        config = NitrokeySlotConfig(rawValue: payload[15])
        tokenID = Array(payload[16..<29])
        counterOrInterval = LittleEndian.uint64(payload, at: 29)
    }
}

/// The GET_CODE answer: the code as a number, the slot's configuration and token ID.
public struct NitrokeyCodeAnswer: Equatable, Sendable {
    public var code: UInt32
    public var config: NitrokeySlotConfig
    public var tokenID: [UInt8]

    public init(code: UInt32, config: NitrokeySlotConfig, tokenID: [UInt8] = []) {
        self.code = code
        self.config = config
        self.tokenID = NitrokeyName.field(tokenID, size: NitrokeyName.tokenIDSize)
    }

    /// R+0...3 code, R+4 config, R+5...17 token ID.
    public var payload: [UInt8] { LittleEndian.bytes(code) + [config.rawValue] + tokenID }

    public init(payload: [UInt8]) {
        code = LittleEndian.uint32(payload, at: 0)
        config = NitrokeySlotConfig(rawValue: payload[4])
        tokenID = Array(payload[5..<18])
    }

    /// The code as the user types it: zero padded to the slot's digits.
    public var text: String {
        let digits = String(code)
        return String(repeating: "0", count: max(0, config.digits - digits.count)) + digits
    }
}

/// Slot names (READ_SLOT_NAME, R+0...14) and retry counts (R+0) are single fields.
public enum NitrokeyAnswer {
    public static func slotName(_ payload: [UInt8]) -> String { NitrokeyName.decode(payload[0..<15]) }
    public static func retryCount(_ payload: [UInt8]) -> Int { Int(payload[0]) }
}
