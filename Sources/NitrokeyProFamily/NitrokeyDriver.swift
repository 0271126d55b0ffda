import FoundationEssentials
import NitrokeyWire
import OTPCore
import TokenDrivers
import TokenModel
import TokenTransport

/// Talks to a Nitrokey Pro (or Librem Key) over hidapi feature reports, through the shared
/// Nitrokey codec. Unlike libnitrokey, which sleeps 100 ms before reading each answer, it polls
/// for the answer at once and then at growing intervals, starting from how long the same command
/// took last time; it checks every answer's CRC and that it answers the command sent, and resends
/// a command the device never took (dropped while busy, or damaged on the way).
///
/// Slots are numbered for `OTPTokenDriver` as TOTP slots 0...14, then HOTP slots 0...2 as 15...17.
public final class NitrokeyDriver {
    public let connection: any HIDConnection
    public let family: TokenFamily
    public let timeoutMilliseconds: Int
    /// GET_STATUS as read when the driver opened: firmware, card serial, configuration.
    public private(set) var device: NitrokeyDeviceInfo
    /// GET_FEATURE requests made so far (how well polling fits the device's pace).
    public private(set) var polls = 0

    private var temporaryAdminPassword: NitrokeyPassword?
    /// How long each command took last time, to sleep most of it before the first poll.
    private var observedLatency: [UInt8: Duration] = [:]
    private let clock: any TransportClock
    private var random = SystemRandomNumberGenerator()

    static let firstPollDelay = Duration.microseconds(200)
    static let longestPollDelay = Duration.milliseconds(3)
    static let attempts = 3
    /// How a blocked admin PIN is recovered: no HID command unblocks it.
    public static let blockedRecovery =
        "the token's slots can no longer be changed or reset over HID; a Nitrokey Pro is recovered only by resetting its OpenPGP card (see Nitrokey's documentation)"

    /// Opens the driver and reads the device's status (firmware version decides the write protocol).
    public init(
        connection: any HIDConnection, family: TokenFamily = .nitrokeyPro, settings: DriverSettings = DriverSettings()
    ) throws(TokenError) {
        self.connection = connection
        self.family = family
        timeoutMilliseconds = settings.timeoutMilliseconds
        clock = settings.clock
        device = NitrokeyDeviceInfo(firmware: .zeroFifteen, cardSerial: 0, config: .factory)
        device = try refreshStatus()
    }

    // MARK: Commands

    /// GET_STATUS.
    @discardableResult
    public func refreshStatus() throws(TokenError) -> NitrokeyDeviceInfo {
        device = NitrokeyDeviceInfo(payload: try ok(.getStatus))
        return device
    }

    public var layout: NitrokeyFirmware.Layout { device.firmware.layout }

    /// FIRST_AUTHENTICATE: checks the admin PIN and leaves a fresh temporary password on the device
    /// for the writes that follow. A wrong PIN reports the tries left.
    /// When the answer is lost (power cut, unplug), the error says how many tries were left
    /// before: a check that gets no answer uses none on a Pro, whose card counts only wrong PINs.
    public func authenticateAdmin(_ pin: PIN) throws(TokenError) {
        let temporary = NitrokeyPassword.random(using: &random)
        let request = NitrokeyRequest.firstAuthenticate(pin: try password(pin), temporaryPassword: temporary)
        let triesBefore = try adminRetryCount()
        let response: NitrokeyResponseReport
        do { response = try exchange(request) } catch {
            throw Self.lostAuthentication(error, triesBefore: triesBefore)
        }
        guard response.result == .ok else {
            guard response.result == .wrongPassword else {
                throw refusal(response, "authenticating with the admin PIN")
            }
            throw try wrongAdminPIN()
        }
        temporaryAdminPassword = temporary
    }

    /// The error of an admin-PIN check whose answer never came, with the tries left before it.
    static func lostAuthentication(_ error: TokenError, triesBefore: Int) -> TokenError {
        let note =
            "the admin-PIN check got no answer; the admin PIN had \(triesBefore) tries left before it, and a check that is not answered uses none: `tokenforge info` shows them once the token is back"
        return switch error {
        case .disconnected(let detail): .disconnected("\(detail); \(note)")
        case .timedOut: .timedOut(operation: "FIRST_AUTHENTICATE (\(note))")
        case .transport(let detail): .transport("\(detail); \(note)")
        default: error
        }
    }

    public func adminRetryCount() throws(TokenError) -> Int {
        NitrokeyAnswer.retryCount(try ok(.getPasswordRetryCount))
    }
    public func userRetryCount() throws(TokenError) -> Int {
        NitrokeyAnswer.retryCount(try ok(.getUserPasswordRetryCount))
    }

    /// READ_SLOT, or nil for a slot that is not programmed.
    public func details(of slot: NitrokeySlot) throws(TokenError) -> NitrokeySlotDetails? {
        let response = try exchange(.readSlot(slot))
        if response.result == .slotNotProgrammed { return nil }
        guard response.result == .ok else { throw refusal(response, "reading \(slot)") }
        return NitrokeySlotDetails(payload: response.payload)
    }

    /// READ_SLOT_NAME, or nil for a slot that is not programmed.
    public func name(of slot: NitrokeySlot) throws(TokenError) -> String? {
        let response = try exchange(.readSlotName(slot))
        if response.result == .slotNotProgrammed { return nil }
        guard response.result == .ok else { throw refusal(response, "reading the name of \(slot)") }
        return NitrokeyAnswer.slotName(response.payload)
    }

    /// Writes a slot the way the firmware expects: SEND_OTP_DATA name and secret chunks then
    /// WRITE_TO_SLOT (0.8 and later), or AUTHORIZE then WRITE_TO_SLOT (0.7 and earlier).
    public func write(
        _ slot: NitrokeySlot, name: String, secret: Secret, config: NitrokeySlotConfig, counterOrInterval: UInt64
    ) throws(TokenError) {
        let password = try adminPassword(for: "writing \(slot)")
        let nameBytes = Array(NitrokeyName.truncated(name, toBytes: NitrokeyName.slotNameSize).utf8)
        switch layout {
        case .temporaryPasswordInPacket:
            try ok(
                .sendOTPData(adminPassword: password, kind: .name, chunk: 0, data: Secret(bytes: nameBytes)),
                "writing \(slot)")
            let chunks = secret.withUnsafeBytes { bytes in
                stride(from: 0, to: bytes.count, by: NitrokeyRequest.otpDataChunkSize).map {
                    Secret(bytes: bytes[$0..<min(bytes.count, $0 + NitrokeyRequest.otpDataChunkSize)])
                }
            }
            for (index, chunk) in chunks.enumerated() {
                try ok(
                    .sendOTPData(adminPassword: password, kind: .secret, chunk: UInt8(index), data: chunk),
                    "writing \(slot)")
            }
            try ok(
                .writeToSlot(
                    NitrokeySlotCommit(
                        adminPassword: password, slot: slot, counterOrInterval: counterOrInterval, config: config)),
                "writing \(slot)")
        case .authorizeThenWrite:
            let write = NitrokeyRequest.writeToSlotWithSecret(
                NitrokeyLegacySlotWrite(
                    slot: slot, name: nameBytes, secret: secret, config: config, counterOrInterval: counterOrInterval))
            try ok(.authorize(crc: write.report.crc, temporaryPassword: password), "writing \(slot)")
            try ok(write, "writing \(slot)")
        }
    }

    /// GET_CODE: a TOTP code on the device's clock, or an HOTP code (the counter then advances).
    public func code(_ slot: NitrokeySlot) throws(TokenError) -> NitrokeyCodeAnswer {
        guard !device.config.userPasswordRequired else {
            throw .unsupported(
                "this \(family.name) gives codes only with the user PIN (OTP PIN protection is on); TokenForge does not support that setting: turn it off in the Nitrokey App"
            )
        }
        let userPassword: NitrokeyPassword? =
            layout == .temporaryPasswordInPacket ? try? NitrokeyPassword(bytes: []) : nil
        let response = try exchange(.getCode(slot, challenge: 0, userPassword: userPassword))
        guard response.result == .ok else { throw refusal(response, "giving the code of \(slot)") }
        return NitrokeyCodeAnswer(payload: response.payload)
    }

    /// ERASE_SLOT, with the temporary password (0.8+) or an AUTHORIZE before it (0.7).
    public func erase(_ slot: NitrokeySlot) throws(TokenError) {
        let password = try adminPassword(for: "erasing \(slot)")
        switch layout {
        case .temporaryPasswordInPacket:
            try ok(.eraseSlot(slot, adminPassword: password), "erasing \(slot)")
        case .authorizeThenWrite:
            let erase = NitrokeyRequest.eraseSlot(slot, adminPassword: nil)
            try ok(.authorize(crc: erase.report.crc, temporaryPassword: password), "erasing \(slot)")
            try ok(erase, "erasing \(slot)")
        }
    }

    /// SET_TIME; `soft` refuses a device never set and a time earlier than the last one set.
    public func setClock(_ time: UInt64, soft: Bool = false) throws(TokenError) {
        try ok(.setTime(reset: !soft, time: time), "setting the clock")
    }

    /// FACTORY_RESET: every slot erased, PINs back to 12345678 (admin) and 123456 (user).
    public func resetToFactory(adminPIN pin: PIN) throws(TokenError) {
        let response = try exchange(.factoryReset(adminPIN: try password(pin)))
        guard response.result == .ok else {
            guard response.result == .wrongPassword else { throw refusal(response, "the factory reset") }
            throw try wrongAdminPIN()
        }
        temporaryAdminPassword = nil
        try refreshStatus()
    }

    /// CHANGE_ADMIN_PIN.
    public func changeAdminPIN(from current: PIN, to new: PIN) throws(TokenError) {
        let response = try exchange(.changeAdminPIN(current: try password(current), new: try password(new)))
        switch response.result {
        case .ok: return
        case .wrongPassword: throw try wrongAdminPIN()
        case .errorChangingAdminPassword:
            throw .pin(.policy("a \(family.name) admin PIN is 8 to 20 characters"))
        default: throw refusal(response, "changing the admin PIN")
        }
    }

    // MARK: Exchange

    /// Sends a command and returns the device's answer to it, whatever its command status.
    public func exchange(_ request: NitrokeyRequest) throws(TokenError) -> NitrokeyResponseReport {
        let command = request.report
        let report = [0] + command.bytes  // report ID 0: the Pro numbers no reports
        var attempt = 0
        sending: while true {
            attempt += 1
            do { try connection.sendFeatureReport(report) } catch { throw TokenError(error) }
            let start = clock.now
            let deadline = start + .milliseconds(timeoutMilliseconds)
            if let expected = observedLatency[command.commandID], expected > .microseconds(500) {
                clock.sleep(for: expected * 0.9)
            }
            var delay = Self.firstPollDelay
            var damaged = 0
            while true {
                let answer: [UInt8]
                do { answer = try connection.featureReport(id: 0, length: NitrokeyReport.size) } catch {
                    throw TokenError(error)
                }
                polls += 1
                guard answer.count == NitrokeyReport.size else {
                    throw .protocolViolation(
                        "a \(answer.count)-byte answer to \(request.name), not \(NitrokeyReport.size)")
                }
                switch NitrokeyDeviceStatus(rawValue: answer[0]) {
                case .busy, .receivedReport:
                    guard clock.now < deadline else { throw .timedOut(operation: request.name) }
                    clock.sleep(for: delay)
                    delay = min(delay * 3 / 2, Self.longestPollDelay)
                case .ready where answer.allSatisfy({ $0 == 0 }):
                    // No answer since power-on: the device never took this command, so send it again.
                    guard attempt < Self.attempts else { throw .timedOut(operation: request.name) }
                    continue sending
                case .ready:
                    let response: NitrokeyResponseReport
                    do { response = try NitrokeyResponseReport(decoding: answer) } catch {
                        damaged += 1
                        guard damaged < Self.attempts else { throw .protocolViolation("\(error)") }
                        continue  // read the device's answer again
                    }
                    guard response.lastCommandID == command.commandID, response.lastCommandCRC == command.crc else {
                        // The device never took this command (dropped while busy, or lost): it did not run, so send again.
                        guard attempt < Self.attempts else {
                            throw .protocolViolation(
                                "the token keeps answering an earlier command instead of \(request.name)")
                        }
                        continue sending
                    }
                    if response.result == .wrongCRC {
                        guard attempt < Self.attempts else {
                            throw .protocolViolation("\(request.name) keeps arriving damaged (wrong CRC)")
                        }
                        continue sending
                    }
                    observedLatency[command.commandID] = clock.now - start
                    return response
                case .error:
                    throw .protocolViolation("the token reported an internal error after \(request.name)")
                case nil:
                    throw .protocolViolation("unknown device status \(answer[0]) after \(request.name)")
                }
            }
        }
    }

    /// Sends a command that must succeed; returns its payload.
    @discardableResult
    func ok(_ request: NitrokeyRequest, _ operation: String? = nil) throws(TokenError) -> [UInt8] {
        let response = try exchange(request)
        guard response.result == .ok else { throw refusal(response, operation ?? request.name) }
        return response.payload
    }

    private func refusal(_ response: NitrokeyResponseReport, _ operation: String) -> TokenError {
        switch response.result {
        case .notAuthorized: .pin(.required(operation: operation))
        case let status?: .refused(operation: operation, reason: status.description)
        case nil: .protocolViolation("unknown command status \(response.commandStatus) for \(operation)")
        }
    }

    private func wrongAdminPIN() throws(TokenError) -> TokenError {
        let left = try adminRetryCount()
        return left == 0 ? .pin(.blocked(pin: "admin PIN", recovery: Self.blockedRecovery)) : .pin(.wrong(retriesLeft: left))
    }

    private func adminPassword(for operation: String) throws(TokenError) -> NitrokeyPassword {
        guard let temporaryAdminPassword else { throw .pin(.required(operation: operation)) }
        return temporaryAdminPassword
    }

    private func password(_ pin: PIN) throws(TokenError) -> NitrokeyPassword {
        do { return try NitrokeyPassword(bytes: pin.bytes) } catch {
            throw .pin(.policy("a \(family.name) PIN is at most \(NitrokeyPassword.fieldSize) bytes"))
        }
    }
}
