import Crypto
import NitrokeyWire
import OTPCore

/// The OTP side of a Nitrokey Pro as its firmware behaves (report_protocol.c, hotp.c), through the
/// shared Nitrokey codec: feature reports in and out, admin and user PINs with retry counters,
/// temporary passwords, 15 TOTP and 3 HOTP slots, a clock the host sets, factory reset.
///
/// Firmware 0.15 by default; `Configuration.firmware` selects 0.7 and earlier, whose writes are
/// authorised by an AUTHORIZE packet carrying the next packet's CRC. Slots, PINs, retry counters
/// and the last time set live in a `FlashStore`; temporary passwords, staged slot data and the
/// running clock live in RAM and end at power-off, as on the device (it has no battery).
public final class NitrokeyPro {
    public struct Configuration: Sendable {
        public var firmware = NitrokeyFirmware.zeroFifteen
        /// How long each command takes: meanwhile the device answers "busy" and drops new reports.
        public var latency = NitrokeyLatency.uniform(milliseconds: 0)
        public var pinRetryLimit = 3
        public init() {}
    }

    /// The PINs of a new or factory-reset Pro.
    public static let defaultAdminPIN = "12345678"
    public static let defaultUserPIN = "123456"
    /// The OpenPGP card's PIN length rules, checked when a PIN is changed.
    static let adminPINLengths = 8...20
    static let userPINLengths = 6...20
    /// The firmware stores the time set as minutes since 2014-01-01 (hotp.c `set_time_value`).
    static let timeEpoch: Int64 = 1_388_534_400

    enum RecordType {
        static let identity: UInt8 = 0x40
        static let adminPIN: UInt8 = 0x41
        static let userPIN: UInt8 = 0x42
        static let retries: UInt8 = 0x43
        static let config: UInt8 = 0x44
        static let slot: UInt8 = 0x45
        static let lastTime: UInt8 = 0x46
    }

    public let configuration: Configuration
    /// The smart card serial GET_STATUS reports; the USB serial string is made from it.
    public let cardSerial: UInt32
    public var faults = TransportFaults()
    public var latency: NitrokeyLatency
    /// True after a simulated power cut, until `powerOn()`.
    public private(set) var isPoweredOff = false

    private let medium: FlashMedium
    private let clock: DeviceClock
    private var random: DeviceRandom
    private var flash: FlashStore

    // RAM, lost at power-off.
    private var temporaryAdminPassword: NitrokeyPassword?
    private var temporaryUserPassword: NitrokeyPassword?
    private var authorizedCRC: UInt32?
    private var authorizedUserCRC: UInt32?
    private var stagedName: [UInt8]?
    private var stagedSecret: [UInt8]?
    /// The running clock: `time` at monotonic `milliseconds`.
    private var clockBase: (time: Int64, milliseconds: UInt64)
    private var lastResponse: NitrokeyResponseReport?
    /// The command being processed and when it is done.
    private var inProgress: (commandID: UInt8, crc: UInt32)?
    private var readyAt: UInt64 = 0

    /// Mounts the flash on `medium`; a blank medium becomes a new Pro with `cardSerial` (or a random one).
    public init(
        medium: FlashMedium, clock: DeviceClock, random: any RandomNumberGenerator = SystemRandomNumberGenerator(),
        configuration: Configuration = Configuration(), cardSerial newSerial: UInt32? = nil
    ) throws(FlashError) {
        var generator = DeviceRandom(base: random)
        let flash = try FlashStore(medium: medium)
        if let record = flash.value(.init(type: RecordType.identity, index: 0)) {
            guard record.count == 9, record.prefix(5).elementsEqual("NKPRO".utf8) else { throw .missingIdentity }
            cardSerial = record.suffix(4).reduce(0) { $0 << 8 | UInt32($1) }
        } else {
            guard flash.keys(ofType: 1).isEmpty else { throw .foreignImage }  // a spec token's image
            let serial = newSerial ?? UInt32(truncatingIfNeeded: generator.next())
            try flash.write(.init(type: RecordType.identity, index: 0), Array("NKPRO".utf8) + Self.bigEndian(serial))
            cardSerial = serial
        }
        self.medium = medium
        self.clock = clock
        self.random = generator
        self.configuration = configuration
        self.flash = flash
        latency = configuration.latency
        clockBase = (0, clock.milliseconds)
    }

    /// The Pro's USB serial string.
    public var usbSerial: String { NitrokeyUSBIdentity.serialString(cardSerial: cardSerial) }

    /// Arms a power cut after `steps` flash program steps (0: at the next write).
    public func cutPower(afterFlashSteps steps: Int) { flash.powerCutAfterSteps = steps }

    /// Restarts the device: RAM state (temporary passwords, staged data, the clock) is lost.
    public func powerOn() throws(FlashError) {
        flash = try FlashStore(medium: medium)
        temporaryAdminPassword = nil
        temporaryUserPassword = nil
        authorizedCRC = nil
        authorizedUserCRC = nil
        stagedName = nil
        stagedSecret = nil
        clockBase = (0, clock.milliseconds)
        lastResponse = nil
        inProgress = nil
        readyAt = 0
        isPoweredOff = false
    }

    /// The clock TOTP codes use: what SET_TIME set, running since (0 from power-on until set).
    /// The firmware counts in unsigned 64-bit seconds, so a time set near the top wraps, never traps.
    public var currentTime: Int64 {
        let (time, overflow) = clockBase.time.addingReportingOverflow(
            Int64(clamping: (clock.milliseconds &- clockBase.milliseconds) / 1_000))
        return overflow ? .max : time
    }

    /// Moves the running clock (emulated drift).
    public func adjustClock(by seconds: Int64) {
        let (time, overflow) = clockBase.time.addingReportingOverflow(seconds)
        clockBase.time = overflow ? (seconds > 0 ? .max : .min) : time
    }

    // MARK: Reports

    /// SET_REPORT: one 64-byte command report (no report ID). Dropped while a command is in
    /// progress, as the firmware drops it.
    public func setReport(_ report: [UInt8]) throws(DisconnectedError) {
        if faults.disconnected { throw DisconnectedError() }
        if faults.dropIncoming > 0 {
            faults.dropIncoming -= 1
            return
        }
        guard !isPoweredOff, !isBusy, let command = try? NitrokeyCommandReport(decoding: report) else { return }
        inProgress = (command.commandID, command.crc)
        guard !faults.stalled else {
            readyAt = .max
            return
        }
        do {
            lastResponse = try respond(to: command)
        } catch {
            isPoweredOff = true  // power lost mid-command: no answer at all
            return
        }
        readyAt = clock.milliseconds + UInt64(latency.milliseconds(for: command.commandID))
    }

    /// GET_REPORT: the last response with the current device status in front; while a command is
    /// in progress, its header with status busy.
    public func getReport() throws(DisconnectedError) -> [UInt8] {
        if faults.disconnected { throw DisconnectedError() }
        var bytes: [UInt8]
        if isBusy, let (commandID, crc) = inProgress {
            bytes = [NitrokeyDeviceStatus.busy.rawValue, commandID] + Self.littleEndian(crc)
            bytes += [UInt8](repeating: 0, count: NitrokeyReport.size - bytes.count)
        } else {
            bytes = lastResponse?.bytes ?? [UInt8](repeating: 0, count: NitrokeyReport.size)
        }
        if faults.corruptOutgoing > 0, !isBusy {
            faults.corruptOutgoing -= 1
            bytes[10] ^= 0x5A
        }
        return bytes
    }

    private var isBusy: Bool {
        guard inProgress != nil else { return false }
        if readyAt == .max, !faults.stalled {
            readyAt = 0  // a stall was lifted: the device gets going again
        }
        return clock.milliseconds < readyAt
    }

    // MARK: Commands (report_protocol.c `parse_report`)

    private struct Refusal: Error {
        let status: NitrokeyCommandStatus
    }

    private func respond(to command: NitrokeyCommandReport) throws(FlashError) -> NitrokeyResponseReport {
        var response = NitrokeyResponseReport(lastCommandID: command.commandID, lastCommandCRC: command.crc)
        guard command.isIntact else {
            response.commandStatus = NitrokeyCommandStatus.wrongCRC.rawValue
            return response
        }
        let request = NitrokeyRequest(decoding: command, layout: configuration.firmware.layout)
        do {
            response.payload = pad(try execute(request, crc: command.crc))
        } catch let refusal as Refusal {
            response.commandStatus = refusal.status.rawValue
        } catch FlashError.powerCut {
            throw .powerCut
        } catch {
            response.deviceStatus = NitrokeyDeviceStatus.error.rawValue
        }
        // An authorisation is good for the one packet whose CRC it names.
        if command.crc == authorizedCRC { authorizedCRC = nil }
        return response
    }

    private func execute(_ request: NitrokeyRequest, crc: UInt32) throws -> [UInt8] {
        let split = configuration.firmware.layout == .temporaryPasswordInPacket
        switch request {
        case .getStatus:
            return NitrokeyDeviceInfo(firmware: configuration.firmware, cardSerial: cardSerial, config: generalConfig)
                .payload
        case .readSlotName(let slot):
            return Array(try storedSlot(slot).name.prefix(NitrokeyName.slotNameSize))
        case .readSlot(let slot):
            let stored = try storedSlot(slot)
            return NitrokeySlotDetails(
                name: NitrokeyName.decode(stored.name), config: stored.config, tokenID: stored.tokenID,
                counterOrInterval: stored.counterOrInterval
            ).payload
        case .getCode(let slot, _, let userPassword):
            if generalConfig.userPasswordRequired {
                if split {
                    guard let expected = temporaryUserPassword, userPassword == expected else {
                        throw Refusal(status: .notAuthorized)
                    }
                } else {
                    guard authorizedUserCRC == crc else { throw Refusal(status: .notAuthorized) }
                    authorizedUserCRC = nil
                }
            }
            return try code(slot)
        case .eraseSlot(let slot, let password):
            try requireAdmin(password, crc: crc)
            guard slot.kind != nil else { throw Refusal(status: .wrongSlot) }
            try flash.write(.init(type: RecordType.slot, index: slot.rawValue), [])
            return []
        case .setTime(let reset, let time):
            try setTime(time, reset: reset)
            return []
        case .firstAuthenticate(let pin, let temporary):
            try verify(pin, admin: true)
            temporaryAdminPassword = temporary
            return []
        case .userAuthenticate(let pin, let temporary):
            try verify(pin, admin: false)
            temporaryUserPassword = temporary
            return []
        case .authorize(let target, let temporary):
            guard !split else { throw Refusal(status: .unknownCommand) }
            guard let expected = temporaryAdminPassword, temporary == expected else {
                throw Refusal(status: .notAuthorized)
            }
            authorizedCRC = target
            return []
        case .userAuthorize(let target, let temporary):
            guard !split else { throw Refusal(status: .unknownCommand) }
            guard let expected = temporaryUserPassword, temporary == expected else {
                throw Refusal(status: .notAuthorized)
            }
            authorizedUserCRC = target
            return []
        case .getPasswordRetryCount:
            return [UInt8(retries.admin)]
        case .getUserPasswordRetryCount:
            return [UInt8(retries.user)]
        case .factoryReset(let pin):
            try verify(pin, admin: true)
            try flash.erase(keepingTypes: [RecordType.identity])
            temporaryAdminPassword = nil
            temporaryUserPassword = nil
            authorizedCRC = nil
            authorizedUserCRC = nil
            stagedName = nil
            stagedSecret = nil
            return []
        case .changeAdminPIN(let current, let new):
            try verify(current, admin: true)
            guard Self.adminPINLengths.contains(new.text.count) else {
                throw Refusal(status: .errorChangingAdminPassword)
            }
            try store(pin: new.text, type: RecordType.adminPIN)
            return []
        case .changeUserPIN(let current, let new):
            try verify(current, admin: false)
            guard Self.userPINLengths.contains(new.text.count) else {
                throw Refusal(status: .errorChangingUserPassword)
            }
            try store(pin: new.text, type: RecordType.userPIN)
            return []
        case .writeConfig(let config, let password):
            try requireAdmin(password, crc: crc)
            try flash.write(.init(type: RecordType.config, index: 0), config.bytes)
            return []
        case .sendOTPData(let password, let kind, let chunk, let data):
            guard split else { throw Refusal(status: .unknownCommand) }
            guard let expected = temporaryAdminPassword, password == expected else {
                throw Refusal(status: .notAuthorized)
            }
            let bytes = data.withUnsafeBytes { Array($0) }
            switch kind {
            case .name:
                stagedName = Array(bytes.prefix(NitrokeyName.slotNameSize))
            case .secret:
                var secret = stagedSecret ?? [UInt8](repeating: 0, count: NitrokeyLegacySlotWrite.secretSize * 2)
                let start = Int(chunk) * NitrokeyRequest.otpDataChunkSize
                for (offset, byte) in bytes.enumerated() where start + offset < secret.count {
                    secret[start + offset] = byte
                }
                stagedSecret = secret
            }
            return []
        case .writeToSlot(let commit):
            guard split else { throw Refusal(status: .unknownCommand) }
            defer {
                stagedName = nil
                stagedSecret = nil
            }
            guard let expected = temporaryAdminPassword, commit.adminPassword == expected,
                stagedName != nil || stagedSecret != nil
            else { throw Refusal(status: .notAuthorized) }
            try save(
                StoredSlot(
                    config: commit.config, tokenID: commit.tokenID, name: stagedName ?? [],
                    secret: stagedSecret ?? [], counterOrInterval: commit.counterOrInterval),
                in: commit.slot)
            return []
        case .writeToSlotWithSecret(let write):
            guard !split else { throw Refusal(status: .unknownCommand) }
            guard authorizedCRC == crc else { throw Refusal(status: .notAuthorized) }
            try save(
                StoredSlot(
                    config: write.config, tokenID: write.tokenID, name: write.name,
                    secret: write.secret.withUnsafeBytes { Array($0) }, counterOrInterval: write.counterOrInterval),
                in: write.slot)
            return []
        case .lockDevice:
            return []
        case .other:
            throw Refusal(status: .unknownCommand)
        }
    }

    /// Firmware 0.8+: the temporary admin password in the packet; 0.7: an AUTHORIZE naming this packet's CRC.
    private func requireAdmin(_ password: NitrokeyPassword?, crc: UInt32) throws {
        if let password {
            guard let expected = temporaryAdminPassword, password == expected else {
                throw Refusal(status: .notAuthorized)
            }
        } else {
            guard authorizedCRC == crc else { throw Refusal(status: .notAuthorized) }
        }
    }

    private func pad(_ payload: [UInt8]) -> [UInt8] {
        NitrokeyNameField.pad(payload, NitrokeyReport.responsePayloadSize)
    }

    // MARK: PINs

    private var retries: (admin: Int, user: Int) {
        guard let record = flash.value(.init(type: RecordType.retries, index: 0)), record.count == 2 else {
            return (configuration.pinRetryLimit, configuration.pinRetryLimit)
        }
        return (Int(record[0]), Int(record[1]))
    }

    private func setRetries(admin: Int? = nil, user: Int? = nil) throws {
        let current = retries
        try flash.write(
            .init(type: RecordType.retries, index: 0), [UInt8(admin ?? current.admin), UInt8(user ?? current.user)])
    }

    /// The PIN check of the Pro's OpenPGP card, which the firmware asks with VERIFY
    /// (report_protocol.c `cmd_first_authenticate` → CcidLocalAccess.c `cardAuthenticate` →
    /// `CcidVerifyPin(3, …)`): the card compares first, counts a try only for a wrong PIN, and
    /// writes the counter back to the limit after a right one only when tries were used (OpenPGP
    /// card 3.4 §7.2.2; gnuk's `verify_admin` and `gpg_pw_reset_err_counter` behave alike). So a
    /// power cut during a right PIN, or during the slot write after it, uses no try; a blocked PIN
    /// is refused without comparing.
    private func verify(_ pin: NitrokeyPassword, admin: Bool) throws {
        let left = admin ? retries.admin : retries.user
        guard left > 0 else { throw Refusal(status: .wrongPassword) }
        let type = admin ? RecordType.adminPIN : RecordType.userPIN
        let matches: Bool
        if let record = flash.value(.init(type: type, index: 0)), record.count == 48 {
            matches = Self.hash(pin.text, salt: Array(record[0..<16])) == Array(record[16...])
        } else {
            let factory = Array((admin ? Self.defaultAdminPIN : Self.defaultUserPIN).utf8)
            matches =
                pin.text.count == factory.count && zip(pin.text, factory).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        }
        guard matches else {
            try admin ? setRetries(admin: left - 1) : setRetries(user: left - 1)
            throw Refusal(status: .wrongPassword)
        }
        guard left < configuration.pinRetryLimit else { return }
        try admin
            ? setRetries(admin: configuration.pinRetryLimit) : setRetries(user: configuration.pinRetryLimit)
    }

    private func store(pin: [UInt8], type: UInt8) throws {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        try flash.write(.init(type: type, index: 0), salt + Self.hash(pin, salt: salt))
    }

    private static func hash(_ pin: [UInt8], salt: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: salt + pin))
    }

    // MARK: Slots

    /// A slot as the firmware keeps it: secret buffer of 40 bytes, zero padded.
    private struct StoredSlot {
        var config: NitrokeySlotConfig
        var tokenID: [UInt8]
        var name: [UInt8]
        var secret: [UInt8]
        var counterOrInterval: UInt64

        static let secretSize = 40

        var record: [UInt8] {
            [config.rawValue] + NitrokeyNameField.pad(tokenID, NitrokeyName.tokenIDSize)
                + NitrokeyNameField.pad(name, NitrokeyName.slotNameSize)
                + NitrokeyNameField.pad(secret, Self.secretSize)
                + NitrokeyPro.littleEndian(counterOrInterval)
        }

        init(config: NitrokeySlotConfig, tokenID: [UInt8], name: [UInt8], secret: [UInt8], counterOrInterval: UInt64) {
            self.config = config
            self.tokenID = NitrokeyNameField.pad(tokenID, NitrokeyName.tokenIDSize)
            self.name = NitrokeyNameField.pad(name, NitrokeyName.slotNameSize)
            self.secret = NitrokeyNameField.pad(secret, Self.secretSize)
            self.counterOrInterval = counterOrInterval
        }

        init?(record: [UInt8]) {
            guard record.count == 1 + 13 + 15 + 40 + 8 else { return nil }
            config = NitrokeySlotConfig(rawValue: record[0])
            tokenID = Array(record[1..<14])
            name = Array(record[14..<29])
            secret = Array(record[29..<69])
            counterOrInterval = record[69..<77].reversed().reduce(0) { $0 << 8 | UInt64($1) }
        }
    }

    private func storedSlot(_ slot: NitrokeySlot) throws -> StoredSlot {
        guard slot.kind != nil else { throw Refusal(status: .wrongSlot) }
        guard let record = flash.value(.init(type: RecordType.slot, index: slot.rawValue)),
            let stored = StoredSlot(record: record)
        else { throw Refusal(status: .slotNotProgrammed) }
        return stored
    }

    /// hotp.c `write_to_slot`: an all-zero secret keeps the slot's old secret.
    private func save(_ new: StoredSlot, in slot: NitrokeySlot) throws {
        guard new.name.first.map({ $0 != 0 }) ?? false else { throw Refusal(status: .noNameError) }
        guard slot.kind != nil else { throw Refusal(status: .wrongSlot) }
        var new = new
        if new.secret.allSatisfy({ $0 == 0 }), let old = try? storedSlot(slot) { new.secret = old.secret }
        try flash.write(.init(type: RecordType.slot, index: slot.rawValue), new.record)
    }

    /// GET_CODE: HOTP at the slot's counter (then counted up), TOTP at the running clock.
    private func code(_ slot: NitrokeySlot) throws -> [UInt8] {
        var stored = try storedSlot(slot)
        let generator = try HOTPGenerator(
            secret: Secret(bytes: stored.secret), algorithm: .sha1, digits: stored.config.digits)
        let value: UInt64
        switch slot.kind {
        case .hotp:
            value = generator.numericCode(counter: stored.counterOrInterval)
            stored.counterOrInterval &+= 1
            try flash.write(.init(type: RecordType.slot, index: slot.rawValue), stored.record)
        default:
            let interval = Int64(UInt16(truncatingIfNeeded: stored.counterOrInterval))
            guard interval > 0 else { throw Refusal(status: .notSupported) }
            value = generator.numericCode(counter: UInt64(bitPattern: currentTime) / UInt64(interval))
        }
        return NitrokeyCodeAnswer(code: UInt32(value), config: stored.config, tokenID: stored.tokenID).payload
    }

    // MARK: Configuration and clock

    private var generalConfig: NitrokeyGeneralConfig {
        guard let record = flash.value(.init(type: RecordType.config, index: 0)), record.count == 5 else {
            return .factory
        }
        return NitrokeyGeneralConfig(bytes: record)
    }

    /// report_protocol.c `cmd_set_time`: a soft set (reset 0) refuses a device never set and a time
    /// earlier than the last one set; the time set is kept in flash, in minutes.
    private func setTime(_ time: UInt64, reset: Bool) throws {
        // Wrapping, as the firmware's 64-bit arithmetic does: any time a host sends is taken.
        let minutes = UInt32(truncatingIfNeeded: (Int64(bitPattern: time) &- Self.timeEpoch) / 60)
        if !reset {
            guard let record = flash.value(.init(type: RecordType.lastTime, index: 0)), record.count == 4 else {
                throw Refusal(status: .timestampWarning)
            }
            let stored = record.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard stored <= minutes else { throw Refusal(status: .timestampWarning) }
        }
        try flash.write(.init(type: RecordType.lastTime, index: 0), Self.littleEndian(minutes))
        clockBase = (Int64(bitPattern: time), clock.milliseconds)
    }

    static func littleEndian<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        (0..<(Value.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] { littleEndian(value).reversed() }
}

/// Zero padding and truncation of fixed fields.
enum NitrokeyNameField {
    static func pad(_ bytes: [UInt8], _ size: Int) -> [UInt8] {
        Array(bytes.prefix(size)) + [UInt8](repeating: 0, count: max(0, size - bytes.count))
    }
}
