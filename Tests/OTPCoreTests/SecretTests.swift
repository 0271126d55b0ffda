import OTPCore
import TestSupport
import Testing

struct SecretTests {
    @Test func descriptionNeverShowsTheBytes() throws {
        let secret = try Secret(base32: "JBSWY3DPEHPK3PXP")
        #expect("\(secret)" == "Secret(10 bytes, redacted)")
        #expect(String(reflecting: secret) == "Secret(10 bytes, redacted)")
        #expect(!"\(secret)".contains("JBSW"))
    }

    @Test(arguments: OTPAlgorithm.allCases)
    func randomSecretsDefaultToTheAlgorithmOutputSize(algorithm: OTPAlgorithm) {
        #expect(Secret.random(for: algorithm).byteCount == [.sha1: 20, .sha256: 32, .sha512: 64][algorithm])
    }

    @Test func randomSecretsDiffer() {
        #expect(Secret.random(byteCount: 20) != Secret.random(byteCount: 20))
    }

    @Test func seededGeneratorsGiveTheSameSecret() {
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        #expect(Secret.random(byteCount: 20, using: &first) == Secret.random(byteCount: 20, using: &second))
    }

    @Test func equalityComparesBytes() {
        #expect(Secret(bytes: [1, 2, 3]) == Secret(bytes: [1, 2, 3]))
        #expect(Secret(bytes: [1, 2, 3]) != Secret(bytes: [1, 2, 4]))
        #expect(Secret(bytes: [1, 2, 3]) != Secret(bytes: [1, 2, 3, 0]))
    }

    @Test func hexAndBase32DescribeTheSameBytes() throws {
        let secret = try Secret(hex: "3132 3334 3536 3738 3930")
        #expect(secret == Secret(bytes: Array("1234567890".utf8)))
        #expect(secret.base32EncodedString() == "GEZDGNBVGY3TQOJQ")
        #expect(secret.hexEncodedString() == "31323334353637383930")
    }

    @Test func hexErrorsNameTheProblem() {
        #expect(throws: HexError.invalidCharacter("g", offset: 2)) { try Secret(hex: "31g2") }
        #expect(throws: HexError.oddLength(3)) { try Secret(hex: "313") }
        #expect(throws: HexError.empty) { try Secret(hex: "") }
    }
}

