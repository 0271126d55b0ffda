import Crypto
import FoundationEssentials
import _CryptoExtras

/// Namespaces and algorithm identifiers of RFC 6030 and the W3C specifications it builds on.
enum PSKCURI {
    static let pskc = "urn:ietf:params:xml:ns:keyprov:pskc"
    static let xmldsig = "http://www.w3.org/2000/09/xmldsig#"
    static let xenc = "http://www.w3.org/2001/04/xmlenc#"
    static let xenc11 = "http://www.w3.org/2009/xmlenc11#"
    static let pkcs5 = "http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#"

    /// RFC 6030 §10.1 for HOTP; TOTP is not in the RFC, this is what Feitian, privacyIDEA and LinOTP use.
    static let hotp = "urn:ietf:params:xml:ns:keyprov:pskc:hotp"
    static let totp = "urn:ietf:params:xml:ns:keyprov:pskc:totp"

    static let pbkdf2 = pkcs5 + "pbkdf2"
    static let aes128CBC = xenc + "aes128-cbc"
    static let hmacSHA1 = xmldsig + "hmac-sha1"
}

/// The primitives of RFC 6030 §6.1–6.2, all from swift-crypto.
enum PSKCCrypto {
    static let keyByteCount = 16
    static let ivByteCount = 16
    static let macKeyByteCount = 20
    static let saltByteCount = 16

    /// The PBKDF2 hash functions a PRF element can name, by algorithm URI.
    enum PRF {
        case sha1, sha256, sha512

        var hashFunction: KDF.Insecure.PBKDF2.HashFunction {
            switch self {
            case .sha1: .insecureSHA1
            case .sha256: .sha256
            case .sha512: .sha512
            }
        }
    }

    /// The HMAC functions a MACMethod can name.
    enum MAC {
        case sha1, sha256, sha512

        init?(uri: String) {
            switch uri {
            case PSKCURI.hmacSHA1: self = .sha1
            case "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256": self = .sha256
            case "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512": self = .sha512
            default: return nil
            }
        }
    }

    /// PBKDF2 (RFC 8018 §5.2) over the UTF-8 password.
    static func deriveKey(password: String, salt: [UInt8], iterationCount: Int, keyLength: Int, prf: PRF) throws
        -> SymmetricKey
    {
        try KDF.Insecure.PBKDF2.deriveKey(
            from: Array(password.utf8), salt: salt, using: prf.hashFunction, outputByteCount: keyLength,
            unsafeUncheckedRounds: iterationCount)
    }

    /// AES-CBC with PKCS#7 padding; returns IV ‖ ciphertext, the CipherValue layout of XML Encryption §5.2.1.
    static func encrypt<Plaintext: DataProtocol>(_ plaintext: Plaintext, key: SymmetricKey, iv: [UInt8]) throws
        -> [UInt8]
    {
        iv + Array(try AES._CBC.encrypt(plaintext, using: key, iv: AES._CBC.IV(ivBytes: iv)))
    }

    /// Splits IV ‖ ciphertext and decrypts; throws on a short value or bad padding.
    static func decrypt(_ cipherValue: [UInt8], key: SymmetricKey) throws -> [UInt8] {
        guard cipherValue.count >= ivByteCount + 16 else { throw CryptoKitError.incorrectParameterSize }
        let iv = try AES._CBC.IV(ivBytes: cipherValue.prefix(ivByteCount))
        return Array(try AES._CBC.decrypt(cipherValue.dropFirst(ivByteCount), using: key, iv: iv))
    }

    /// ValueMAC: the HMAC of the whole CipherValue (IV ‖ ciphertext), RFC 6030 §6.1.1.
    static func mac(_ cipherValue: [UInt8], key: SymmetricKey, function: MAC = .sha1) -> [UInt8] {
        switch function {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: cipherValue, using: key))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: cipherValue, using: key))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: cipherValue, using: key))
        }
    }

    /// Compares in constant time.
    static func isValidMAC(_ code: [UInt8], for cipherValue: [UInt8], key: SymmetricKey, function: MAC) -> Bool {
        switch function {
        case .sha1: HMAC<Insecure.SHA1>.isValidAuthenticationCode(code, authenticating: cipherValue, using: key)
        case .sha256: HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: cipherValue, using: key)
        case .sha512: HMAC<SHA512>.isValidAuthenticationCode(code, authenticating: cipherValue, using: key)
        }
    }

    static func randomBytes<Generator: RandomNumberGenerator>(_ count: Int, using generator: inout Generator)
        -> [UInt8]
    {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}

extension Array where Element == UInt8 {
    var base64: String { Data(self).base64EncodedString() }
}
