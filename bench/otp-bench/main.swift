import OTPCore

// Measures TOTP verification throughput: codes that match no step in a ±1 window, so each
// verification computes all three codes (the worst case, and what an attacker's guesses cost).
// Prints one line: "tokenforge verifications_per_s=… codes_per_s=…".

let arguments = CommandLine.arguments.dropFirst()
let seconds = arguments.first.flatMap(Double.init) ?? 2.0
let algorithm = arguments.dropFirst().first.map { try! OTPAlgorithm(name: $0) } ?? .sha1

let secret = Secret(bytes: Array("12345678901234567890".utf8))
let generator = try! TOTPGenerator(secret: secret, algorithm: algorithm)
let verifier = TOTPVerifier(generator: generator, window: 1)
let clock = ContinuousClock()
let start = clock.now
var time: Int64 = 1_700_000_000
var verifications = 0
var accepted = 0
while clock.now - start < .seconds(seconds) {
    for _ in 0..<1_000 {
        time += 30
        if case .accepted = try! verifier.verify("000000", at: time) { accepted += 1 }
    }
    verifications += 1_000
}
let elapsed = clock.now - start
let elapsedSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let rate = Double(verifications) / elapsedSeconds
let codesPerVerification = 3.0
print(
    "tokenforge algorithm=\(algorithm.rawValue) verifications_per_s=\(Int(rate)) codes_per_s=\(Int(rate * codesPerVerification)) accepted=\(accepted)"
)
