import TokenModel
import OTPCore
import TokenWire
import VirtualToken

// In-process command throughput of the virtual spec token: each command is encoded, framed into
// 64-byte reports, handled by the token, and its response reassembled and decoded, exactly as a
// host driver does. Prints one line per command kind: "<command> commands_per_s=N".

let seconds = CommandLine.arguments.dropFirst().first.flatMap(Double.init) ?? 2.0
let token = try SpecToken(medium: MemoryFlashMedium(), clock: ManualDeviceClock())
var assembler = FrameAssembler()

@MainActor func exchange(_ payload: [UInt8], on channel: ChannelID, command: FrameCommand = .message) throws -> Frame {
    for report in try Framing.reports(for: Frame(channel: channel, command: command, payload: payload)) {
        for reply in try token.receive(report) {
            if case .complete(let frame) = assembler.receive(reply, now: 0) { return frame }
        }
    }
    fatalError("the token did not answer")
}

let nonce: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
let initReply = try exchange(nonce, on: .broadcast, command: .initialise)
let channel = ChannelID(rawValue: initReply.payload[8..<12].reduce(0) { $0 << 8 | UInt32($1) })
@MainActor func ok(_ request: TokenRequest) throws -> TokenResponse {
    let response = try TokenResponse(decoding: exchange(request.encoded(), on: channel).payload)
    precondition(response.status == .ok, "\(request.command): \(response.status)")
    return response
}
_ = try ok(.setPIN(PIN("123456")))
_ = try ok(.verifyPIN(PIN("123456")))
let configuration = SlotConfiguration(kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: "ACME", account: "alice")
let seed = Secret(bytes: Array("12345678901234567890".utf8))
_ = try ok(.putSlot(SlotWrite(slot: SlotIndex(0), configuration: configuration, seed: .plain(seed))))

@MainActor func measure(_ name: String, _ request: (Int) -> TokenRequest) throws {
    let clock = ContinuousClock()
    let start = clock.now
    var count = 0
    while clock.now - start < .seconds(seconds) {
        for _ in 0..<500 {
            _ = try ok(request(count))
            count += 1
        }
    }
    let elapsed = clock.now - start
    let rate = Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    print("\(name) commands_per_s=\(Int(rate))")
}

try measure("GET_INFO") { _ in .getInfo }
try measure("CALCULATE") { index in .calculate(SlotIndex(0), time: UInt64(1_700_000_000 + index * 30)) }
try measure("PUT_SLOT") { _ in .putSlot(SlotWrite(slot: SlotIndex(1), configuration: configuration, seed: .plain(seed), overwrite: true)) }
