import Foundation
import OTPCore
import PCSCTransport
import Provisioning
import TokenModel
import TokenTransport
import YubiKeyOATHFamily

// TokenForge's side of bench/yubikey-vs-ykman.sh: per run, connect to the emulated YubiKey through
// pcscd and vpcd, SELECT, program one TOTP credential (SlotProgrammer: PUT, then CALCULATE for this
// computer's step compared with the host's code), as `tokenforge program` does; the credential is
// deleted after the timed part. Prints "tokenforge_ms_mean=… tokenforge_ms_p95=… runs=N apdus_per_run=…
// connect_ms_mean=…" (SCardConnect's share of each run).

/// Counts the command APDUs the driver sends.
final class CountingConnection: SmartCardConnection {
    let base: any SmartCardConnection
    var count = 0
    init(_ base: any SmartCardConnection) { self.base = base }
    var reader: SmartCardReaderInfo { base.reader }
    func transmit(_ apdu: [UInt8]) throws(SmartCardError) -> [UInt8] {
        count += 1
        return try base.transmit(apdu)
    }
}

let arguments = CommandLine.arguments.dropFirst()
let runs = arguments.first.flatMap(Int.init) ?? 20
let readerName = arguments.dropFirst().first ?? "Virtual PCD 00 00"
let bus = try PCSCBus()
guard let reader = try bus.readers().first(where: { $0.name == readerName }) else {
    FileHandle.standardError.write(
        Data("no reader \"\(readerName)\": start pcscd and tokenforge-emulator --yubikey 1\n".utf8))
    exit(69)
}
var options = SlotProgrammer.Options()
options.allowPlainImport = true
let configuration = SlotConfiguration(
    kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: "Bench", account: "tokenforge")
let clock = ContinuousClock()
var durations: [Double] = []
var connects: [Double] = []
var apdus = 0
func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
}
for _ in 0..<runs {
    let start = clock.now
    let connection = CountingConnection(try bus.connect(reader))
    connects.append(milliseconds(clock.now - start))
    let driver = try YubiKeyOATHDriver(connection: connection)
    let result = try SlotProgrammer(driver: driver, options: options).program(
        Secret.random(byteCount: 20), configuration: configuration, slot: nil, now: Int64(Date().timeIntervalSince1970))
    let elapsed = clock.now - start
    apdus += connection.count
    durations.append(milliseconds(elapsed))
    try driver.deleteSlot(result.slot)
}
durations.sort()
let mean = durations.reduce(0, +) / Double(durations.count)
let p95 = durations[min(durations.count - 1, durations.count * 95 / 100)]
print(
    "tokenforge_ms_mean=\(String(format: "%.2f", mean)) tokenforge_ms_p95=\(String(format: "%.2f", p95)) runs=\(runs)"
        + " apdus_per_run=\(String(format: "%.1f", Double(apdus) / Double(runs)))"
        + " connect_ms_mean=\(String(format: "%.2f", connects.reduce(0, +) / Double(connects.count)))")
