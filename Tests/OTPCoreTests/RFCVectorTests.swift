import TestSupport
import Crypto
import OTPCore
import Testing

struct RFCVectorTests {
    static let rfc4226 = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489",
    ]

    @Test("RFC 4226 Appendix D: HOTP-SHA1 for counters 0 to 9", arguments: Array(rfc4226.enumerated()))
    func hotpAppendixD(counter: Int, expected: String) throws {
        let generator = try HOTPGenerator(secret: Secret(bytes: Array("12345678901234567890".utf8)))
        #expect(generator.code(counter: UInt64(counter)) == expected)
    }

    static let seeds: [OTPAlgorithm: String] = [
        .sha1: "12345678901234567890",
        .sha256: "12345678901234567890123456789012",
        .sha512: "1234567890123456789012345678901234567890123456789012345678901234",
    ]

    /// RFC 6238 Appendix B, every listed time and algorithm.
    static let rfc6238: [(Int64, OTPAlgorithm, String)] = [
        (59, .sha1, "94287082"), (59, .sha256, "46119246"), (59, .sha512, "90693936"),
        (1_111_111_109, .sha1, "07081804"), (1_111_111_109, .sha256, "68084774"), (1_111_111_109, .sha512, "25091201"),
        (1_111_111_111, .sha1, "14050471"), (1_111_111_111, .sha256, "67062674"), (1_111_111_111, .sha512, "99943326"),
        (1_234_567_890, .sha1, "89005924"), (1_234_567_890, .sha256, "91819424"), (1_234_567_890, .sha512, "93441116"),
        (2_000_000_000, .sha1, "69279037"), (2_000_000_000, .sha256, "90698825"), (2_000_000_000, .sha512, "38618901"),
        (20_000_000_000, .sha1, "65353130"), (20_000_000_000, .sha256, "77737706"),
        (20_000_000_000, .sha512, "47863826"),
    ]

    @Test("RFC 6238 Appendix B: TOTP for every time and algorithm", arguments: rfc6238)
    func totpAppendixB(time: Int64, algorithm: OTPAlgorithm, expected: String) throws {
        let secret = Secret(bytes: Array(Self.seeds[algorithm]!.utf8))
        let generator = try TOTPGenerator(secret: secret, algorithm: algorithm, digits: 8)
        #expect(try generator.code(at: time) == expected)
    }

    @Test func totpStepsCountFromT0() throws {
        let secret = Secret(bytes: Array("12345678901234567890".utf8))
        let shifted = try TOTPGenerator(secret: secret, digits: 8, t0: 1_000)
        #expect(try shifted.code(at: 1_059) == "94287082")
        #expect(throws: OTPParameterError.timeBeforeEpoch(time: 999, t0: 1_000)) { try shifted.code(at: 999) }
    }

    @Test func secondsRemainingCountsDownToTheNextStep() throws {
        let generator = try TOTPGenerator(secret: Secret(bytes: [1, 2, 3]), period: 30)
        #expect(try generator.secondsRemaining(at: 60) == 30)
        #expect(try generator.secondsRemaining(at: 89) == 1)
    }

    @Test func tenDigitCodesAreZeroPadded() throws {
        let generator = try HOTPGenerator(secret: Secret(bytes: Array("12345678901234567890".utf8)), digits: 10)
        // The 31-bit value for counter 0 is 1284755224 (RFC 4226 Appendix D).
        #expect(generator.code(counter: 0) == "1284755224")
    }

    @Test(arguments: [5, 11, 0, -1])
    func unsupportedDigitsAreTypedErrors(digits: Int) {
        #expect(throws: OTPParameterError.unsupportedDigits(digits)) {
            try HOTPGenerator(secret: Secret(bytes: [1]), digits: digits)
        }
    }

    @Test(arguments: [0, -30])
    func nonPositivePeriodsAreTypedErrors(period: Int) {
        #expect(throws: OTPParameterError.nonPositivePeriod(period)) {
            try TOTPGenerator(secret: Secret(bytes: [1]), period: period)
        }
    }

    @Test func emptySecretIsATypedError() {
        #expect(throws: OTPParameterError.emptySecret) { try HOTPGenerator(secret: Secret(bytes: [UInt8]())) }
    }

    @Test(arguments: ["MD5", "SHA384", "", "sha-1x"])
    func unknownAlgorithmNamesAreTypedErrors(name: String) {
        #expect(throws: OTPParameterError.unsupportedAlgorithm(name)) { try OTPAlgorithm(name: name) }
    }

    @Test func algorithmNamesAreReadInAnyCase() throws {
        #expect(try OTPAlgorithm(name: "sha-256") == .sha256)
        #expect(try OTPAlgorithm(name: "Sha512") == .sha512)
    }
}

/// Checks the precomputed-pad HMAC against swift-crypto's HMAC, an independent implementation,
/// for keys shorter than, equal to and longer than each hash's block.
struct HMACCrossCheckTests {
    @Test(arguments: OTPAlgorithm.allCases)
    func hotpValuesMatchSwiftCryptoHMAC(algorithm: OTPAlgorithm) throws {
        var random = SplitMix64(seed: 2_104)
        for keyLength in [1, 19, 20, 63, 64, 65, 127, 128, 129, 200] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &random) }
            let counter = UInt64.random(in: 0...UInt64.max, using: &random)
            let generator = try HOTPGenerator(secret: Secret(bytes: key), algorithm: algorithm, digits: 10)
            #expect(
                generator.code(counter: counter) == Self.reference(key, counter, algorithm), "key length \(keyLength)")
        }
    }

    static func reference(_ key: [UInt8], _ counter: UInt64, _ algorithm: OTPAlgorithm) -> String {
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        let symmetricKey = SymmetricKey(data: key)
        let digest: [UInt8] =
            switch algorithm {
            case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: symmetricKey))
            case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetricKey))
            case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: symmetricKey))
            }
        let offset = Int(digest.last! & 0x0F)
        let value =
            (UInt32(digest[offset]) & 0x7F) << 24 | UInt32(digest[offset + 1]) << 16
            | UInt32(digest[offset + 2]) << 8 | UInt32(digest[offset + 3])
        let text = String(UInt64(value) % 10_000_000_000)
        return String(repeating: "0", count: 10 - text.count) + text
    }
}
