/// Computes HOTP values (RFC 4226 §5.3) for one secret, algorithm and length.
///
/// The HMAC key's padded blocks are hashed once, at initialisation, so each code costs only the
/// hashing of the counter and of the inner digest.
public struct HOTPGenerator: Sendable {
    /// Code lengths this generator produces (RFC 4226 §5.3 requires at least 6).
    public static let supportedDigits = 6...10

    public let algorithm: OTPAlgorithm
    public let digits: Int
    private let keyedMAC: KeyedMAC
    private let modulus: UInt64

    public init(secret: Secret, algorithm: OTPAlgorithm = .sha1, digits: Int = 6) throws(OTPParameterError) {
        guard Self.supportedDigits.contains(digits) else { throw .unsupportedDigits(digits) }
        guard secret.byteCount > 0 else { throw .emptySecret }
        self.algorithm = algorithm
        self.digits = digits
        self.keyedMAC = KeyedMAC(algorithm: algorithm, secret: secret)
        var modulus: UInt64 = 1
        for _ in 0..<digits { modulus *= 10 }
        self.modulus = modulus
    }

    /// The code for `counter`, zero-padded to `digits`.
    public func code(counter: UInt64) -> String {
        let value = UInt64(truncatedValue(counter: counter)) % modulus
        let decimal = String(value)
        return String(repeating: "0", count: digits - decimal.count) + decimal
    }

    /// The code for `counter` as a number, before zero padding.
    public func numericCode(counter: UInt64) -> UInt64 {
        UInt64(truncatedValue(counter: counter)) % modulus
    }

    /// The number a code of exactly `digits` ASCII digits stands for; nil for any other text.
    func numericValue(of code: String) -> UInt64? {
        guard code.utf8.count == digits else { return nil }
        var value: UInt64 = 0
        for byte in code.utf8 {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// The 31-bit dynamic truncation of HMAC(secret, counter) (RFC 4226 §5.3 steps 1–2).
    func truncatedValue(counter: UInt64) -> UInt32 {
        var message = counter.bigEndian
        return withUnsafeBytes(of: &message) { keyedMAC.truncatedMAC(of: $0) }
    }
}

/// HMAC keyed once for the generator's algorithm.
private enum KeyedMAC: Sendable {
    case sha1(PrecomputedHMAC<SHA1Midstate>)
    case sha256(PrecomputedHMAC<SHA256Midstate>)
    case sha512(PrecomputedHMAC<SHA512Midstate>)

    init(algorithm: OTPAlgorithm, secret: Secret) {
        self = secret.withUnsafeBytes { key in
            switch algorithm {
            case .sha1: .sha1(PrecomputedHMAC(key: key))
            case .sha256: .sha256(PrecomputedHMAC(key: key))
            case .sha512: .sha512(PrecomputedHMAC(key: key))
            }
        }
    }

    func truncatedMAC(of message: UnsafeRawBufferPointer) -> UInt32 {
        switch self {
        case .sha1(let mac): mac.authenticate(message, Self.truncate)
        case .sha256(let mac): mac.authenticate(message, Self.truncate)
        case .sha512(let mac): mac.authenticate(message, Self.truncate)
        }
    }

    /// RFC 4226 §5.3 dynamic truncation to 31 bits.
    private static func truncate(_ digest: UnsafeRawBufferPointer) -> UInt32 {
        let offset = Int(digest[digest.count - 1] & 0x0F)
        return (UInt32(digest[offset]) & 0x7F) << 24
            | UInt32(digest[offset + 1]) << 16
            | UInt32(digest[offset + 2]) << 8
            | UInt32(digest[offset + 3])
    }
}

extension HOTPGenerator {
    /// The longest look-ahead checked: a longer (or negative) one is clamped to 0...this.
    public static let maximumLookAhead = 1_000

    /// The first counter in `counter...counter + lookAhead` whose code is `code` (RFC 4226 §7.4
    /// resynchronisation), stopping at the last counter; every counter in the range is compared
    /// in constant time.
    public func match(_ code: String, from counter: UInt64, lookAhead: Int) -> UInt64? {
        guard let candidate = numericValue(of: code) else { return nil }
        var matched: UInt64?
        for offset in 0...UInt64(min(max(lookAhead, 0), Self.maximumLookAhead)) {
            let (next, overflow) = counter.addingReportingOverflow(offset)
            guard !overflow else { break }
            if constantTimeEqual(numericCode(counter: next), candidate), matched == nil {
                matched = next
            }
        }
        return matched
    }
}
