import OTPCore

/// What SEND_OTP_DATA stages (firmware `cmd_send_OTP_data.type`).
public enum NitrokeyOTPDataKind: UInt8, Sendable, Equatable {
    case name = 0x4E  // "N"
    case secret = 0x53  // "S"
}

/// The Pro's general configuration (GET_STATUS R+6...10, WRITE_CONFIG P+0...4).
public struct NitrokeyGeneralConfig: Equatable, Sendable {
    /// HOTP slot typed on a double press of Num Lock, Caps Lock, Scroll Lock (0 or 1; other: off).
    public var numLock: UInt8
    public var capsLock: UInt8
    public var scrollLock: UInt8
    /// Codes need the user's temporary password.
    public var userPasswordRequired: Bool
    public var deleteUserPassword: Bool

    /// A new Pro: keyboard shortcuts off, codes without PIN.
    public static let factory = NitrokeyGeneralConfig(
        numLock: 0xFF, capsLock: 0xFF, scrollLock: 0xFF, userPasswordRequired: false, deleteUserPassword: false)

    public init(
        numLock: UInt8, capsLock: UInt8, scrollLock: UInt8, userPasswordRequired: Bool, deleteUserPassword: Bool
    ) {
        self.numLock = numLock
        self.capsLock = capsLock
        self.scrollLock = scrollLock
        self.userPasswordRequired = userPasswordRequired
        self.deleteUserPassword = deleteUserPassword
    }

    public init<Bytes: RandomAccessCollection<UInt8>>(bytes: Bytes) where Bytes.Index == Int {
        let base = bytes.startIndex
        self.init(
            numLock: bytes[base], capsLock: bytes[base + 1], scrollLock: bytes[base + 2],
            userPasswordRequired: bytes[base + 3] == 1, deleteUserPassword: bytes[base + 4] == 1)
    }

    public var bytes: [UInt8] {
        [numLock, capsLock, scrollLock, userPasswordRequired ? 1 : 0, deleteUserPassword ? 1 : 0]
    }
}

/// WRITE_TO_SLOT of firmware 0.8 and later: commits the staged name and secret.
public struct NitrokeySlotCommit: Equatable, Sendable {
    public var adminPassword: NitrokeyPassword
    public var slot: NitrokeySlot
    /// HOTP: the counter to start at; TOTP: the period in seconds.
    public var counterOrInterval: UInt64
    public var config: NitrokeySlotConfig
    /// 13 bytes.
    public var tokenID: [UInt8]

    public init(
        adminPassword: NitrokeyPassword, slot: NitrokeySlot, counterOrInterval: UInt64, config: NitrokeySlotConfig,
        tokenID: [UInt8] = []
    ) {
        self.adminPassword = adminPassword
        self.slot = slot
        self.counterOrInterval = counterOrInterval
        self.config = config
        self.tokenID = NitrokeyName.field(tokenID, size: NitrokeyName.tokenIDSize)
    }
}

/// WRITE_TO_SLOT of firmware 0.7 and earlier: everything in one packet, which an AUTHORIZE with
/// its CRC must precede.
public struct NitrokeyLegacySlotWrite: Equatable, Sendable {
    public static let secretSize = 20

    public var slot: NitrokeySlot
    /// 15 bytes.
    public var name: [UInt8]
    /// 20 bytes, zero padded.
    public var secret: Secret
    public var config: NitrokeySlotConfig
    public var tokenID: [UInt8]
    /// HOTP: the counter (8 bytes on the wire); TOTP: the period (2 bytes).
    public var counterOrInterval: UInt64

    public init(
        slot: NitrokeySlot, name: [UInt8], secret: Secret, config: NitrokeySlotConfig, tokenID: [UInt8] = [],
        counterOrInterval: UInt64
    ) {
        self.slot = slot
        self.name = NitrokeyName.field(name, size: NitrokeyName.slotNameSize)
        self.secret = secret
        self.config = config
        self.tokenID = NitrokeyName.field(tokenID, size: NitrokeyName.tokenIDSize)
        self.counterOrInterval = counterOrInterval
    }
}

/// A command of the Pro protocol with its fields (integers little-endian; libnitrokey
/// stick10_commands.h and stick10_commands_0.8.h give the layouts).
public enum NitrokeyRequest: Equatable, Sendable {
    case getStatus
    case readSlotName(NitrokeySlot)
    case readSlot(NitrokeySlot)
    /// `userPassword` travels only with firmware 0.8 and later.
    case getCode(NitrokeySlot, challenge: UInt64, userPassword: NitrokeyPassword?)
    /// `adminPassword` travels only with firmware 0.8 and later.
    case eraseSlot(NitrokeySlot, adminPassword: NitrokeyPassword?)
    /// `reset`: set unconditionally; else only forward from a time set before.
    case setTime(reset: Bool, time: UInt64)
    case firstAuthenticate(pin: NitrokeyPassword, temporaryPassword: NitrokeyPassword)
    case userAuthenticate(pin: NitrokeyPassword, temporaryPassword: NitrokeyPassword)
    case authorize(crc: UInt32, temporaryPassword: NitrokeyPassword)
    case userAuthorize(crc: UInt32, temporaryPassword: NitrokeyPassword)
    case getPasswordRetryCount
    case getUserPasswordRetryCount
    case factoryReset(adminPIN: NitrokeyPassword)
    case changeAdminPIN(current: NitrokeyPassword, new: NitrokeyPassword)
    case changeUserPIN(current: NitrokeyPassword, new: NitrokeyPassword)
    case writeConfig(NitrokeyGeneralConfig, adminPassword: NitrokeyPassword?)
    /// Stages 30 bytes of a name or of a secret (chunk `chunk` covers bytes 30·chunk ..< 30·chunk + 30).
    case sendOTPData(adminPassword: NitrokeyPassword, kind: NitrokeyOTPDataKind, chunk: UInt8, data: Secret)
    case writeToSlot(NitrokeySlotCommit)
    case writeToSlotWithSecret(NitrokeyLegacySlotWrite)
    case lockDevice
    /// A command this codec has no fields for.
    case other(commandID: UInt8, payload: [UInt8])

    /// SEND_OTP_DATA carries this many data bytes.
    public static let otpDataChunkSize = 30

    public var commandID: UInt8 {
        switch self {
        case .getStatus: NitrokeyCommandID.getStatus.rawValue
        case .readSlotName: NitrokeyCommandID.readSlotName.rawValue
        case .readSlot: NitrokeyCommandID.readSlot.rawValue
        case .getCode: NitrokeyCommandID.getCode.rawValue
        case .eraseSlot: NitrokeyCommandID.eraseSlot.rawValue
        case .setTime: NitrokeyCommandID.setTime.rawValue
        case .firstAuthenticate: NitrokeyCommandID.firstAuthenticate.rawValue
        case .userAuthenticate: NitrokeyCommandID.userAuthenticate.rawValue
        case .authorize: NitrokeyCommandID.authorize.rawValue
        case .userAuthorize: NitrokeyCommandID.userAuthorize.rawValue
        case .getPasswordRetryCount: NitrokeyCommandID.getPasswordRetryCount.rawValue
        case .getUserPasswordRetryCount: NitrokeyCommandID.getUserPasswordRetryCount.rawValue
        case .factoryReset: NitrokeyCommandID.factoryReset.rawValue
        case .changeAdminPIN: NitrokeyCommandID.changeAdminPIN.rawValue
        case .changeUserPIN: NitrokeyCommandID.changeUserPIN.rawValue
        case .writeConfig: NitrokeyCommandID.writeConfig.rawValue
        case .sendOTPData: NitrokeyCommandID.sendOTPData.rawValue
        case .writeToSlot, .writeToSlotWithSecret: NitrokeyCommandID.writeToSlot.rawValue
        case .lockDevice: NitrokeyCommandID.lockDevice.rawValue
        case .other(let id, _): id
        }
    }

    /// The command's name for messages ("GET_CODE").
    public var name: String {
        NitrokeyCommandID(rawValue: commandID).map(\.description) ?? "command 0x\(String(commandID, radix: 16))"
    }

    /// The report the host sends.
    public var report: NitrokeyCommandReport {
        NitrokeyCommandReport(commandID: commandID, payload: payload)
    }

    /// The command's payload, before zero padding to 59 bytes.
    public var payload: [UInt8] {
        switch self {
        case .getStatus, .getPasswordRetryCount, .getUserPasswordRetryCount, .lockDevice:
            return []
        case .readSlotName(let slot):
            return [slot.rawValue]
        case .readSlot(let slot):
            return [slot.rawValue, 1]  // counter format: binary
        case .getCode(let slot, let challenge, let password):
            // P+9...16 last TOTP time and P+17 last interval are unused by the firmware.
            return [slot.rawValue] + LittleEndian.bytes(challenge) + [UInt8](repeating: 0, count: 9)
                + (password?.field ?? [])
        case .eraseSlot(let slot, let password):
            return [slot.rawValue] + (password?.field ?? [])
        case .setTime(let reset, let time):
            return [reset ? 1 : 0] + LittleEndian.bytes(time)
        case .firstAuthenticate(let pin, let temporary), .userAuthenticate(let pin, let temporary):
            return pin.field + temporary.field
        case .changeAdminPIN(let current, let new), .changeUserPIN(let current, let new):
            return current.field + new.field
        case .authorize(let crc, let temporary), .userAuthorize(let crc, let temporary):
            return LittleEndian.bytes(crc) + temporary.field
        case .factoryReset(let pin):
            return pin.field
        case .writeConfig(let config, let password):
            return config.bytes + (password?.field ?? [])
        case .sendOTPData(let password, let kind, let chunk, let data):
            let bytes = data.withUnsafeBytes { Array($0.prefix(Self.otpDataChunkSize)) }
            return password.field + [kind.rawValue, chunk] + NitrokeyName.field(bytes, size: Self.otpDataChunkSize)
        case .writeToSlot(let commit):
            return commit.adminPassword.field + [commit.slot.rawValue] + LittleEndian.bytes(commit.counterOrInterval)
                + [commit.config.rawValue] + commit.tokenID
        case .writeToSlotWithSecret(let write):
            let secret = write.secret.withUnsafeBytes { Array($0) }
            let counter =
                write.slot.kind == .totp
                ? LittleEndian.bytes(UInt16(truncatingIfNeeded: write.counterOrInterval))
                : LittleEndian.bytes(write.counterOrInterval)
            return [write.slot.rawValue] + write.name
                + NitrokeyName.field(secret, size: NitrokeyLegacySlotWrite.secretSize)
                + [write.config.rawValue] + write.tokenID + counter
        case .other(_, let payload):
            return payload
        }
    }

    /// Reads a received report the way firmware with `layout` does.
    public init(decoding report: NitrokeyCommandReport, layout: NitrokeyFirmware.Layout) {
        let p = report.payload
        let split = layout == .temporaryPasswordInPacket
        func password(_ offset: Int) -> NitrokeyPassword { NitrokeyPassword(payload: p, at: offset) }
        func slot(_ offset: Int) -> NitrokeySlot { NitrokeySlot(rawValue: p[offset]) }
        guard let command = NitrokeyCommandID(rawValue: report.commandID) else {
            self = .other(commandID: report.commandID, payload: p)
            return
        }
        switch command {
        case .getStatus: self = .getStatus
        case .readSlotName: self = .readSlotName(slot(0))
        case .readSlot: self = .readSlot(slot(0))
        case .getCode:
            self = .getCode(slot(0), challenge: LittleEndian.uint64(p, at: 1), userPassword: split ? password(18) : nil)
        case .eraseSlot: self = .eraseSlot(slot(0), adminPassword: split ? password(1) : nil)
        case .setTime: self = .setTime(reset: p[0] == 1, time: LittleEndian.uint64(p, at: 1))
        case .firstAuthenticate: self = .firstAuthenticate(pin: password(0), temporaryPassword: password(25))
        case .userAuthenticate: self = .userAuthenticate(pin: password(0), temporaryPassword: password(25))
        case .authorize: self = .authorize(crc: LittleEndian.uint32(p, at: 0), temporaryPassword: password(4))
        case .userAuthorize: self = .userAuthorize(crc: LittleEndian.uint32(p, at: 0), temporaryPassword: password(4))
        case .getPasswordRetryCount: self = .getPasswordRetryCount
        case .getUserPasswordRetryCount: self = .getUserPasswordRetryCount
        case .factoryReset: self = .factoryReset(adminPIN: password(0))
        case .changeAdminPIN: self = .changeAdminPIN(current: password(0), new: password(25))
        case .changeUserPIN: self = .changeUserPIN(current: password(0), new: password(25))
        case .writeConfig:
            self = .writeConfig(NitrokeyGeneralConfig(bytes: p[0..<5]), adminPassword: split ? password(5) : nil)
        case .sendOTPData:
            guard let kind = NitrokeyOTPDataKind(rawValue: p[25]) else {
                self = .other(commandID: report.commandID, payload: p)
                return
            }
            self = .sendOTPData(adminPassword: password(0), kind: kind, chunk: p[26], data: Secret(bytes: p[27..<57]))
        case .writeToSlot where split:
            self = .writeToSlot(
                NitrokeySlotCommit(
                    adminPassword: password(0), slot: slot(25), counterOrInterval: LittleEndian.uint64(p, at: 26),
                    config: NitrokeySlotConfig(rawValue: p[34]), tokenID: Array(p[35..<48])))
        case .writeToSlot:
            let target = slot(0)
            let counter = target.kind == .totp ? UInt64(LittleEndian.uint16(p, at: 50)) : LittleEndian.uint64(p, at: 50)
            self = .writeToSlotWithSecret(
                NitrokeyLegacySlotWrite(
                    slot: target, name: Array(p[1..<16]), secret: Secret(bytes: p[16..<36]),
                    config: NitrokeySlotConfig(rawValue: p[36]), tokenID: Array(p[37..<50]), counterOrInterval: counter)
            )
        case .lockDevice: self = .lockDevice
        case .unlockUserPassword: self = .other(commandID: report.commandID, payload: p)
        }
    }
}
