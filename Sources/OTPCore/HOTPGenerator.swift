import Crypto

/// Computes HOTP values (RFC 4226 §5.3) for one secret, algorithm and length.
///
/// The HMAC key schedule (inner and outer padded keys) is computed once, at initialisation, so
/// each code costs only the hashing of the counter.
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
        self.keyedMAC = KeyedMAC(algorithm: algorithm, key: secret.key)
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

    /// The 31-bit dynamic truncation of HMAC(secret, counter) (RFC 4226 §5.3 steps 1–2).
    func truncatedValue(counter: UInt64) -> UInt32 {
        var message = counter.bigEndian
        return withUnsafeBytes(of: &message) { keyedMAC.truncatedMAC(of: $0) }
    }
}

/// An HMAC with its key already absorbed; copying it reuses the precomputed pads.
private enum KeyedMAC: Sendable {
    case sha1(HMAC<Insecure.SHA1>)
    case sha256(HMAC<SHA256>)
    case sha512(HMAC<SHA512>)

    init(algorithm: OTPAlgorithm, key: SymmetricKey) {
        switch algorithm {
        case .sha1: self = .sha1(HMAC(key: key))
        case .sha256: self = .sha256(HMAC(key: key))
        case .sha512: self = .sha512(HMAC(key: key))
        }
    }

    func truncatedMAC(of message: UnsafeRawBufferPointer) -> UInt32 {
        switch self {
        case .sha1(let keyed): Self.truncate(keyed, message)
        case .sha256(let keyed): Self.truncate(keyed, message)
        case .sha512(let keyed): Self.truncate(keyed, message)
        }
    }

    private static func truncate<H: HashFunction>(_ keyed: HMAC<H>, _ message: UnsafeRawBufferPointer) -> UInt32 {
        var mac = keyed
        mac.update(data: message)
        return mac.finalize().withUnsafeBytes { digest in
            let offset = Int(digest[digest.count - 1] & 0x0F)
            return (UInt32(digest[offset]) & 0x7F) << 24
                | UInt32(digest[offset + 1]) << 16
                | UInt32(digest[offset + 2]) << 8
                | UInt32(digest[offset + 3])
        }
    }
}

extension HOTPGenerator {
    /// The first counter in `counter...counter + lookAhead` whose code is `code` (RFC 4226 §7.4
    /// resynchronisation); every counter in the range is compared in constant time.
    public func match(_ code: String, from counter: UInt64, lookAhead: Int) -> UInt64? {
        precondition(lookAhead >= 0, "the look-ahead is a number of counters")
        let candidate = Array(code.utf8)
        var matched: UInt64?
        for offset in 0...UInt64(lookAhead) {
            let (next, overflow) = counter.addingReportingOverflow(offset)
            guard !overflow else { break }
            if constantTimeEqual(Array(self.code(counter: next).utf8), candidate), matched == nil {
                matched = next
            }
        }
        return matched
    }
}
