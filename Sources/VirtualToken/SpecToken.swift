import TokenModel
import Crypto
import OTPCore
import TokenWire

/// A token that implements firmware-spec/PROTOCOL.md byte for byte, through the shared wire codec.
///
/// Reports go in one at a time; the reports the token would send come back. State that survives
/// power loss lives in a `FlashStore`; channels and PIN sessions live in RAM and end at power-off.
public final class SpecToken {
    public struct Configuration: Sendable {
        public var slotCount = 32
        /// 1.1.0 speaks protocol 1.1 (protected PINs, bound seed wrapping); 1.0.x only protocol 1.0.
        public var firmwareVersion: [UInt8] = [1, 1, 0]
        public var pinRetryLimit = 8
        public var maximumChannels = 8
        public init() {}
    }

    enum RecordType {
        static let identity: UInt8 = 1
        static let pin: UInt8 = 2
        static let retries: UInt8 = 3
        static let clock: UInt8 = 4
        static let slot: UInt8 = 5
    }

    /// Slots listed per LIST_SLOTS response (§5.7).
    static let slotsPerPage = 8
    static let protocolVersion: UInt8 = 1

    public let configuration: Configuration
    public let identity: DeviceIdentity
    public var faults = TransportFaults()
    /// True after a simulated power cut, until `powerOn()`.
    public private(set) var isPoweredOff = false

    private let medium: FlashMedium
    private let clock: DeviceClock
    private var random: DeviceRandom
    private var flash: FlashStore
    private var assembler = FrameAssembler()
    /// Allocated channels, least recently used first.
    private var channels: [ChannelID] = []
    private var unlockedChannels: Set<ChannelID> = []
    /// The one-shot PIN key-agreement key (§7.6), made on demand, gone after one PIN request or power-off.
    private var pinKey: P256.KeyAgreement.PrivateKey?

    /// Mounts the flash on `medium`; a blank medium gets `newIdentity` (or a fresh one).
    public init(
        medium: FlashMedium, clock: DeviceClock, random: any RandomNumberGenerator = SystemRandomNumberGenerator(),
        configuration: Configuration = Configuration(), newIdentity: DeviceIdentity? = nil
    ) throws(FlashError) {
        self.medium = medium
        self.clock = clock
        self.random = DeviceRandom(base: random)
        self.configuration = configuration
        flash = try FlashStore(medium: medium)
        if let record = flash.value(.init(type: RecordType.identity, index: 0)) {
            guard let stored = DeviceIdentity(flashRecord: record) else { throw .missingIdentity }
            identity = stored
        } else {
            let fresh = newIdentity ?? DeviceIdentity.manufacture(using: &self.random)
            try flash.write(.init(type: RecordType.identity, index: 0), fresh.flashRecord)
            identity = fresh
        }
    }

    /// Arms a power cut after `steps` flash program steps (0: at the next write).
    public func cutPower(afterFlashSteps steps: Int) { flash.powerCutAfterSteps = steps }

    /// Restarts the token: RAM state is lost, the flash is mounted again.
    public func powerOn() throws(FlashError) {
        flash = try FlashStore(medium: medium)
        assembler = FrameAssembler()
        channels = []
        unlockedChannels = []
        pinKey = nil
        isPoweredOff = false
    }

    /// Takes one 64-byte output report from the host; returns the input reports the token sends.
    public func receive(_ report: [UInt8]) throws(DisconnectedError) -> [[UInt8]] {
        if faults.disconnected { throw DisconnectedError() }
        if faults.dropIncoming > 0 {
            faults.dropIncoming -= 1
            return []
        }
        guard !isPoweredOff else { return [] }
        let frames = handle(report)
        guard !faults.stalled else { return [] }
        var reports: [[UInt8]] = []
        for frame in frames {
            for var packet in (try? Framing.reports(for: frame)) ?? [] {
                if faults.corruptOutgoing > 0 {
                    faults.corruptOutgoing -= 1
                    packet[7] ^= 0x5A
                }
                reports.append(packet)
                if faults.duplicateOutgoing > 0 {
                    faults.duplicateOutgoing -= 1
                    reports.append(packet)
                }
            }
        }
        return reports
    }

    /// Reports owed because a message timed out (§3.4); the emulator polls this.
    public func expireStalledMessage() -> [[UInt8]] {
        guard let channel = assembler.expire(now: clock.milliseconds) else { return [] }
        return (try? Framing.reports(for: Self.error(.messageTimeout, on: channel))) ?? []
    }

    // MARK: Transport (§3)

    private func handle(_ report: [UInt8]) -> [Frame] {
        var replies: [Frame] = []
        if let expired = assembler.expire(now: clock.milliseconds) {
            replies.append(Self.error(.messageTimeout, on: expired))
        }
        switch assembler.receive(report, now: clock.milliseconds) {
        case .incomplete:
            break
        case .failed(let error, let channel):
            replies.append(Self.error(error, on: channel))
        case .complete(let frame):
            let reply = respond(to: frame)
            // A token that lost power mid-command sends nothing at all.
            if !isPoweredOff { replies.append(reply) }
        }
        return replies
    }

    private func respond(to frame: Frame) -> Frame {
        switch frame.command {
        case .initialise:
            return initialise(frame)
        case .ping, .message:
            guard frame.channel != .broadcast, let index = channels.firstIndex(of: frame.channel) else {
                return Self.error(.invalidChannel, on: frame.channel)
            }
            channels.append(channels.remove(at: index))
            guard frame.command == .message else { return frame }
            return Frame(
                channel: frame.channel, command: .message, payload: respond(to: frame.payload, on: frame.channel))
        case .keepalive, .error:
            return Self.error(.invalidCommand(frame.command.rawValue), on: frame.channel)
        }
    }

    private func initialise(_ frame: Frame) -> Frame {
        guard frame.payload.count == 8 else {
            return Self.error(.invalidLength(frame.payload.count), on: frame.channel)
        }
        var channel = frame.channel
        if frame.channel == .broadcast {
            repeat {
                channel = ChannelID(rawValue: UInt32(truncatingIfNeeded: random.next() >> 32))
            } while channel.rawValue == 0 || channel == .broadcast || channels.contains(channel)
            if channels.count == configuration.maximumChannels {
                unlockedChannels.remove(channels.removeFirst())
            }
            channels.append(channel)
        } else {
            guard channels.contains(frame.channel) else { return Self.error(.invalidChannel, on: frame.channel) }
            unlockedChannels.remove(channel)
        }
        assembler.abandon(channel: channel)
        let payload =
            frame.payload + withUnsafeBytes(of: channel.rawValue.bigEndian, Array.init) + [Self.protocolVersion]
            + configuration.firmwareVersion
        return Frame(channel: frame.channel, command: .initialise, payload: payload)
    }

    private static func error(_ error: FramingError, on channel: ChannelID) -> Frame {
        Frame(channel: channel, command: .error, payload: [error.code])
    }

    // MARK: Application (§5)

    private func respond(to message: [UInt8], on channel: ChannelID) -> [UInt8] {
        do {
            let request = try TokenRequest(decoding: message)
            try refuseProtocol11(request)
            if request.command.needsPIN {
                guard storedPIN != nil else { throw TokenStatus.pinNotSet }
                guard unlockedChannels.contains(channel) else { throw TokenStatus.pinRequired }
            }
            let response = try execute(request, on: channel).encoded()
            if faults.stallAfter == request.command {
                faults.stallAfter = nil
                faults.stalled = true
            }
            return response
        } catch let error as MessageError {
            return TokenResponse(status: error.status).encoded()
        } catch let status as TokenStatus {
            return TokenResponse(status: status).encoded()
        } catch let failure as PINFailure {
            return TokenResponse(status: failure.status, fields: [TLV(.pinRetries, byte: UInt8(failure.retries))])
                .encoded()
        } catch FlashError.powerCut {
            isPoweredOff = true
            return []
        } catch {
            return TokenResponse(status: .flashFailure).encoded()
        }
    }

    /// Whether this firmware speaks protocol 1.1 (§1.3).
    public var speaksProtocol11: Bool {
        configuration.firmwareVersion.count == 3
            && (configuration.firmwareVersion[0], configuration.firmwareVersion[1]) >= (1, 1)
    }

    /// A 1.0 token knows neither the 1.1 command nor the 1.1 tags, so their requests lack fields (§5 steps 2, 4).
    private func refuseProtocol11(_ request: TokenRequest) throws {
        guard !speaksProtocol11 else { return }
        switch request {
        case .getKeyAgreement: throw TokenStatus.unknownCommand
        case .protectedPIN: throw TokenStatus.missingParameter
        case .putSlot(let write):
            if case .boundWrapped = write.seed { throw TokenStatus.missingParameter }
        default: break
        }
    }

    private func execute(_ request: TokenRequest, on channel: ChannelID) throws -> TokenResponse {
        switch request {
        case .getInfo:
            return TokenResponse(status: .ok, fields: info.fields)
        case .setPIN(let pin):
            guard storedPIN == nil else { throw TokenStatus.pinAlreadySet }
            guard PINRule.specToken.lengths.contains(pin.bytes.count) else { throw TokenStatus.pinPolicy }
            try store(pin: pin)
            return TokenResponse(status: .ok)
        case .verifyPIN(let pin):
            try verify(pin)
            unlockedChannels.insert(channel)
            return TokenResponse(status: .ok, fields: [TLV(.pinRetries, byte: UInt8(configuration.pinRetryLimit))])
        case .changePIN(let current, let new):
            guard storedPIN != nil else { throw TokenStatus.pinNotSet }
            guard PINRule.specToken.lengths.contains(new.bytes.count) else { throw TokenStatus.pinPolicy }
            try verify(current)
            try store(pin: new)
            return TokenResponse(status: .ok)
        case .putSlot(let write):
            return try put(write)
        case .deleteSlot(let slot):
            try checkRange(slot)
            guard isOccupied(slot) else { throw TokenStatus.slotEmpty }
            try flash.write(.init(type: RecordType.slot, index: slot.rawValue), [])
            return TokenResponse(status: .ok)
        case .listSlots(let start):
            return TokenResponse(status: .ok, fields: list(from: start).fields)
        case .calculate(let slot, let time):
            return TokenResponse(status: .ok, fields: try calculate(slot, at: time).fields)
        case .setTime(let time):
            guard time <= UInt64(Int64.max) else { throw TokenStatus.unsupportedParameter }
            try flash.write(.init(type: RecordType.clock, index: 0), Self.bytes(Int64(time) &- clock.seconds))
            return TokenResponse(status: .ok)
        case .getTime:
            guard let time = tokenTime else { throw TokenStatus.timeNotSet }
            return TokenResponse(status: .ok, fields: [TLV(.time, uint64: UInt64(time))])
        case .factoryReset(let confirmation):
            guard confirmation == TokenRequest.factoryResetConfirmation else { throw TokenStatus.confirmationRequired }
            try flash.erase(keepingTypes: [RecordType.identity, RecordType.clock])
            unlockedChannels = []
            return TokenResponse(status: .ok)
        case .attest:
            return TokenResponse(status: .ok, fields: identity.attestation.fields)
        case .getKeyAgreement:
            return TokenResponse(status: .ok, fields: [TLV(.publicKey, Array(currentPINKey().publicKey.x963Representation))])
        case .protectedPIN(let command, let protected):
            return try executeProtected(command, protected, on: channel)
        }
    }

    // MARK: Protected PINs (§7.6)

    private func currentPINKey() -> P256.KeyAgreement.PrivateKey {
        if let pinKey { return pinKey }
        while true {
            let scalar = (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) }
            if let key = try? P256.KeyAgreement.PrivateKey(rawRepresentation: scalar) {
                pinKey = key
                return key
            }
        }
    }

    /// The checks of §7.6.3 in order; the PIN key is used up by any request that reaches it.
    private func executeProtected(_ command: TokenCommand, _ protected: ProtectedPIN, on channel: ChannelID) throws
        -> TokenResponse
    {
        switch command {
        case .setPIN: guard storedPIN == nil else { throw TokenStatus.pinAlreadySet }
        default: guard storedPIN != nil else { throw TokenStatus.pinNotSet }
        }
        guard let key = pinKey else { throw TokenStatus.pinAuthInvalid }
        pinKey = nil
        let pins: (pin: PIN?, newPIN: PIN?)
        do { pins = try PINProtection.open(protected, command: command, channel: channel, tokenKey: key) } catch {
            throw error == .notAuthenticated ? TokenStatus.pinAuthInvalid : TokenStatus.malformed
        }
        switch (command, pins.pin, pins.newPIN) {
        case (.setPIN, _, let new?): return try execute(.setPIN(new), on: channel)
        case (.verifyPIN, let pin?, _): return try execute(.verifyPIN(pin), on: channel)
        case (.changePIN, let pin?, let new?): return try execute(.changePIN(current: pin, new: new), on: channel)
        default: throw TokenStatus.missingParameter
        }
    }

    public var info: TokenInfo {
        TokenInfo(
            serial: identity.serial, firmwareVersion: configuration.firmwareVersion,
            capabilities: speaksProtocol11
                ? [.totp, .hotp, .wrappedSeedImport, .attestation, .clock, .pinProtection]
                : [.totp, .hotp, .wrappedSeedImport, .attestation, .clock],
            slotCount: configuration.slotCount,
            freeSlots: configuration.slotCount - flash.keys(ofType: RecordType.slot).count,
            algorithms: OTPAlgorithm.allCases, time: tokenTime.map(UInt64.init), pinRetries: retriesLeft,
            pinSet: storedPIN != nil)
    }

    // MARK: PIN (§5.2–§5.4)

    private struct PINFailure: Error {
        let status: TokenStatus
        let retries: Int
    }

    private var storedPIN: (salt: [UInt8], hash: [UInt8])? {
        guard let record = flash.value(.init(type: RecordType.pin, index: 0)), record.count == 48 else { return nil }
        return (Array(record[0..<16]), Array(record[16...]))
    }

    private var retriesLeft: Int {
        flash.value(.init(type: RecordType.retries, index: 0)).flatMap(\.first).map(Int.init)
            ?? configuration.pinRetryLimit
    }

    private func store(pin: PIN) throws {
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        try flash.write(.init(type: RecordType.pin, index: 0), salt + Self.hash(pin, salt: salt))
        try flash.write(.init(type: RecordType.retries, index: 0), [UInt8(configuration.pinRetryLimit)])
    }

    /// Decrements the retry counter in flash before comparing, so power loss cannot give a free try.
    private func verify(_ pin: PIN) throws {
        guard let stored = storedPIN else { throw TokenStatus.pinNotSet }
        let retries = retriesLeft
        guard retries > 0 else { throw PINFailure(status: .pinBlocked, retries: 0) }
        try flash.write(.init(type: RecordType.retries, index: 0), [UInt8(retries - 1)])
        guard Self.constantTimeEqual(Self.hash(pin, salt: stored.salt), stored.hash) else {
            for channel in unlockedChannels where retries - 1 == 0 { unlockedChannels.remove(channel) }
            throw PINFailure(status: retries - 1 == 0 ? .pinBlocked : .pinInvalid, retries: retries - 1)
        }
        try flash.write(.init(type: RecordType.retries, index: 0), [UInt8(configuration.pinRetryLimit)])
    }

    private static func hash(_ pin: PIN, salt: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: salt + pin.bytes))
    }

    private static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    // MARK: Slots (§5.5–§5.8)

    private struct StoredSlot {
        var configuration: SlotConfiguration
        var secret: Secret
    }

    private func storedSlot(_ slot: SlotIndex) -> StoredSlot? {
        guard let record = flash.value(.init(type: RecordType.slot, index: slot.rawValue)),
            let fields = try? TLV.decode(record), let configuration = try? SlotConfiguration(fields: fields),
            let secret = fields.first(where: { $0.tag == .secret })?.value
        else { return nil }
        return StoredSlot(configuration: configuration, secret: Secret(bytes: secret))
    }

    /// A slot with any record counts as used, even one this firmware cannot read.
    private func isOccupied(_ slot: SlotIndex) -> Bool {
        flash.value(.init(type: RecordType.slot, index: slot.rawValue)) != nil
    }

    private func save(_ stored: StoredSlot, in slot: SlotIndex) throws {
        let record = TLV.encode(stored.configuration.fields + [TLV(.secret, stored.secret.withUnsafeBytes(Array.init))])
        try flash.write(.init(type: RecordType.slot, index: slot.rawValue), record)
    }

    private func checkRange(_ slot: SlotIndex) throws {
        guard Int(slot.rawValue) < configuration.slotCount else { throw TokenStatus.slotOutOfRange }
    }

    private func put(_ write: SlotWrite) throws -> TokenResponse {
        var slot = write.slot
        if slot == .firstFree {
            guard let free = (0..<configuration.slotCount).map(SlotIndex.init).first(where: { !isOccupied($0) })
            else {
                throw TokenStatus.slotsFull
            }
            slot = free
        }
        try checkRange(slot)
        if isOccupied(slot), !write.overwrite { throw TokenStatus.slotOccupied }
        let secret: Secret
        switch write.seed {
        case .plain(let plain):
            secret = plain
        case .wrapped(let wrapped):
            guard
                let unwrapped = SeedWrap.unwrap(
                    wrapped, with: identity.key, slot: write.slot, configuration: write.configuration)
            else { throw TokenStatus.decryptionFailed }
            secret = unwrapped
        case .boundWrapped(let wrapped):
            guard
                let unwrapped = SeedWrap.unwrap(
                    wrapped, with: identity.key, slot: write.slot, configuration: write.configuration,
                    binding: .allParameters)
            else { throw TokenStatus.decryptionFailed }
            secret = unwrapped
        }
        try save(StoredSlot(configuration: write.configuration, secret: secret), in: slot)
        return TokenResponse(status: .ok, fields: [TLV(.slot, byte: slot.rawValue)])
    }

    private func list(from start: SlotIndex) -> SlotList {
        let used = (Int(start.rawValue)..<max(Int(start.rawValue), configuration.slotCount)).compactMap { index in
            storedSlot(SlotIndex(index)).map { SlotEntry(slot: SlotIndex(index), configuration: $0.configuration) }
        }
        let page = Array(used.prefix(Self.slotsPerPage))
        return SlotList(entries: page, next: used.count > page.count ? used[page.count].slot : nil)
    }

    private func calculate(_ slot: SlotIndex, at requestedTime: UInt64?) throws -> CalculatedCode {
        try checkRange(slot)
        guard var stored = storedSlot(slot) else { throw TokenStatus.slotEmpty }
        let generator = try HOTPGenerator(
            secret: stored.secret, algorithm: stored.configuration.algorithm, digits: stored.configuration.digits)
        switch stored.configuration.kind {
        case .totp(let period):
            guard let time = requestedTime.map({ Int64(clamping: $0) }) ?? tokenTime else {
                throw TokenStatus.timeNotSet
            }
            return CalculatedCode(code: generator.code(counter: UInt64(time) / UInt64(period)), counter: nil)
        case .hotp(let counter):
            guard counter < UInt64.max else { throw TokenStatus.unsupportedParameter }
            // The next counter is stored before the code leaves the token: a code is never given twice.
            stored.configuration.kind = .hotp(counter: counter + 1)
            try save(stored, in: slot)
            return CalculatedCode(code: generator.code(counter: counter), counter: counter)
        }
    }

    // MARK: Clock (§5.9)

    /// The token's time: RTC plus the stored offset, or nil when never set.
    private var tokenTime: Int64? {
        guard let record = flash.value(.init(type: RecordType.clock, index: 0)), record.count == 8 else { return nil }
        let offset = record.reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return max(0, clock.seconds &+ offset)
    }

    private static func bytes(_ value: Int64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian, Array.init) }
}

/// The injected generator behind a concrete type, so generic APIs can take it `inout`.
struct DeviceRandom: RandomNumberGenerator {
    var base: any RandomNumberGenerator
    mutating func next() -> UInt64 { base.next() }
}
