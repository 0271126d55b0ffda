/// A parameter of an OTP credential that HOTP/TOTP cannot use.
public enum OTPParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedAlgorithm(String)
    case unsupportedDigits(Int)
    case nonPositivePeriod(Int)
    case timeBeforeEpoch(time: Int64, t0: Int64)
    case emptySecret

    public var description: String {
        switch self {
        case .unsupportedAlgorithm(let name):
            "unsupported algorithm \"\(name)\": use SHA1, SHA256 or SHA512"
        case .unsupportedDigits(let digits):
            "unsupported number of digits \(digits): use 6 to 10"
        case .nonPositivePeriod(let period):
            "period must be a positive number of seconds, not \(period)"
        case .timeBeforeEpoch(let time, let t0):
            "time \(time) is before the TOTP epoch T0 = \(t0)"
        case .emptySecret:
            "the secret is empty"
        }
    }
}
