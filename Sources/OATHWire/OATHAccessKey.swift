import Crypto
public import OTPCore

/// The keys and proofs of YKOATH's password: an access key from the password (PBKDF2-HMAC-SHA1,
/// 1000 rounds, 16 bytes, the card's salt), and the HMAC answers of the mutual challenge-response.
public enum OATHAccessKey {
    public static let rounds = 1000
    public static let byteCount = 16

    /// The access key for `password` on the card with `salt` (yubikit oath `derive_key`).
    public static func derive(password: [UInt8], salt: [UInt8]) -> [UInt8] {
        pbkdf2SHA1(password: password, salt: salt, rounds: rounds, byteCount: byteCount)
    }

    /// PBKDF2 with HMAC-SHA1 (RFC 8018 §5.2).
    public static func pbkdf2SHA1(password: [UInt8], salt: [UInt8], rounds: Int, byteCount: Int) -> [UInt8] {
        let key = SymmetricKey(data: password)
        var output: [UInt8] = []
        var block: UInt32 = 1
        while output.count < byteCount {
            var u = Array(HMAC<Insecure.SHA1>.authenticationCode(for: salt + withUnsafeBytes(of: block.bigEndian, Array.init), using: key))
            var t = u
            for _ in 1..<max(rounds, 1) {
                u = Array(HMAC<Insecure.SHA1>.authenticationCode(for: u, using: key))
                for index in t.indices { t[index] ^= u[index] }
            }
            output += t
            block += 1
        }
        return Array(output.prefix(byteCount))
    }

    /// HMAC of `message` under `key` with `algorithm`: a challenge's answer, or a credential's code input.
    public static func hmac(_ algorithm: OTPAlgorithm, key: [UInt8], message: [UInt8]) -> [UInt8] {
        let symmetric = SymmetricKey(data: key)
        return switch algorithm {
        case .sha1: Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: symmetric))
        case .sha256: Array(HMAC<SHA256>.authenticationCode(for: message, using: symmetric))
        case .sha512: Array(HMAC<SHA512>.authenticationCode(for: message, using: symmetric))
        }
    }

    /// Whether two answers are equal, in time that depends only on their lengths.
    public static func answersMatch(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }

    /// The key PUT sends for `secret`: hashed when longer than the hash's block (RFC 2104 §2),
    /// then zero-padded to 14 bytes, which leaves every HMAC unchanged.
    public static func putKey(for secret: Secret, algorithm: OTPAlgorithm) -> [UInt8] {
        var key = secret.withUnsafeBytes { Array($0) }
        let blockSize = algorithm == .sha512 ? 128 : 64
        if key.count > blockSize {
            key = switch algorithm {
            case .sha1: Array(Insecure.SHA1.hash(data: key))
            case .sha256: Array(SHA256.hash(data: key))
            case .sha512: Array(SHA512.hash(data: key))
            }
        }
        if key.count < oathMinimumKeyBytes { key += [UInt8](repeating: 0, count: oathMinimumKeyBytes - key.count) }
        return key
    }

    /// The device ID ykman shows for the application: the first 16 bytes of SHA-256(salt), Base64 without padding.
    public static func deviceID(salt: [UInt8]) -> String {
        let digest = Array(SHA256.hash(data: salt).prefix(16))
        return String(base64(digest).filter { $0 != "=" })
    }

    static func base64(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var text = ""
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = Array(bytes[start..<min(start + 3, bytes.count)])
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for index in 0..<4 {
                text.append(index <= chunk.count ? alphabet[Int(value >> (18 - 6 * UInt32(index)) & 0x3F)] : "=")
            }
        }
        return text
    }
}
