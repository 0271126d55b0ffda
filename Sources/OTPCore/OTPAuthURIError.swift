/// The part of an otpauth URI that is wrong. Errors never carry the secret.
public enum OTPAuthURIError: Error, Equatable, Sendable, CustomStringConvertible {
    case notOTPAuth
    case unknownType(String)
    case missingLabel
    case missingAccount
    case colonInLabel
    case colonInIssuer
    case invalidPercentEncoding(part: String)
    case issuerMismatch(label: String, parameter: String)
    case missingSecret
    case invalidSecret(Base32Error)
    case invalidAlgorithm(String)
    case invalidDigits(String)
    case invalidPeriod(String)
    case missingCounter
    case invalidCounter(String)
    case duplicateParameter(String)
    case malformedParameter(index: Int)

    public var description: String {
        switch self {
        case .notOTPAuth:
            "not an otpauth URI: it must start with otpauth://"
        case .unknownType(let type):
            "unknown OTP type \"\(Self.clipped(type))\" in the URI: use totp or hotp"
        case .missingLabel:
            "the URI has no label: write otpauth://TYPE/ISSUER:ACCOUNT?..."
        case .missingAccount:
            "the URI label has no account name"
        case .colonInLabel:
            "the URI label has more than one ':': neither issuer nor account may contain a colon"
        case .colonInIssuer:
            "the issuer may not contain a colon"
        case .invalidPercentEncoding(let part):
            "the URI's \(part) has a malformed %-escape or is not UTF-8"
        case .issuerMismatch(let label, let parameter):
            "the label's issuer \"\(Self.clipped(label))\" differs from issuer=\"\(Self.clipped(parameter))\""
        case .missingSecret:
            "the URI has no secret= parameter"
        case .invalidSecret(let error):
            "the URI's secret is not valid Base32: \(error)"
        case .invalidAlgorithm(let value):
            "unsupported algorithm=\"\(Self.clipped(value))\": use SHA1, SHA256 or SHA512"
        case .invalidDigits(let value):
            "unsupported digits=\"\(Self.clipped(value))\": use 6 to 10"
        case .invalidPeriod(let value):
            "invalid period=\"\(Self.clipped(value))\": use a positive number of seconds"
        case .missingCounter:
            "an hotp URI needs a counter= parameter"
        case .invalidCounter(let value):
            "invalid counter=\"\(Self.clipped(value))\": use a number from 0 to 2^64-1"
        case .duplicateParameter(let name):
            "the URI gives the parameter \(name) more than once"
        case .malformedParameter(let index):
            "URI parameter \(index + 1) has no '=': expected name=value"
        }
    }

    /// Keeps user-facing echoes of input short.
    private static func clipped(_ text: String) -> String {
        PrintableText.escaped(text.count <= 40 ? text : String(text.prefix(40)) + "…")
    }
}
