import Discovery
import Foundation
import HIDAPITransport
import OTPCore
import Provisioning
import SpecTokenFamily
import TokenModel

// Program + verify of one slot through hidapi, timed: run under the stand-in library against
// tokenforge-emulator (bench/device-roundtrip.sh does). A token without a PIN gets 123456.
// Prints "program_verify_ms_mean=… program_verify_ms_p95=… runs=N".

let runs = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 200
let discovery = TokenDiscovery(bus: HIDAPIBus())
guard let token = try discovery.supportedTokens().first(where: { $0.family == .specToken }) else {
    fatalError("no token: start tokenforge-emulator and set LD_LIBRARY_PATH and TOKENFORGE_EMULATOR_SOCKET")
}
let driver = try discovery.open(token)
if try !driver.tokenInfo().pinSet { try TokenMaintenance(driver: driver).setPIN(PIN("123456")) }
try driver.verifyPIN(PIN("123456"))
var options = SlotProgrammer.Options()
options.overwrite = true
options.allowTestTokens = true
let programmer = SlotProgrammer(driver: driver, options: options)
let configuration = SlotConfiguration(kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: "ACME", account: "bench")
let clock = ContinuousClock()
var durations: [Double] = []
for run in 0..<runs {
    let start = clock.now
    _ = try programmer.program(Secret.random(byteCount: 20), configuration: configuration, slot: SlotIndex(0), now: 1_700_000_000 + Int64(run))
    let elapsed = clock.now - start
    durations.append(Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15)
}
durations.sort()
let mean = durations.reduce(0, +) / Double(durations.count)
let p95 = durations[min(durations.count - 1, durations.count * 95 / 100)]
print("program_verify_ms_mean=\(String(format: "%.2f", mean)) program_verify_ms_p95=\(String(format: "%.2f", p95)) runs=\(runs)")
