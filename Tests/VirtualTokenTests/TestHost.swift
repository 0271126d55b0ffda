import TokenModel
import TestSupport
import OTPCore
import TokenWire
import VirtualToken

/// A minimal host for tests: INIT, then requests and responses through the shared wire codec.
struct TestHost {
    let token: SpecToken
    var channel = ChannelID.broadcast

    init(token: SpecToken) throws {
        self.token = token
        channel = try allocateChannel()
    }

    /// Sends INIT on the broadcast channel and returns the channel the token allocated.
    func allocateChannel(nonce: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]) throws -> ChannelID {
        let reply = try exchange(Frame(channel: .broadcast, command: .initialise, payload: nonce))
        guard reply.command == .initialise, reply.payload.prefix(8).elementsEqual(nonce) else {
            throw TestHostError.unexpected("INIT reply \(reply)")
        }
        return ChannelID(rawValue: reply.payload[8..<12].reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// Sends `frame` and reassembles the token's answer on the same channel.
    func exchange(_ frame: Frame) throws -> Frame {
        var assembler = FrameAssembler()
        var replies: [[UInt8]] = []
        for report in try Framing.reports(for: frame) { replies += try token.receive(report) }
        for report in replies {
            if case .complete(let reply) = assembler.receive(report, now: 0), reply.channel == frame.channel {
                return reply
            }
        }
        throw TestHostError.noReply
    }

    func send(_ request: TokenRequest, on channel: ChannelID? = nil) throws -> TokenResponse {
        let reply = try exchange(Frame(channel: channel ?? self.channel, command: .message, payload: request.encoded()))
        guard reply.command == .message else { throw TestHostError.unexpected("frame \(reply)") }
        return try TokenResponse(decoding: reply.payload)
    }

    /// Sends `request` and expects success.
    @discardableResult
    func ok(_ request: TokenRequest) throws -> TokenResponse {
        let response = try send(request)
        guard response.status == .ok else { throw TestHostError.status(response.status) }
        return response
    }

    func unlock(pin: String = "123456") throws {
        try ok(.setPIN(PIN(pin)))
        try ok(.verifyPIN(PIN(pin)))
    }

    func code(_ slot: Int, at time: UInt64? = nil) throws -> String {
        try CalculatedCode(fields: ok(.calculate(SlotIndex(slot), time: time)).fields).code
    }
}

enum TestHostError: Error {
    case noReply
    case status(TokenStatus)
    case unexpected(String)
}


/// A TOTP slot for tests: RFC 6238's SHA-1 seed by default.
func totpSlot(
    _ slot: Int, secret: [UInt8] = Array("12345678901234567890".utf8), algorithm: OTPAlgorithm = .sha1,
    digits: Int = 8, period: UInt32 = 30, account: String = "alice", overwrite: Bool = false
) -> TokenRequest {
    .putSlot(
        SlotWrite(
            slot: SlotIndex(rawValue: UInt8(truncatingIfNeeded: slot)),
            configuration: SlotConfiguration(
                kind: .totp(period: period), algorithm: algorithm, digits: digits, issuer: "ACME", account: account),
            seed: .plain(Secret(bytes: secret)), overwrite: overwrite))
}

func makeToken(
    medium: FlashMedium = MemoryFlashMedium(), clock: ManualDeviceClock = ManualDeviceClock(), seed: UInt64 = 1
)
    throws -> SpecToken
{
    try SpecToken(medium: medium, clock: clock, random: SplitMix64(seed: seed))
}
