import Crypto
import Foundation
import _CryptoExtras

/// A key of the register: the random register key that seals seeds, or an admin's key, derived
/// from their passphrase with scrypt (N = 2^15, r = 8, p = 1: about 32 MiB and a tenth of a second
/// per derivation), which wraps the register key.
public struct AdminKey: Sendable {
    let key: SymmetricKey

    /// The scrypt parameters and salt; a register stores them, and always opens with its own.
    public struct Parameters: Codable, Equatable, Sendable {
        public var salt: [UInt8]
        public var rounds: Int
        public var blockSize: Int
        public var parallelism: Int

        /// A new random salt with the given cost (N = `rounds`, r = 8, p = 1).
        public static func fresh(rounds: Int = 1 << 15) -> Parameters {
            var random = SystemRandomNumberGenerator()
            return Parameters(
                salt: (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }, rounds: rounds, blockSize: 8,
                parallelism: 1)
        }

        /// A new random salt with N = 2^10: fast enough for tests that create many registers,
        /// too weak against guessing for a real one.
        public static func lowCost() -> Parameters { fresh(rounds: 1 << 10) }

        /// Parameters TokenForge derives keys with: N a power of two up to 2^20, r and p small,
        /// a salt of 16 to 64 bytes. Anything else read from a register is damage.
        var isSupported: Bool {
            rounds >= 2 && rounds <= 1 << 20 && rounds & (rounds - 1) == 0 && (1...32).contains(blockSize)
                && (1...16).contains(parallelism) && (16...64).contains(salt.count)
        }
    }

    init(key: SymmetricKey) { self.key = key }

    /// A new random register key: it seals the seeds, and each admin's passphrase key wraps it.
    static func random() -> AdminKey { AdminKey(key: SymmetricKey(size: .bits256)) }

    /// Seals this key under `wrapping` (AES-256-GCM) for the admin `name`.
    func wrapped(under wrapping: AdminKey, admin name: String) throws -> [UInt8] {
        try key.withUnsafeBytes { try wrapping.seal(Array($0), context: "admin:" + name) }
    }

    /// The key `wrapped(under:admin:)` sealed; nil when `wrapping` or `name` differ.
    static func unwrap(_ sealed: [UInt8], under wrapping: AdminKey, admin name: String) -> AdminKey? {
        guard let bytes = wrapping.open(sealed, context: "admin:" + name), bytes.count == 32 else { return nil }
        return AdminKey(key: SymmetricKey(data: bytes))
    }

    /// Derives the key from `passphrase` with `parameters`.
    public init(passphrase: String, parameters: Parameters) throws {
        key = try KDF.Scrypt.deriveKey(
            from: Array(passphrase.utf8), salt: parameters.salt, outputByteCount: 32, rounds: parameters.rounds,
            blockSize: parameters.blockSize, parallelism: parameters.parallelism)
    }

    /// Seals `plaintext` (AES-256-GCM, random nonce) bound to `context`.
    func seal(_ plaintext: [UInt8], context: String) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Array(context.utf8))
        return Array(box.combined!)
    }

    /// Opens what `seal` made with the same key and context; nil when either differs.
    func open(_ sealed: [UInt8], context: String) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: Array(context.utf8))
        else { return nil }
        return Array(plaintext)
    }
}
