/// The HMAC hash function an OTP credential uses (RFC 4226 §5.3, RFC 6238 §1.2).
public enum OTPAlgorithm: String, Sendable, CaseIterable, Hashable, Codable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"

    /// Parses the names used by otpauth URIs and most tools: `SHA1`, `sha-256`, `SHA512`.
    public init(name: String) throws(OTPParameterError) {
        let normalised = String(name.uppercased().filter { $0 != "-" })
        guard let algorithm = OTPAlgorithm(rawValue: normalised) else {
            throw .unsupportedAlgorithm(name)
        }
        self = algorithm
    }

    /// The hash output size, which is also the default secret length (RFC 4226 §4 R6).
    public var outputByteCount: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }
}
