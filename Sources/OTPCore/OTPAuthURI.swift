/// An otpauth:// Key URI: what an authenticator app scans to enrol an account.
///
/// `OTPAuthURI(parsing: uri.uriString) == uri` for every valid value. The `description` redacts
/// the secret; `uriString` reveals it.
public struct OTPAuthURI: Sendable, Equatable, CustomStringConvertible {
    /// TOTP with its period, or HOTP with its next counter.
    public enum Kind: Sendable, Hashable {
        case totp(period: Int)
        case hotp(counter: UInt64)
    }

    public let kind: Kind
    public let account: String
    public let issuer: String?
    public let secret: Secret
    public let algorithm: OTPAlgorithm
    public let digits: Int

    /// Checks the parts a URI can carry: no colon in issuer or account, a non-empty account,
    /// 6–10 digits, a positive period.
    public init(
        kind: Kind = .totp(period: 30), account: String, issuer: String?, secret: Secret,
        algorithm: OTPAlgorithm = .sha1, digits: Int = 6
    ) throws(OTPAuthURIError) {
        let issuer = issuer?.isEmpty == true ? nil : issuer
        // "Issuer: account" is read as "Issuer:account" (Key URI format), so such spaces are dropped.
        let account = issuer == nil ? account : String(account.drop(while: { $0 == " " }))
        guard !account.isEmpty else { throw .missingAccount }
        guard !account.contains(":") else { throw .colonInLabel }
        if let issuer, issuer.contains(":") { throw .colonInIssuer }
        guard HOTPGenerator.supportedDigits.contains(digits) else { throw .invalidDigits(String(digits)) }
        if case .totp(let period) = kind, period <= 0 { throw .invalidPeriod(String(period)) }
        guard secret.byteCount > 0 else { throw .missingSecret }
        self.kind = kind
        self.account = account
        self.issuer = issuer
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
    }

    /// Parses `otpauth://TYPE/[ISSUER:]ACCOUNT?secret=…&issuer=…&algorithm=…&digits=…&period=…|counter=…`.
    ///
    /// Lenient where apps are (type and scheme case, Base32 case and padding, spaces after the
    /// label's colon, unknown parameters); strict where a wrong reading would give wrong codes.
    public init(parsing text: String) throws(OTPAuthURIError) {
        let scheme = "otpauth://"
        guard text.count > scheme.count, text.prefix(scheme.count).lowercased() == scheme else {
            throw .notOTPAuth
        }
        let rest = text.dropFirst(scheme.count)
        guard let slash = rest.firstIndex(of: "/") else { throw .missingLabel }
        let typeName = rest[..<slash].lowercased()
        let afterType = rest[rest.index(after: slash)...]
        let query = afterType.firstIndex(of: "?")
        let rawLabel = afterType[..<(query ?? afterType.endIndex)]
        let rawQuery = query.map { afterType[afterType.index(after: $0)...] } ?? ""

        guard !rawLabel.isEmpty else { throw .missingLabel }
        guard let label = PercentEncoding.decode(rawLabel) else { throw .invalidPercentEncoding(part: "label") }
        let labelParts = label.split(separator: ":", omittingEmptySubsequences: false)
        guard labelParts.count <= 2 else { throw .colonInLabel }
        let labelIssuer = labelParts.count == 2 ? String(labelParts[0]) : nil
        let account = String(labelParts[labelParts.count - 1])

        let parameters = try Self.parameters(rawQuery)
        guard let secretText = parameters["secret"], !secretText.isEmpty else { throw .missingSecret }
        let secret: Secret
        do { secret = try Secret(base32: secretText) } catch { throw .invalidSecret(error) }

        var issuer = labelIssuer
        if let parameterIssuer = parameters["issuer"], !parameterIssuer.isEmpty {
            if let labelIssuer, !labelIssuer.isEmpty, labelIssuer != parameterIssuer {
                throw .issuerMismatch(label: labelIssuer, parameter: parameterIssuer)
            }
            issuer = parameterIssuer
        }

        var algorithm = OTPAlgorithm.sha1
        if let name = parameters["algorithm"] {
            do { algorithm = try OTPAlgorithm(name: name) } catch { throw .invalidAlgorithm(name) }
        }
        var digits = 6
        if let value = parameters["digits"] {
            guard let parsed = Int(value), HOTPGenerator.supportedDigits.contains(parsed) else {
                throw .invalidDigits(value)
            }
            digits = parsed
        }

        let kind: Kind
        switch typeName {
        case "totp":
            var period = 30
            if let value = parameters["period"] {
                guard let parsed = Int(value), parsed > 0 else { throw .invalidPeriod(value) }
                period = parsed
            }
            kind = .totp(period: period)
        case "hotp":
            guard let value = parameters["counter"] else { throw .missingCounter }
            guard let counter = UInt64(value) else { throw .invalidCounter(value) }
            kind = .hotp(counter: counter)
        default:
            throw .unknownType(typeName)
        }
        try self.init(
            kind: kind, account: account, issuer: issuer, secret: secret, algorithm: algorithm, digits: digits)
    }

    /// The URI text, secret included: hand it only to what enrols the account.
    public var uriString: String {
        var text = "otpauth://"
        switch kind {
        case .totp: text += "totp/"
        case .hotp: text += "hotp/"
        }
        if let issuer { text += PercentEncoding.encode(issuer) + ":" }
        text += PercentEncoding.encode(account)
        text += "?secret=" + secret.base32EncodedString()
        text += parameterSuffix
        return text
    }

    /// The URI with the secret replaced by `REDACTED`, for logs and messages.
    public var description: String {
        var text = "otpauth://\(kind.typeName)/"
        if let issuer { text += PercentEncoding.encode(issuer) + ":" }
        return text + PercentEncoding.encode(account) + "?secret=REDACTED" + parameterSuffix
    }

    /// The label as apps show it: `Issuer:account`, or the account alone.
    public var label: String {
        issuer.map { "\($0):\(account)" } ?? account
    }

    private var parameterSuffix: String {
        var text = ""
        if let issuer { text += "&issuer=" + PercentEncoding.encode(issuer) }
        text += "&algorithm=\(algorithm.rawValue)&digits=\(digits)"
        switch kind {
        case .totp(let period): text += "&period=\(period)"
        case .hotp(let counter): text += "&counter=\(counter)"
        }
        return text
    }

    /// A TOTP generator for this account, or nil for an HOTP URI.
    public var totpGenerator: TOTPGenerator? {
        guard case .totp(let period) = kind else { return nil }
        // The initialiser has already checked digits, period and secret length.
        return try! TOTPGenerator(secret: secret, algorithm: algorithm, digits: digits, period: period)
    }

    /// An HOTP generator for this account's secret (for TOTP too: the counter is then the step).
    public var hotpGenerator: HOTPGenerator {
        // The initialiser has already checked digits and secret length.
        try! HOTPGenerator(secret: secret, algorithm: algorithm, digits: digits)
    }

    private static func parameters(_ query: Substring) throws(OTPAuthURIError) -> [String: String] {
        var parameters: [String: String] = [:]
        for (index, pair) in query.split(separator: "&").enumerated() {
            guard let equals = pair.firstIndex(of: "=") else { throw .malformedParameter(index: index) }
            guard let name = PercentEncoding.decode(pair[..<equals])?.lowercased() else {
                throw .invalidPercentEncoding(part: "parameter name")
            }
            guard let value = PercentEncoding.decode(pair[pair.index(after: equals)...]) else {
                throw .invalidPercentEncoding(part: "\(name) parameter")
            }
            guard parameters[name] == nil else { throw .duplicateParameter(name) }
            parameters[name] = value
        }
        return parameters
    }
}

extension OTPAuthURI.Kind {
    /// `totp` or `hotp`, as in the URI.
    public var typeName: String {
        switch self {
        case .totp: "totp"
        case .hotp: "hotp"
        }
    }
}
