import TokenModel
import Crypto
import FoundationEssentials
import OTPCore

/// Seed encryption to a token's P-256 key (§7): ECDH with an ephemeral key, HKDF-SHA256, AES-256-GCM.
///
/// Wrapped seed = ephemeral public key (65 bytes, X9.63 uncompressed) ‖ ciphertext ‖ tag (16).
/// The slot's parameters are authenticated data, so a sniffer can neither read the seed nor move
/// it to another slot or algorithm.
public enum SeedWrap {
    static let hkdfInfo = Array("TokenForge seed wrap v1".utf8)
    static let aadPrefix = Array("TokenForge seed v1".utf8)
    static let boundAADPrefix = Array("TokenForge seed v1.1".utf8)

    /// What the additional data binds the seed to.
    public enum Binding: Sendable {
        /// Protocol 1.0 (§7.2, WRAPPED_SECRET): slot, kind, algorithm and digits.
        case slotKindAlgorithmDigits
        /// Protocol 1.1 (§7.7, BOUND_WRAPPED_SECRET): also period or counter, issuer and account.
        case allParameters
    }
    static let publicKeySize = 65
    static let tagSize = 16

    /// Encrypts `secret` to `tokenKey` for a slot configured as `configuration`.
    public static func wrap(
        _ secret: Secret, to tokenKey: P256.KeyAgreement.PublicKey, slot: SlotIndex,
        configuration: SlotConfiguration, binding: Binding = .slotKindAlgorithmDigits,
        ephemeralKey: P256.KeyAgreement.PrivateKey = .init()
    ) throws -> [UInt8] {
        let key = try derivedKey(
            ephemeralPublic: ephemeralKey.publicKey, tokenPublic: tokenKey,
            shared: try ephemeralKey.sharedSecretFromKeyAgreement(with: tokenKey))
        let sealed = try secret.withUnsafeBytes { plaintext in
            try AES.GCM.seal(
                Array(plaintext), using: key, nonce: AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12)),
                authenticating: authenticatedData(slot: slot, configuration: configuration, binding: binding))
        }
        return Array(ephemeralKey.publicKey.x963Representation) + Array(sealed.ciphertext) + Array(sealed.tag)
    }

    /// Decrypts a wrapped seed with the token's private key; nil when it does not authenticate.
    public static func unwrap(
        _ wrapped: [UInt8], with tokenKey: P256.KeyAgreement.PrivateKey, slot: SlotIndex,
        configuration: SlotConfiguration, binding: Binding = .slotKindAlgorithmDigits
    ) -> Secret? {
        guard wrapped.count > publicKeySize + tagSize,
            let ephemeral = try? P256.KeyAgreement.PublicKey(x963Representation: wrapped.prefix(publicKeySize)),
            let shared = try? tokenKey.sharedSecretFromKeyAgreement(with: ephemeral),
            let key = try? derivedKey(ephemeralPublic: ephemeral, tokenPublic: tokenKey.publicKey, shared: shared),
            let box = try? AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12)),
                ciphertext: wrapped[publicKeySize..<(wrapped.count - tagSize)], tag: wrapped.suffix(tagSize)),
            let plaintext = try? AES.GCM.open(
                box, using: key,
                authenticating: authenticatedData(slot: slot, configuration: configuration, binding: binding)),
            SlotConfiguration.secretSizes.contains(plaintext.count)
        else { return nil }
        return Secret(bytes: plaintext)
    }

    private static func derivedKey(
        ephemeralPublic: P256.KeyAgreement.PublicKey, tokenPublic: P256.KeyAgreement.PublicKey, shared: SharedSecret
    ) throws -> SymmetricKey {
        let salt = Array(ephemeralPublic.x963Representation) + Array(tokenPublic.x963Representation)
        return shared.hkdfDerivedSymmetricKey(using: SHA256.self, salt: salt, sharedInfo: hkdfInfo, outputByteCount: 32)
    }

    static func authenticatedData(slot: SlotIndex, configuration: SlotConfiguration, binding: Binding) -> [UInt8] {
        let basic = [slot.rawValue, configuration.kind.code, configuration.algorithm.code, UInt8(configuration.digits)]
        switch binding {
        case .slotKindAlgorithmDigits:
            return aadPrefix + basic
        case .allParameters:
            let moving: [UInt8] =
                switch configuration.kind {
                case .totp(let period): withUnsafeBytes(of: period.bigEndian, Array.init)
                case .hotp(let counter): withUnsafeBytes(of: counter.bigEndian, Array.init)
                }
            let issuer = Array(configuration.issuer.utf8)
            let account = Array(configuration.account.utf8)
            return boundAADPrefix + basic + moving + [UInt8(clamping: issuer.count)] + issuer
                + [UInt8(clamping: account.count)] + account
        }
    }
}

/// The ATTEST response (§8): the token's key-agreement public key and serial, signed by the
/// manufacturer's P-256 key over `"TokenForge attestation v1" ‖ len(serial) ‖ serial ‖ public key`.
public struct Attestation: Equatable, Sendable {
    public var serial: String
    public var publicKey: [UInt8]
    public var signature: [UInt8]

    public init(serial: String, publicKey: [UInt8], signature: [UInt8]) {
        self.serial = serial
        self.publicKey = publicKey
        self.signature = signature
    }

    public static func signedMessage(serial: String, publicKey: [UInt8]) -> [UInt8] {
        Array("TokenForge attestation v1".utf8) + [UInt8(serial.utf8.count)] + Array(serial.utf8) + publicKey
    }

    /// The token key, if the signature verifies under `manufacturerKey`.
    public func verifiedKey(manufacturerKey: P256.Signing.PublicKey) -> P256.KeyAgreement.PublicKey? {
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            manufacturerKey.isValidSignature(
                signature, for: SHA256.hash(data: Self.signedMessage(serial: serial, publicKey: publicKey)))
        else { return nil }
        return try? P256.KeyAgreement.PublicKey(x963Representation: publicKey)
    }

    public var fields: [TLV] {
        [TLV(.serial, string: serial), TLV(.publicKey, publicKey), TLV(.attestationSignature, signature)]
    }

    public init(fields list: [TLV]) throws(MessageError) {
        let fields = Fields(list)
        guard let serial = try fields.string(.serial, maximumBytes: 32) else { throw .missingField(.serial) }
        self.serial = serial
        publicKey = try fields.required(.publicKey)
        signature = try fields.required(.attestationSignature)
        guard publicKey.count == 65 else { throw .invalidField(.publicKey) }
        guard signature.count == 64 else { throw .invalidField(.attestationSignature) }
    }
}

/// Manufacturer keys a host trusts (§8.2).
public enum ManufacturerKeys {
    /// The published test manufacturer key, whose private key is SHA-256("TokenForge test
    /// manufacturer key v1"). Anyone can sign with it, so it proves only conformance, never
    /// genuineness; hosts accept it only when told to (virtual and development tokens).
    public static let test = try! P256.Signing.PublicKey(
        x963Representation: Hex.decode(
            "040a7b690c05cbcadb29463169c5515ff29f4e5b73724ea02cbe8216f0f3ca2a60"
                + "07d59601f601764e90ff0299fa4c076d49e5355c0645f2e45bc24a768ddfc1fc"))
}
