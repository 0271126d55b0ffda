public import Crypto
import FoundationEssentials
import _CryptoExtras
public import TokenModel

/// PIN protection of protocol 1.1 (§7.6), modelled on CTAP 2.1's PIN/UV auth protocol two:
/// ECDH P-256 between a host key made for one request and the token's one-shot PIN key
/// (GET_KEY_AGREEMENT), HKDF-SHA-256 into an HMAC key and an AES key, each PIN encrypted with
/// AES-256-CBC under a random IV, the request authenticated with HMAC-SHA-256.
public enum PINProtection {
    /// A PIN travels as `LEN(1) ‖ PIN ‖ zeros` in four AES blocks.
    public static let plaintextSize = 64
    /// IV ‖ ciphertext.
    public static let encryptedSize = 16 + plaintextSize
    public static let authenticatorSize = 32
    static let salt = [UInt8](repeating: 0, count: 32)
    static let hmacInfo = Array("TokenForge PIN HMAC key v1".utf8)
    static let aesInfo = Array("TokenForge PIN AES key v1".utf8)

    /// The two keys both sides derive from the ECDH shared secret (§7.6.2).
    public struct SessionKeys {
        public let hmacKey: SymmetricKey
        public let aesKey: SymmetricKey

        public init(shared: SharedSecret) {
            hmacKey = shared.hkdfDerivedSymmetricKey(
                using: SHA256.self, salt: PINProtection.salt, sharedInfo: PINProtection.hmacInfo,
                outputByteCount: 32)
            aesKey = shared.hkdfDerivedSymmetricKey(
                using: SHA256.self, salt: PINProtection.salt, sharedInfo: PINProtection.aesInfo,
                outputByteCount: 32)
        }
    }

    /// Protects the PIN fields of SET_PIN (`newPIN`), VERIFY_PIN (`pin`) or CHANGE_PIN (both) for
    /// `channel`, to the token's current PIN key. Host key and the two 16-byte IVs (current PIN, new
    /// PIN) are inputs so vectors can be replayed; by default they are drawn at random.
    public static func seal(
        pin: PIN?, newPIN: PIN?, command: TokenCommand, channel: ChannelID,
        tokenKey: P256.KeyAgreement.PublicKey, hostKey: P256.KeyAgreement.PrivateKey = .init(),
        ivs: [[UInt8]]? = nil
    ) throws -> ProtectedPIN {
        let keys = SessionKeys(shared: try hostKey.sharedSecretFromKeyAgreement(with: tokenKey))
        var generator = SystemRandomNumberGenerator()
        let ivs = ivs ?? (0..<2).map { _ in (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        guard ivs.count == 2 else { throw PINProtectionError.malformed }
        let pinEncrypted = try pin.map { try encrypt($0, key: keys.aesKey, iv: ivs[0]) }
        let newPINEncrypted = try newPIN.map { try encrypt($0, key: keys.aesKey, iv: ivs[1]) }
        let keyAgreement = Array(hostKey.publicKey.x963Representation)
        return ProtectedPIN(
            keyAgreement: keyAgreement, pinEncrypted: pinEncrypted, newPINEncrypted: newPINEncrypted,
            authenticator: authenticator(
                keys: keys, command: command, channel: channel, pinEncrypted: pinEncrypted,
                newPINEncrypted: newPINEncrypted))
    }

    /// The token's side: checks the authenticator and decrypts the PINs (§7.6.3).
    public static func open(
        _ protected: ProtectedPIN, command: TokenCommand, channel: ChannelID, tokenKey: P256.KeyAgreement.PrivateKey
    ) throws(PINProtectionError) -> (pin: PIN?, newPIN: PIN?) {
        guard let hostKey = try? P256.KeyAgreement.PublicKey(x963Representation: protected.keyAgreement),
            let shared = try? tokenKey.sharedSecretFromKeyAgreement(with: hostKey)
        else { throw .notAuthenticated }
        let keys = SessionKeys(shared: shared)
        let expected = authenticator(
            keys: keys, command: command, channel: channel, pinEncrypted: protected.pinEncrypted,
            newPINEncrypted: protected.newPINEncrypted)
        guard constantTimeEqual(expected, protected.authenticator) else { throw .notAuthenticated }
        return (
            try protected.pinEncrypted.map { (value) throws(PINProtectionError) in try decrypt(value, key: keys.aesKey) },
            try protected.newPINEncrypted.map { (value) throws(PINProtectionError) in
                try decrypt(value, key: keys.aesKey)
            }
        )
    }

    /// HMAC-SHA-256 over `COMMAND ‖ CID ‖ PIN_ENC ‖ NEW_PIN_ENC` (those present).
    static func authenticator(
        keys: SessionKeys, command: TokenCommand, channel: ChannelID, pinEncrypted: [UInt8]?,
        newPINEncrypted: [UInt8]?
    ) -> [UInt8] {
        let message = [command.rawValue] + channel.bytes + (pinEncrypted ?? []) + (newPINEncrypted ?? [])
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: keys.hmacKey))
    }

    static func encrypt(_ pin: PIN, key: SymmetricKey, iv: [UInt8]) throws -> [UInt8] {
        guard pin.bytes.count < plaintextSize else { throw PINProtectionError.malformed }
        let plaintext = [UInt8(pin.bytes.count)] + pin.bytes
            + [UInt8](repeating: 0, count: plaintextSize - 1 - pin.bytes.count)
        return iv + Array(try AES._CBC.encrypt(plaintext, using: key, iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
    }

    static func decrypt(_ value: [UInt8], key: SymmetricKey) throws(PINProtectionError) -> PIN {
        guard value.count == encryptedSize, let iv = try? AES._CBC.IV(ivBytes: value.prefix(16)),
            let plaintext = try? Array(AES._CBC.decrypt(value.dropFirst(16), using: key, iv: iv, noPadding: true)),
            plaintext.count == plaintextSize
        else { throw .malformed }
        let length = Int(plaintext[0])
        guard length < plaintextSize, plaintext[(1 + length)...].allSatisfy({ $0 == 0 }) else { throw .malformed }
        return PIN(bytes: Array(plaintext[1..<(1 + length)]))
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// Why a protected PIN request was refused (§7.6.3).
public enum PINProtectionError: Error, Equatable, Sendable {
    /// The authenticator does not verify (wrong or used token key, damaged or moved request): PIN_AUTH_INVALID.
    case notAuthenticated
    /// An authenticated PIN field does not decrypt to `LEN ‖ PIN ‖ zeros`: MALFORMED.
    case malformed
}

/// The PIN fields of a protected SET_PIN, VERIFY_PIN or CHANGE_PIN (§7.6): never the PIN itself.
public struct ProtectedPIN: Equatable, Sendable {
    /// The host's P-256 public key for this request, X9.63 uncompressed.
    public var keyAgreement: [UInt8]
    /// IV ‖ AES-256-CBC of the current PIN (VERIFY_PIN, CHANGE_PIN).
    public var pinEncrypted: [UInt8]?
    /// IV ‖ AES-256-CBC of the new PIN (SET_PIN, CHANGE_PIN).
    public var newPINEncrypted: [UInt8]?
    /// HMAC-SHA-256 of the request (§7.6.2).
    public var authenticator: [UInt8]

    public init(keyAgreement: [UInt8], pinEncrypted: [UInt8]?, newPINEncrypted: [UInt8]?, authenticator: [UInt8]) {
        self.keyAgreement = keyAgreement
        self.pinEncrypted = pinEncrypted
        self.newPINEncrypted = newPINEncrypted
        self.authenticator = authenticator
    }
}
