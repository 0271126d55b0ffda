import OTPCore

/// What an authenticator app honours in an otpauth URI (formats.md, "What the apps honour"), so
/// that a QR code never enrols an account the app would show wrong codes for.
///
/// `any` is the profile every app gets right: TOTP, SHA1, 6 digits, 30 seconds.
public enum AppProfile: String, Sendable, CaseIterable, Codable {
    case any
    /// Google Authenticator on iOS.
    case google
    case googleAndroid = "google-android"
    case microsoft
    /// AccessSecurium, not publicly documented: treated like Microsoft Authenticator.
    case accessSecurium = "accesssecurium"
    case aegis
    case freeOTP = "freeotp"

    /// The app's name as staff know it.
    public var appName: String {
        switch self {
        case .any: "every authenticator app"
        case .google: "Google Authenticator (iOS)"
        case .googleAndroid: "Google Authenticator on Android"
        case .microsoft: "Microsoft Authenticator"
        case .accessSecurium: "AccessSecurium"
        case .aegis: "Aegis"
        case .freeOTP: "FreeOTP"
        }
    }

    /// The hash functions the app computes codes with.
    public var algorithms: Set<OTPAlgorithm> {
        switch self {
        case .any, .googleAndroid, .microsoft, .accessSecurium: [.sha1]
        case .google, .aegis, .freeOTP: Set(OTPAlgorithm.allCases)
        }
    }

    /// The code lengths the app shows correctly.
    public var digits: Set<Int> {
        switch self {
        case .any, .microsoft, .accessSecurium: [6]
        case .google, .googleAndroid: [6, 8]
        case .freeOTP: Set(6...9)
        case .aegis: Set(6...10)
        }
    }

    /// Whether the app honours a TOTP period other than 30 seconds.
    public var honoursPeriod: Bool {
        switch self {
        case .any, .googleAndroid, .microsoft, .accessSecurium: false
        case .google, .aegis, .freeOTP: true
        }
    }

    /// Whether the app adds counter-based (HOTP) accounts.
    public var supportsHOTP: Bool {
        switch self {
        case .any, .microsoft, .accessSecurium: false
        case .google, .googleAndroid, .aegis, .freeOTP: true
        }
    }

    /// What in `uri` the app would refuse or silently get wrong; empty when it is safe.
    ///
    /// Every profile also asks for a Base32 secret whose length is a multiple of 8 characters
    /// (a multiple of 5 bytes), which some Google Authenticator versions required.
    public func issues(with uri: OTPAuthURI) -> [AppCompatibilityIssue] {
        var issues: [AppCompatibilityIssue] = []
        switch uri.kind {
        case .totp(let period):
            if period != 30, !honoursPeriod { issues.append(.period(period)) }
        case .hotp:
            if !supportsHOTP { issues.append(.counterBased) }
        }
        if !algorithms.contains(uri.algorithm) { issues.append(.algorithm(uri.algorithm)) }
        if !digits.contains(uri.digits) { issues.append(.digits(uri.digits)) }
        let base32Length = (uri.secret.byteCount * 8 + 4) / 5
        if base32Length % 8 != 0 { issues.append(.secretLength(base32Characters: base32Length)) }
        return issues
    }

    /// Throws when the app would mishandle `uri`, naming the app and every parameter at fault.
    public func check(_ uri: OTPAuthURI) throws(AppCompatibilityError) {
        let issues = issues(with: uri)
        guard issues.isEmpty else { throw .incompatible(app: self, issues: issues) }
    }

    /// The length of a new secret for `algorithm`: at least the hash output (RFC 4226 §4 R6),
    /// rounded up to whole 8-character Base32 groups (20, 35 or 65 bytes).
    public static func secretByteCount(for algorithm: OTPAlgorithm) -> Int {
        (algorithm.outputByteCount + 4) / 5 * 5
    }
}

/// One parameter of an otpauth URI that an app mishandles.
public enum AppCompatibilityIssue: Sendable, Equatable, CustomStringConvertible {
    case algorithm(OTPAlgorithm)
    case digits(Int)
    case period(Int)
    case counterBased
    case secretLength(base32Characters: Int)

    public var description: String {
        switch self {
        case .algorithm(let algorithm): "algorithm=\(algorithm.rawValue)"
        case .digits(let digits): "digits=\(digits)"
        case .period(let period): "period=\(period)"
        case .counterBased: "type hotp (counter-based)"
        case .secretLength(let count): "a secret of \(count) Base32 characters"
        }
    }

    /// What the app does with the parameter, and what to use instead.
    func consequence(in app: AppProfile) -> String {
        switch (self, app) {
        case (.algorithm, .any):
            "Microsoft Authenticator and Google Authenticator on Android show SHA1 codes instead: use SHA1"
        case (.algorithm, .googleAndroid):
            "\(app.appName) gives wrong codes for it in some versions: use SHA1"
        case (.algorithm, _):
            "\(app.appName) shows SHA1 codes instead: use SHA1"
        case (.digits, .any):
            "Microsoft Authenticator shows 6 digits only: use 6"
        case (.digits, _) where app.digits.count == 1:
            "\(app.appName) shows \(app.digits.first!) digits only: use \(app.digits.first!)"
        case (.digits, _) where app.digits.count == app.digits.max()! - app.digits.min()! + 1:
            "\(app.appName) shows \(app.digits.min()!) to \(app.digits.max()!) digits"
        case (.digits, _):
            "\(app.appName) shows " + app.digits.sorted().map(String.init).joined(separator: " or ") + " digits"
        case (.period, .any):
            "Microsoft Authenticator and Google Authenticator on Android change codes every 30 seconds "
                + "whatever the period: use 30"
        case (.period, _):
            "\(app.appName) changes codes every 30 seconds whatever the period: use 30"
        case (.counterBased, .any):
            "Microsoft Authenticator adds time-based (TOTP) accounts only: use totp"
        case (.counterBased, _):
            "\(app.appName) adds time-based (TOTP) accounts only: use totp"
        case (.secretLength, _):
            "some Google Authenticator versions refuse it: use a multiple of 5 bytes (8 characters), "
                + "e.g. 20 bytes for SHA1"
        }
    }
}

/// An account the chosen authenticator app would mishandle.
public enum AppCompatibilityError: Error, Equatable, Sendable, CustomStringConvertible {
    case incompatible(app: AppProfile, issues: [AppCompatibilityIssue])

    public var description: String {
        switch self {
        case .incompatible(let app, let issues):
            let details = issues.map { "\($0): \($0.consequence(in: app))" }.joined(separator: "; ")
            return "not safe for \(app.appName) (--app \(app.rawValue)): \(details)"
        }
    }
}
