import Crypto
import FoundationEssentials
import OTPCore
import TokenDrivers
import TokenModel
import TokenTransport
import TokenWire

/// Talks to a spec token (firmware-spec/PROTOCOL.md) over a HID connection, through the shared
/// wire codec: channel allocation, framed exchanges with a deadline, retries for idempotent
/// commands only.
public final class SpecTokenDriver {
    public let connection: any HIDConnection
    public let family: TokenFamily
    public let timeoutMilliseconds: Int
    public private(set) var channel = ChannelID.broadcast
    public private(set) var firmwareVersion: [UInt8] = []
    private var protocol11: Bool?
    private let clock: any TransportClock

    /// Opens a channel on the token (§3.1) with a random nonce, or `nonce` when replaying vectors.
    public init(
        connection: any HIDConnection, family: TokenFamily = .specToken, settings: DriverSettings = DriverSettings(),
        nonce: [UInt8]? = nil
    ) throws(TokenError) {
        self.connection = connection
        self.family = family
        timeoutMilliseconds = settings.timeoutMilliseconds
        clock = settings.clock
        var random = SystemRandomNumberGenerator()
        let nonce = nonce ?? (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
        let reply = try exchange(Frame(channel: .broadcast, command: .initialise, payload: nonce), retries: 1)
        guard reply.payload.count >= 16, reply.payload.prefix(8).elementsEqual(nonce) else {
            throw .protocolViolation("INIT answer does not echo the nonce")
        }
        channel = ChannelID(rawValue: reply.payload[8..<12].reduce(0) { $0 << 8 | UInt32($1) })
        firmwareVersion = Array(reply.payload[13..<16])
    }

    // MARK: Commands (§5)

    public func info() throws(TokenError) -> TokenInfo {
        try parse(ok(.getInfo).fields, TokenInfo.init(fields:))
    }

    /// Whether the token speaks protocol 1.1 (capability bit 5 of GET_INFO, §4.2): PINs then travel
    /// encrypted (§7.6) and seeds are wrapped with every slot parameter bound (§7.7).
    public func speaksProtocol11() throws(TokenError) -> Bool {
        if let protocol11 { return protocol11 }
        let answer = try info().capabilities.contains(.pinProtection)
        protocol11 = answer
        return answer
    }

    /// PINs are checked against the spec's rule before they are sent; encrypted to a 1.1 token.
    public func setPIN(_ pin: PIN) throws(TokenError) {
        try PINRule.specToken.check(pin)
        _ = try speaksProtocol11() ? okProtected(.setPIN, pin: nil, newPIN: pin) : ok(.setPIN(pin))
    }

    public func verifyPIN(_ pin: PIN) throws(TokenError) {
        try PINRule.specToken.check(pin)
        _ = try speaksProtocol11() ? okProtected(.verifyPIN, pin: pin, newPIN: nil) : ok(.verifyPIN(pin))
    }

    public func changePIN(from current: PIN, to new: PIN) throws(TokenError) {
        try PINRule.specToken.check(current)
        try PINRule.specToken.check(new)
        _ =
            try speaksProtocol11()
            ? okProtected(.changePIN, pin: current, newPIN: new) : ok(.changePIN(current: current, new: new))
    }

    /// The token's current one-shot PIN key (GET_KEY_AGREEMENT, §5.13).
    public func pinKeyAgreementKey() throws(TokenError) -> P256.KeyAgreement.PublicKey {
        let response = try ok(.getKeyAgreement)
        guard let field = response.fields.first(where: { $0.tag == .publicKey }),
            let key = try? P256.KeyAgreement.PublicKey(x963Representation: field.value)
        else { throw .protocolViolation("GET_KEY_AGREEMENT answer has no valid public key") }
        return key
    }

    /// A protected PIN request on a fresh token key; sent once more with a new key when another
    /// program used the key first (PIN_AUTH_INVALID), which costs no PIN try (§7.6.3).
    private func okProtected(_ command: TokenCommand, pin: PIN?, newPIN: PIN?) throws(TokenError) -> TokenResponse {
        var attempt = 0
        while true {
            attempt += 1
            let tokenKey = try pinKeyAgreementKey()
            let protected: ProtectedPIN
            do {
                protected = try PINProtection.seal(
                    pin: pin, newPIN: newPIN, command: command, channel: channel, tokenKey: tokenKey)
            } catch {
                throw .unsupported("cannot encrypt the PIN: \(error)")
            }
            let request = TokenRequest.protectedPIN(command, protected)
            let response = try send(request)
            if response.status == .pinAuthInvalid, attempt < 2 { continue }
            guard response.status == .ok else { throw Self.error(response, for: command) }
            return response
        }
    }

    /// Every used slot's metadata, page by page (§5.7).
    public func slots() throws(TokenError) -> [SlotEntry] {
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
    public func putSlot(_ write: SlotWrite) throws(TokenError) -> SlotIndex {
        let response = try ok(.putSlot(write))
        guard let slot = response.fields.first(where: { $0.tag == .slot })?.value.first else {
            throw .protocolViolation("PUT_SLOT answer has no slot")
        }
        return SlotIndex(rawValue: slot)
    }

    public func calculate(_ slot: SlotIndex, at time: UInt64?) throws(TokenError) -> CalculatedCode {
        try parse(ok(.calculate(slot, time: time)).fields, CalculatedCode.init(fields:))
    }

    public func deleteSlot(_ slot: SlotIndex) throws(TokenError) { _ = try ok(.deleteSlot(slot)) }
    public func setTime(_ time: UInt64) throws(TokenError) { _ = try ok(.setTime(time)) }

    /// The token's clock, or nil when it was never set.
    public func time() throws(TokenError) -> UInt64? {
        let response = try send(.getTime)
        if response.status == .timeNotSet { return nil }
        guard response.status == .ok else { throw Self.error(response, for: .getTime) }
        return response.fields.first { $0.tag == .time }.flatMap { $0.value.count == 8 ? $0.value.reduce(0) { $0 << 8 | UInt64($1) } : nil }
    }

    public func factoryReset() throws(TokenError) {
        _ = try ok(.factoryReset(confirmation: TokenRequest.factoryResetConfirmation))
    }

    /// The token's key-agreement key, after checking its attestation (§8).
    public func attestedKey(allowTestManufacturer: Bool) throws(TokenError) -> P256.KeyAgreement.PublicKey {
        let attestation = try parse(ok(.attest).fields, Attestation.init(fields:))
        if let key = attestation.verifiedKey(manufacturerKey: ManufacturerKeys.test) {
            guard allowTestManufacturer else { throw .untrusted(.testToken) }
            return key
        }
        throw .untrusted(.notGenuine)
    }

    // MARK: Exchange

    /// Sends a request and returns the response, whatever its status.
    public func send(_ request: TokenRequest) throws(TokenError) -> TokenResponse {
        let reply = try exchange(
            Frame(channel: channel, command: .message, payload: request.encoded()), retries: Self.isIdempotent(request) ? 2 : 0)
        do { return try TokenResponse(decoding: reply.payload) } catch { throw .protocolViolation("\(error)") }
    }

    /// Sends a request and maps a failure status to the family-neutral error.
    func ok(_ request: TokenRequest) throws(TokenError) -> TokenResponse {
        let response = try send(request)
        guard response.status == .ok else { throw Self.error(response, for: request.command, slot: request.slot) }
        return response
    }

    /// A failure status (§6) as the family-neutral error.
    static func error(_ response: TokenResponse, for command: TokenCommand, slot: SlotIndex? = nil) -> TokenError {
        let slot = slot == .firstFree ? nil : slot
        return switch response.status {
        case .slotOutOfRange: .slot(slot, .outOfRange("the token has no such slot"))
        case .slotEmpty: .slot(slot, .empty)
        case .slotOccupied: .slot(slot, .occupied)
        case .slotsFull: .slot(nil, .full(""))
        case .pinRequired: .pin(.required(operation: command.name))
        case .pinInvalid: .pin(.wrong(retriesLeft: response.pinRetries ?? 0))
        case .pinBlocked: .pin(.blocked(pin: "PIN", recovery: blockedRecovery))
        case .pinNotSet: .pin(.notSet)
        case .pinPolicy: .pin(.policy("the PIN is 4 to 32 bytes"))
        case .ok, .unknownCommand, .malformed, .missingParameter, .unsupportedParameter, .pinAlreadySet,
            .decryptionFailed, .timeNotSet, .confirmationRequired, .flashFailure, .pinAuthInvalid:
            .refused(operation: command.name, reason: response.status.description)
        }
    }

    public static let blockedRecovery = "`tokenforge reset` erases the token and makes it usable again"

    private func parse<Value>(_ fields: [TLV], _ parser: ([TLV]) throws(MessageError) -> Value) throws(TokenError)
        -> Value
    {
        do { return try parser(fields) } catch { throw .protocolViolation("\(error)") }
    }

    /// Commands that change nothing, so resending after a lost answer is safe.
    static func isIdempotent(_ request: TokenRequest) -> Bool {
        switch request {
        case .getInfo, .listSlots, .getTime, .attest, .setTime, .getKeyAgreement: true
        case .calculate(_, let time): time != nil
        default: false
        }
    }

    private var milliseconds: UInt64 {
        let elapsed = clock.now
        return UInt64(max(0, elapsed.components.seconds)) * 1_000
            + UInt64(max(0, elapsed.components.attoseconds) / 1_000_000_000_000_000)
    }

    private func exchange(_ frame: Frame, retries: Int) throws(TokenError) -> Frame {
        var attempt = 0
        while true {
            do {
                return try exchangeOnce(frame)
            } catch .timedOut where attempt < retries {
                attempt += 1
            } catch .protocolViolation where attempt < retries {
                attempt += 1
            }
        }
    }

    private func exchangeOnce(_ frame: Frame) throws(TokenError) -> Frame {
        do {
            while try connection.read(timeoutMilliseconds: 0) != nil {}  // stale reports of an earlier exchange
            for report in try Framing.reports(for: frame) { try connection.write(report) }
        } catch let error as HIDError {
            throw TokenError(error)
        } catch {
            throw .protocolViolation("\(error)")
        }
        let command: TokenCommand? = frame.command == .message ? frame.payload.first.flatMap(TokenCommand.init) : nil
        let deadline = milliseconds + UInt64(timeoutMilliseconds)
        var assembler = FrameAssembler()
        while milliseconds < deadline {
            let report: [UInt8]?
            do { report = try connection.read(timeoutMilliseconds: Int(deadline - milliseconds)) } catch {
                throw TokenError(error)
            }
            guard let report, report.count == Framing.reportSize else { continue }
            guard case .complete(let reply) = assembler.receive(report, now: milliseconds), reply.channel == frame.channel
            else { continue }
            switch reply.command {
            case .keepalive: continue
            case .error:
                throw .transport("the token reported a transport error: \(FramingError(code: reply.payload.first ?? 0x7F))")
            case frame.command: return reply
            default: throw .protocolViolation("answer of type \(reply.command) to \(frame.command)")
            }
        }
        throw .timedOut(operation: command?.name)
    }
}
