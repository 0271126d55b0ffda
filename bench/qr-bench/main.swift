// QR PNG throughput in one process: libqrencode encodes a typical otpauth URI and libpng writes it
// (scale 4, margin 4, error correction M), as `tokenforge qr --format png` does.
// Usage: qr-bench SECONDS URI [SAMPLE.png]   prints pngs_per_s=… bytes=… version=…
import Activation
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3, let seconds = Double(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: qr-bench SECONDS URI [SAMPLE.png]\n".utf8))
    exit(64)
}
let uri = arguments[2]
let sample = try QRCode(encoding: uri, errorCorrection: .medium)
let samplePNG = try sample.pngData(scale: 4, margin: 4)
if arguments.count >= 4 { try Data(samplePNG).write(to: URL(fileURLWithPath: arguments[3])) }

let clock = ContinuousClock()
let start = clock.now
var count = 0
var bytes = 0
while clock.now - start < .seconds(seconds) {
    for _ in 0..<100 {
        bytes &+= try QRCode(encoding: uri, errorCorrection: .medium).pngData(scale: 4, margin: 4).count
    }
    count += 100
}
let elapsed = clock.now - start
let rate = Double(count) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
print("pngs_per_s=\(Int(rate)) bytes=\(samplePNG.count) version=\(sample.version) checksum=\(bytes)")
