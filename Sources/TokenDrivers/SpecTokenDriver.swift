import Crypto
import FoundationEssentials
import HIDTransport
import OTPCore
import TokenWire

/// Talks to a spec token (firmware-spec/PROTOCOL.md) over a HID connection, through the shared
/// wire codec: channel allocation, framed exchanges with a deadline, retries for idempotent
/// commands only.
public final class SpecTokenDriver {
    public let connection: HIDConnection
    public let timeoutMilliseconds: Int
    public private(set) var channel = ChannelID.broadcast
    public private(set) var firmwareVersion: [UInt8] = []
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    /// Opens a channel on the token (§3.1) with a random nonce, or `nonce` when replaying vectors.
    public init(connection: HIDConnection, timeoutMilliseconds: Int = 2_000, nonce: [UInt8]? = nil) throws(DriverError) {
        self.connection = connection
        self.timeoutMilliseconds = timeoutMilliseconds
        start = clock.now
        var random = SystemRandomNumberGenerator()
        let nonce = nonce ?? (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
        let reply = try exchange(Frame(channel: .broadcast, command: .initialise, payload: nonce), retries: 1)
        guard reply.payload.count >= 16, reply.payload.prefix(8).elementsEqual(nonce) else {
            throw .malformedResponse("INIT answer does not echo the nonce")
        }
        channel = ChannelID(rawValue: reply.payload[8..<12].reduce(0) { $0 << 8 | UInt32($1) })
        firmwareVersion = Array(reply.payload[13..<16])
    }

    // MARK: Commands (§5)

    public func info() throws(DriverError) -> TokenInfo {
        try parse(ok(.getInfo).fields, TokenInfo.init(fields:))
    }

    public func setPIN(_ pin: PIN) throws(DriverError) { _ = try ok(.setPIN(pin)) }
    public func verifyPIN(_ pin: PIN) throws(DriverError) { _ = try ok(.verifyPIN(pin)) }
    public func changePIN(from current: PIN, to new: PIN) throws(DriverError) { _ = try ok(.changePIN(current: current, new: new)) }

    /// Every used slot's metadata, page by page (§5.7).
    public func slots() throws(DriverError) -> [SlotEntry] {
        var entries: [SlotEntry] = []
        var start = SlotIndex(0)
        while true {
            let page = try parse(ok(.listSlots(start: start)).fields, SlotList.init(fields:))
            entries += page.entries
            guard let next = page.next, next > start else { return entries }
            start = next
        }
    }

    /// Writes a slot; returns the slot the token used.
    public func putSlot(_ write: SlotWrite) throws(DriverError) -> SlotIndex {
        let response = try ok(.putSlot(write))
        guard let slot = response.fields.first(where: { $0.tag == .slot })?.value.first else {
            throw .malformedResponse("PUT_SLOT answer has no slot")
        }
        return SlotIndex(rawValue: slot)
    }

    public func calculate(_ slot: SlotIndex, at time: UInt64?) throws(DriverError) -> CalculatedCode {
        try parse(ok(.calculate(slot, time: time)).fields, CalculatedCode.init(fields:))
    }

    public func deleteSlot(_ slot: SlotIndex) throws(DriverError) { _ = try ok(.deleteSlot(slot)) }
    public func setTime(_ time: UInt64) throws(DriverError) { _ = try ok(.setTime(time)) }

    /// The token's clock, or nil when it was never set.
    public func time() throws(DriverError) -> UInt64? {
        let response = try send(.getTime)
        if response.status == .timeNotSet { return nil }
        guard response.status == .ok else { throw .refused(.getTime, response.status) }
        return response.fields.first { $0.tag == .time }.flatMap { $0.value.count == 8 ? $0.value.reduce(0) { $0 << 8 | UInt64($1) } : nil }
    }

    public func factoryReset() throws(DriverError) {
        _ = try ok(.factoryReset(confirmation: TokenRequest.factoryResetConfirmation))
    }

    /// The token's key-agreement key, after checking its attestation (§8).
    public func attestedKey(allowTestManufacturer: Bool) throws(DriverError) -> P256.KeyAgreement.PublicKey {
        let attestation = try parse(ok(.attest).fields, Attestation.init(fields:))
        if let key = attestation.verifiedKey(manufacturerKey: ManufacturerKeys.test) {
            guard allowTestManufacturer else { throw .testTokenNotAllowed }
            return key
        }
        throw .notGenuine
    }

    // MARK: Exchange

    /// Sends a request and returns the response, whatever its status.
    public func send(_ request: TokenRequest) throws(DriverError) -> TokenResponse {
        let reply = try exchange(
            Frame(channel: channel, command: .message, payload: request.encoded()), retries: Self.isIdempotent(request) ? 2 : 0)
        do { return try TokenResponse(decoding: reply.payload) } catch { throw .malformedResponse("\(error)") }
    }

    /// Sends a request and maps a failure status to a `DriverError`.
    func ok(_ request: TokenRequest) throws(DriverError) -> TokenResponse {
        let response = try send(request)
        switch response.status {
        case .ok: return response
        case .pinInvalid: throw .wrongPIN(retriesLeft: response.pinRetries ?? 0)
        case .pinBlocked: throw .pinBlocked
        default: throw .refused(request.command, response.status)
        }
    }

    private func parse<Value>(_ fields: [TLV], _ parser: ([TLV]) throws(MessageError) -> Value) throws(DriverError) -> Value {
        do { return try parser(fields) } catch { throw .malformedResponse("\(error)") }
    }

    /// Commands that change nothing, so resending after a lost answer is safe.
    static func isIdempotent(_ request: TokenRequest) -> Bool {
        switch request {
        case .getInfo, .listSlots, .getTime, .attest, .setTime: true
        case .calculate(_, let time): time != nil
        default: false
        }
    }

    private var milliseconds: UInt64 {
        let elapsed = clock.now - start
        return UInt64(elapsed.components.seconds) * 1_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    private func exchange(_ frame: Frame, retries: Int) throws(DriverError) -> Frame {
        var attempt = 0
        while true {
            do {
                return try exchangeOnce(frame)
            } catch .timeout where attempt < retries {
                attempt += 1
            } catch .malformedResponse where attempt < retries {
                attempt += 1
            }
        }
    }

    private func exchangeOnce(_ frame: Frame) throws(DriverError) -> Frame {
        do {
            while try connection.read(timeoutMilliseconds: 0) != nil {}  // stale reports of an earlier exchange
            for report in try Framing.reports(for: frame) { try connection.write(report) }
        } catch let error as HIDError {
            throw .transport(error)
        } catch {
            throw .malformedResponse("\(error)")
        }
        let command: TokenCommand? = frame.command == .message ? frame.payload.first.flatMap(TokenCommand.init) : nil
        let deadline = milliseconds + UInt64(timeoutMilliseconds)
        var assembler = FrameAssembler()
        while milliseconds < deadline {
            let report: [UInt8]?
            do { report = try connection.read(timeoutMilliseconds: Int(deadline - milliseconds)) } catch {
                throw .transport(error)
            }
            guard let report, report.count == Framing.reportSize else { continue }
            guard case .complete(let reply) = assembler.receive(report, now: milliseconds), reply.channel == frame.channel
            else { continue }
            switch reply.command {
            case .keepalive: continue
            case .error: throw .framing(FramingError(code: reply.payload.first ?? 0x7F))
            case frame.command: return reply
            default: throw .malformedResponse("answer of type \(reply.command) to \(frame.command)")
            }
        }
        throw .timeout(command)
    }
}
