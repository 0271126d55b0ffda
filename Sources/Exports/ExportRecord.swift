import OTPCore

/// One issued credential as an authentication server imports it: whose it is, which token
/// carries it, and how its codes are computed.
///
/// The initialiser checks what every export format needs; each format then checks its own limits.
/// `description` names the record and redacts the secret.
public struct ExportRecord: Sendable, CustomStringConvertible {
    /// TOTP with its period in seconds, or HOTP with its next counter.
    public typealias Kind = OTPAuthURI.Kind

    /// The login the server knows the user by (a UPN for Entra ID).
    public let username: String
    /// The token's serial number, or an identifier for an authenticator-app credential.
    public let serial: String
    public let secret: Secret
    public let algorithm: OTPAlgorithm
    public let digits: Int
    public let kind: Kind
    /// The service name authenticator apps show.
    public let issuer: String
    /// The account label authenticator apps show next to the issuer.
    public let account: String
    public let manufacturer: String?
    public let model: String?
    /// The token's clock drift in time steps, when a verification measured it.
    public let timeDrift: Int?
    /// The user principal name (user@domain) Microsoft Entra ID matches rows by; nil: `username`.
    public let principalName: String?

    /// Checks that the text fields are non-empty and free of control characters, that `username`
    /// and `serial` have no surrounding white space, 6–10 digits, a positive period, a secret.
    public init(
        username: String, serial: String, secret: Secret, algorithm: OTPAlgorithm = .sha1, digits: Int = 6,
        kind: Kind = .totp(period: 30), issuer: String, account: String, manufacturer: String? = nil,
        model: String? = nil, timeDrift: Int? = nil, principalName: String? = nil
    ) throws(ExportError) {
        guard !username.isEmpty else { throw .emptyUsername(serial: serial) }
        let required: [(ExportField, String)] = [
            (.username, username), (.serial, serial), (.issuer, issuer), (.account, account),
        ]
        let optional: [(ExportField, String?)] = [
            (.manufacturer, manufacturer), (.model, model), (.principalName, principalName),
        ]
        for (field, value) in required + optional.compactMap({ field, value in value.map { (field, $0) } }) {
            try Self.check(value, field: field, username: username)
            if value.allSatisfy(\.isWhitespace) { throw .emptyField(username: username, field: field) }
        }
        for (field, value) in [(ExportField.username, username), (.serial, serial)]
        where value.first?.isWhitespace == true || value.last?.isWhitespace == true {
            throw .surroundingWhitespace(username: username, field: field)
        }
        guard HOTPGenerator.supportedDigits.contains(digits) else {
            throw .unsupportedDigits(username: username, digits: digits)
        }
        if case .totp(let period) = kind, !(1...Int(Int32.max)).contains(period) {
            throw .invalidPeriod(username: username, period: period)
        }
        guard secret.byteCount > 0 else { throw .emptySecret(username: username) }
        self.username = username
        self.serial = serial
        self.secret = secret
        self.algorithm = algorithm
        self.digits = digits
        self.kind = kind
        self.issuer = issuer
        self.account = account
        self.manufacturer = manufacturer
        self.model = model
        self.timeDrift = timeDrift
        self.principalName = principalName
    }

    public var description: String {
        let kindText =
            switch kind {
            case .totp(let period): "TOTP \(period)s"
            case .hotp(let counter): "HOTP counter \(counter)"
            }
        return
            "ExportRecord(\(username), serial \(serial), \(kindText), \(algorithm.rawValue), \(digits) digits, \(secret))"
    }

    /// Rejects what XML 1.0 cannot carry (C0 controls, U+FFFE, U+FFFF) and the rest of the control
    /// characters (DEL, C1, tab, line breaks), which no export field should contain.
    static func check(_ value: String, field: ExportField, username: String) throws(ExportError) {
        let invalid = value.unicodeScalars.contains { scalar in
            scalar.properties.generalCategory == .control || scalar.value == 0xFFFE || scalar.value == 0xFFFF
        }
        if invalid { throw .invalidCharacter(username: username, field: field) }
    }
}

extension Sequence<ExportRecord> {
    /// Throws for the second record that repeats a serial.
    func checkUniqueSerials() throws(ExportError) {
        var seen = Set<String>()
        for record in self where !seen.insert(record.serial).inserted {
            throw .duplicateSerial(username: record.username, serial: record.serial)
        }
    }
}
