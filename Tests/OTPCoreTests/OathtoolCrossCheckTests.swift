import Foundation
import OTPCore
import TestSupport
import Testing

/// Compares codes with Debian's oathtool, an independent implementation (liboath).
struct OathtoolCrossCheckTests {
    struct Case: CustomStringConvertible {
        let secret: [UInt8]
        let time: Int64
        let algorithm: OTPAlgorithm
        let digits: Int
        let period: Int
        var description: String { "\(algorithm.rawValue)/\(digits)/\(period)s at \(time)" }
    }

    static func cases(count: Int, seed: UInt64) -> [Case] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { _ in
            Case(
                secret: (0..<Int.random(in: 10...64, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                },
                time: Int64.random(in: 0...4_102_444_800, using: &random),
                algorithm: OTPAlgorithm.allCases.randomElement(using: &random)!,
                digits: Int.random(in: 6...8, using: &random),
                period: [30, 60, 15, 45, 1, 90].randomElement(using: &random)!)
        }
    }

    @Test("1,000 random TOTP cases agree with oathtool", arguments: 0..<4)
    func totpAgreesWithOathtool(batch: Int) throws {
        for testCase in Self.cases(count: 250, seed: UInt64(batch) + 2_026) {
            let generator = try TOTPGenerator(
                secret: Secret(bytes: testCase.secret), algorithm: testCase.algorithm, digits: testCase.digits,
                period: testCase.period)
            let expected = try Self.oathtool([
                "--totp=\(testCase.algorithm.rawValue)", "--digits=\(testCase.digits)",
                "--time-step-size=\(testCase.period)s", "--now=@\(testCase.time)", Hex.encode(testCase.secret),
            ])
            #expect(try generator.code(at: testCase.time) == expected, "\(testCase)")
        }
    }

    @Test("HOTP agrees with oathtool for random counters")
    func hotpAgreesWithOathtool() throws {
        var random = SplitMix64(seed: 4_226)
        for _ in 0..<50 {
            let secret = (0..<20).map { _ in UInt8.random(in: 0...255, using: &random) }
            let counter = UInt64.random(in: 0...UInt64(UInt32.max), using: &random)
            let generator = try HOTPGenerator(secret: Secret(bytes: secret), digits: 8)
            let expected = try Self.oathtool(["--hotp", "--digits=8", "--counter=\(counter)", Hex.encode(secret)])
            #expect(generator.code(counter: counter) == expected)
        }
    }

    static func oathtool(_ arguments: [String]) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/oathtool") else {
            Issue.record("oathtool is missing: install Debian's oathtool package (scripts/test does)")
            return ""
        }
        return try TestSupport.oathtool(arguments)
    }
}
