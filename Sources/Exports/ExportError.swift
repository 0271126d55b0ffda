import OTPCore

/// A text field of an export, named in errors.
public enum ExportField: String, Sendable, CaseIterable {
    case username
    case serial
    case issuer
    case account
    case manufacturer
    case model
    case resolver
    case realm
    case principalName = "principal name"
}

/// Why credentials cannot be exported. Cases name the record by its username and the field at
/// fault; none carries the secret or the export password.
public enum ExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Every record needs a username; the serial says which record lacks one.
    case emptyUsername(serial: String)
    case emptyField(username: String, field: ExportField)
    /// A control character (or U+FFFE/U+FFFF), which neither XML nor the CSV formats can carry.
    case invalidCharacter(username: String, field: ExportField)
    /// Leading or trailing white space, which importers strip, so the server would see another value.
    case surroundingWhitespace(username: String, field: ExportField)
    case unsupportedDigits(username: String, digits: Int)
    case invalidPeriod(username: String, period: Int)
    case emptySecret(username: String)
    /// Two records with one serial: importers key tokens by serial and keep only the last.
    case duplicateSerial(username: String, serial: String)

    /// A PSKC container needs at least one KeyPackage (RFC 6030 §11).
    case noRecords
    /// PSKC password protection with an empty password.
    case emptyPassword
    case iterationCountTooLow(Int, minimum: Int)
    /// PSKC Counter is an xs:long.
    case counterOutOfRange(username: String, counter: UInt64)
    /// PSKC TimeDrift is an xs:int.
    case timeDriftOutOfRange(username: String, steps: Int)

    case entraRequiresTOTP(username: String)
    case entraUnsupportedPeriod(username: String, period: Int)
    /// Entra ID checks SHA-1 or SHA-256 codes only.
    case entraUnsupportedAlgorithm(username: String, algorithm: OTPAlgorithm)
    case entraRequiresSixDigits(username: String, digits: Int)
    case entraSecretTooLong(username: String, characters: Int)
    /// Entra's token CSV has no hash column and its rows are read as SHA-1: a SHA-256 token goes
    /// in the Microsoft Graph file (`EntraGraphJSON`), which names the hash.
    case entraCSVNeedsSHA1(username: String)
    /// Every user Entra ID cannot take, each with why: the Entra export is refused as a whole.
    case entraRefused([ExportError])

    /// privacyIDEA splits its CSV on every comma and has no quoting.
    case commaInField(username: String, field: ExportField)
    /// privacyIDEA skips lines that start with `#`, so this user's line would be dropped.
    case usernameStartsWithHash(username: String)
    /// privacyIDEA infers the hash from the hex seed length and would pick the wrong one.
    case seedLengthMisread(username: String, algorithm: OTPAlgorithm, byteCount: Int)

    case invalidURI(username: String, OTPAuthURIError)

    public var description: String {
        switch self {
        case .emptyUsername(let serial):
            "the record for serial \(Self.quoted(serial)) has no username"
        case .emptyField(let username, let field):
            "\(Self.user(username)): the \(field.rawValue) is empty"
        case .invalidCharacter(let username, let field):
            "\(Self.user(username)): the \(field.rawValue) contains a control character; remove it"
        case .surroundingWhitespace(let username, let field):
            "\(Self.user(username)): the \(field.rawValue) starts or ends with white space, which importers strip; remove it"
        case .unsupportedDigits(let username, let digits):
            "\(Self.user(username)): \(digits) digits is not supported; use 6 to 10"
        case .invalidPeriod(let username, let period):
            "\(Self.user(username)): a TOTP period of \(period) seconds is not valid; use a positive number of seconds"
        case .emptySecret(let username):
            "\(Self.user(username)): the secret is empty"
        case .duplicateSerial(let username, let serial):
            "\(Self.user(username)): serial \(Self.quoted(serial)) appears twice in one export; the server would keep only one token"
        case .noRecords:
            "there are no credentials to export; a PSKC file holds at least one key"
        case .emptyPassword:
            "the PSKC export password is empty"
        case .iterationCountTooLow(let count, let minimum):
            "a PBKDF2 iteration count of \(count) is too low; use at least \(minimum)"
        case .counterOutOfRange(let username, let counter):
            "\(Self.user(username)): HOTP counter \(counter) is larger than PSKC can carry (\(Int64.max))"
        case .timeDriftOutOfRange(let username, let steps):
            "\(Self.user(username)): a time drift of \(steps) steps is larger than PSKC can carry"
        case .entraRequiresTOTP(let username):
            "\(Self.user(username)): Entra ID imports TOTP tokens only; export this HOTP credential as PSKC or privacyIDEA CSV"
        case .entraUnsupportedPeriod(let username, let period):
            "\(Self.user(username)): Entra ID accepts a time interval of 30 or 60 seconds, not \(period)"
        case .entraUnsupportedAlgorithm(let username, let algorithm):
            "\(Self.user(username)): Entra ID checks SHA1 or SHA256 codes; this credential uses \(algorithm.rawValue)"
        case .entraRequiresSixDigits(let username, let digits):
            "\(Self.user(username)): Entra ID's token CSV has no digits column and checks 6-digit codes; this credential has \(digits) digits"
        case .entraSecretTooLong(let username, let characters):
            "\(Self.user(username)): the Base32 secret has \(characters) characters; Entra ID accepts at most 128"
        case .entraCSVNeedsSHA1(let username):
            "\(Self.user(username)): Entra ID's token CSV has no hash column and is read as SHA1; a SHA256 token goes in the Microsoft Graph file"
        case .entraRefused(let refusals):
            "Entra ID cannot take \(refusals.count) user\(refusals.count == 1 ? "" : "s"); nothing was written:\n"
                + refusals.prefix(50).map { "  \($0)" }.joined(separator: "\n")
                + (refusals.count > 50 ? "\n  … and \(refusals.count - 50) more" : "")
        case .commaInField(let username, let field):
            "\(Self.user(username)): the \(field.rawValue) contains a comma, which privacyIDEA's CSV cannot carry; use PSKC"
        case .usernameStartsWithHash(let username):
            "\(Self.user(username)): privacyIDEA reads a line starting with '#' as a comment and would skip this user; use PSKC"
        case .seedLengthMisread(let username, let algorithm, let byteCount):
            "\(Self.user(username)): privacyIDEA infers the hash from the seed length and would not read a \(byteCount)-byte seed as \(algorithm.rawValue); use the PSKC export"
        case .invalidURI(let username, let error):
            "\(Self.user(username)): cannot write an otpauth URI: \(error)"
        }
    }

    private static func user(_ username: String) -> String {
        "user \(quoted(username))"
    }

    private static func quoted(_ text: String) -> String {
        let clipped = text.count > 64 ? String(text.prefix(64)) + "…" : text
        let visible = clipped.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control
                ? "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" : String(scalar)
        }
        return "\"" + visible.joined() + "\""
    }
}
