import Discovery
import Foundation
import HIDAPITransport
import NitrokeyProFamily
import OTPCore
import Provisioning
import TokenModel

// TokenForge's side of bench/nitrokey-vs-libnitrokey.sh: authenticate with the admin PIN, write one
// TOTP slot, set the clock and verify the slot's code against the host's, through hidapi (run
// under the stand-in library against tokenforge-emulator --nitrokey). The Pro must have the factory
// admin PIN. Prints "tokenforge_ms_mean=… tokenforge_ms_p95=… runs=N polls_per_run=…".

let runs = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20
let discovery = TokenDiscovery(bus: HIDAPIBus())
guard let token = try discovery.supportedTokens().first(where: { [.nitrokeyPro, .libremKey].contains($0.family) }),
    let driver = try discovery.open(token) as? NitrokeyDriver
else {
    fatalError(
        "no Nitrokey Pro: start tokenforge-emulator --nitrokey 1 and set LD_LIBRARY_PATH and TOKENFORGE_EMULATOR_SOCKET"
    )
}
var options = SlotProgrammer.Options()
options.overwrite = true
let programmer = SlotProgrammer(driver: driver, options: options)
let configuration = SlotConfiguration(
    kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: "", account: "bench")
let clock = ContinuousClock()
var durations: [Double] = []
let pollsBefore = driver.polls
for _ in 0..<runs {
    let start = clock.now
    try driver.verifyPIN(PIN("12345678"))
    _ = try programmer.program(
        Secret.random(byteCount: 20), configuration: configuration, slot: SlotIndex(0),
        now: Int64(Date().timeIntervalSince1970))
    let elapsed = clock.now - start
    durations.append(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15)
}
durations.sort()
let mean = durations.reduce(0, +) / Double(durations.count)
let p95 = durations[min(durations.count - 1, durations.count * 95 / 100)]
print(
    "tokenforge_ms_mean=\(String(format: "%.2f", mean)) tokenforge_ms_p95=\(String(format: "%.2f", p95)) runs=\(runs)"
        + " polls_per_run=\(String(format: "%.1f", Double(driver.polls - pollsBefore) / Double(runs)))")
