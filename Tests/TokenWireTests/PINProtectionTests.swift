import Crypto
import Foundation
import OTPCore
import TestSupport
import Testing
import TokenModel
import TokenWire

/// Protocol 1.1's PIN protection (§7.6) and bound seed wrapping (§7.7), the PIN key checked
/// against OpenSSL's command line as an independent implementation of every step.
struct PINProtectionTests {
    let tokenKey = P256.KeyAgreement.PrivateKey()
    let channel = ChannelID(rawValue: 0xDB9C_5598)

    @Test func theTokenOpensWhatTheHostSealed() throws {
        let sealed = try PINProtection.seal(
            pin: PIN("123456"), newPIN: PIN("24681357"), command: .changePIN, channel: channel,
            tokenKey: tokenKey.publicKey)
        let opened = try PINProtection.open(sealed, command: .changePIN, channel: channel, tokenKey: tokenKey)
        #expect(opened.pin == PIN("123456"))
        #expect(opened.newPIN == PIN("24681357"))
        #expect(sealed.pinEncrypted?.count == 80 && sealed.newPINEncrypted?.count == 80)
        #expect(sealed.pinEncrypted?.prefix(16) != sealed.newPINEncrypted?.prefix(16))
    }

    @Test func aMovedChangedOrMisdirectedRequestDoesNotAuthenticate() throws {
        let sealed = try PINProtection.seal(
            pin: PIN("123456"), newPIN: nil, command: .verifyPIN, channel: channel, tokenKey: tokenKey.publicKey)
        #expect(throws: PINProtectionError.notAuthenticated) {
            try PINProtection.open(sealed, command: .verifyPIN, channel: ChannelID(rawValue: 1), tokenKey: tokenKey)
        }
        #expect(throws: PINProtectionError.notAuthenticated) {
            try PINProtection.open(sealed, command: .changePIN, channel: channel, tokenKey: tokenKey)
        }
        #expect(throws: PINProtectionError.notAuthenticated) {
            try PINProtection.open(sealed, command: .verifyPIN, channel: channel, tokenKey: P256.KeyAgreement.PrivateKey())
        }
        for index in [0, 15, 16, 79] {
            var damaged = sealed
            damaged.pinEncrypted?[index] ^= 0x80
            #expect(throws: PINProtectionError.notAuthenticated) {
                try PINProtection.open(damaged, command: .verifyPIN, channel: channel, tokenKey: tokenKey)
            }
        }
    }

    @Test func sameInputsSealTheSameBytesAndTheRequestRoundTrips() throws {
        let host = P256.KeyAgreement.PrivateKey()
        let ivs = [[UInt8](repeating: 1, count: 16), [UInt8](repeating: 2, count: 16)]
        let first = try PINProtection.seal(
            pin: nil, newPIN: PIN("123456"), command: .setPIN, channel: channel, tokenKey: tokenKey.publicKey,
            hostKey: host, ivs: ivs)
        let second = try PINProtection.seal(
            pin: nil, newPIN: PIN("123456"), command: .setPIN, channel: channel, tokenKey: tokenKey.publicKey,
            hostKey: host, ivs: ivs)
        #expect(first == second)
        let request = TokenRequest.protectedPIN(.setPIN, first)
        #expect(try TokenRequest(decoding: request.encoded()) == request)
    }

    @Test func openSSLDerivesTheSameKeysDecryptsThePINAndComputesTheAuthenticator() throws {
        let host = P256.KeyAgreement.PrivateKey()
        let sealed = try PINProtection.seal(
            pin: PIN("583920"), newPIN: nil, command: .verifyPIN, channel: channel, tokenKey: tokenKey.publicKey,
            hostKey: host)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pinprot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String, _ bytes: Data) throws -> String {
            let url = directory.appendingPathComponent(name)
            try bytes.write(to: url)
            return url.path
        }
        let hostPEM = try file("host.pem", Data(host.pemRepresentation.utf8))
        let tokenPEM = try file("token.pem", Data(tokenKey.publicKey.pemRepresentation.utf8))
        let shared = directory.appendingPathComponent("z.bin").path
        _ = try runTool("/usr/bin/openssl", ["pkeyutl", "-derive", "-inkey", hostPEM, "-peerkey", tokenPEM, "-out", shared])
        let z = Hex.encode(Array(try Data(contentsOf: URL(fileURLWithPath: shared))))
        func hkdf(_ info: String) throws -> String {
            try runTool(
                "/usr/bin/openssl",
                [
                    "kdf", "-keylen", "32", "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:\(z)", "-kdfopt",
                    "hexsalt:" + String(repeating: "00", count: 32), "-kdfopt", "info:\(info)", "HKDF",
                ]
            ).replacingOccurrences(of: ":", with: "").lowercased()
        }
        let hmacKey = try hkdf("TokenForge PIN HMAC key v1")
        let aesKey = try hkdf("TokenForge PIN AES key v1")
        let encrypted = try #require(sealed.pinEncrypted)
        let ciphertext = try file("pin.enc", Data(encrypted.dropFirst(16)))
        let plaintext = directory.appendingPathComponent("pin.bin").path
        _ = try runTool(
            "/usr/bin/openssl",
            [
                "enc", "-d", "-aes-256-cbc", "-nopad", "-K", aesKey, "-iv", Hex.encode(Array(encrypted.prefix(16))),
                "-in", ciphertext, "-out", plaintext,
            ])
        let decrypted = Array(try Data(contentsOf: URL(fileURLWithPath: plaintext)))
        #expect(decrypted == [6] + Array("583920".utf8) + [UInt8](repeating: 0, count: 57))
        let message = try file(
            "message.bin", Data([TokenCommand.verifyPIN.rawValue, 0xDB, 0x9C, 0x55, 0x98] + encrypted))
        let mac = try runTool(
            "/usr/bin/openssl", ["mac", "-digest", "SHA256", "-macopt", "hexkey:\(hmacKey)", "-in", message, "HMAC"])
        #expect(mac.lowercased() == Hex.encode(sealed.authenticator))
    }

    @Test func aBoundSeedOpensOnlyWithEveryParameterAsWrapped() throws {
        let secret = Secret(bytes: Array("12345678901234567890".utf8))
        let configuration = SlotConfiguration(
            kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: "ACME", account: "zoe")
        let wrapped = try SeedWrap.wrap(
            secret, to: tokenKey.publicKey, slot: SlotIndex(1), configuration: configuration, binding: .allParameters)
        #expect(
            SeedWrap.unwrap(wrapped, with: tokenKey, slot: SlotIndex(1), configuration: configuration, binding: .allParameters)
                == secret)
        var changes: [SlotConfiguration] = []
        for change in 0..<5 {
            var other = configuration
            switch change {
            case 0: other.kind = .totp(period: 60)
            case 1: other.kind = .hotp(counter: 30)
            case 2: other.issuer = "EVIL"
            case 3: other.account = "eve"
            default: other.issuer = ""
            }
            changes.append(other)
        }
        for other in changes {
            #expect(
                SeedWrap.unwrap(wrapped, with: tokenKey, slot: SlotIndex(1), configuration: other, binding: .allParameters)
                    == nil, "\(other)")
        }
        #expect(SeedWrap.unwrap(wrapped, with: tokenKey, slot: SlotIndex(1), configuration: configuration) == nil)
    }
}
