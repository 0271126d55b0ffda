import OTPCore

/// The text of a scanned QR code that enrols OTP accounts: one otpauth:// account, or a
/// Google Authenticator export (otpauth-migration://) holding several.
public enum ActivationPayload: Sendable, Equatable {
    case account(OTPAuthURI)
    case migration(MigrationPayload)

    /// Classifies and parses `text`; anything else is named (a phonefactor:// or FIDO code, a web
    /// address, a number...) without echoing it.
    public init(text: String) throws(ActivationPayloadError) {
        let trimmed = text.trimmingWhitespace()
        let scheme = trimmed.uriScheme?.lowercased()
        switch scheme {
        case "otpauth":
            do { self = .account(try OTPAuthURI(parsing: trimmed)) } catch { throw .invalidAccount(error) }
        case "otpauth-migration":
            do { self = .migration(try MigrationPayload(link: trimmed)) } catch { throw .invalidMigration(error) }
        default:
            throw .notOTP(ForeignCode(text: trimmed, scheme: scheme))
        }
    }

    /// The accounts the payload enrols.
    public var accounts: [OTPAuthURI] {
        switch self {
        case .account(let uri): [uri]
        case .migration(let payload): payload.accounts
        }
    }

    /// The accounts of several scanned codes, as `import` and `program` take them: single accounts
    /// in order, then the accounts of Google Authenticator exports in batch order, each export
    /// complete unless `allowingIncompleteExports` (see `MigrationPayload.accounts(in:)`).
    public static func accounts(
        in payloads: [ActivationPayload], allowingIncompleteExports: Bool = false
    ) throws(MigrationError) -> [OTPAuthURI] {
        var accounts: [OTPAuthURI] = []
        var exports: [MigrationPayload] = []
        for payload in payloads {
            switch payload {
            case .account(let uri): accounts.append(uri)
            case .migration(let export): exports.append(export)
            }
        }
        return accounts
            + (try MigrationPayload.accounts(in: exports, allowingIncompleteExports: allowingIncompleteExports))
    }
}

/// What a QR code that enrols no OTP account holds instead, named so a user recognises it.
public enum ForeignCode: Sendable, Equatable, CustomStringConvertible {
    /// Microsoft Authenticator's phonefactor:// activation of a work or school account (Entra ID
    /// push sign-in), which carries no OTP seed.
    case phoneFactor
    /// A FIDO:/ code: a passkey sign-in from another device (CTAP hybrid transport).
    case fido
    case webAddress(scheme: String)
    case otherURI(scheme: String)
    /// Digits only, such as a serial number.
    case number(digits: Int)
    case text(characters: Int)
    case empty

    init(text: String, scheme: String?) {
        switch scheme {
        case "phonefactor": self = .phoneFactor
        case "fido": self = .fido
        case "http", "https": self = .webAddress(scheme: scheme!)
        case let scheme?: self = .otherURI(scheme: String(scheme.prefix(32)))
        case nil where text.isEmpty: self = .empty
        case nil where text.allSatisfy({ $0.isASCII && $0.isNumber }): self = .number(digits: text.count)
        case nil: self = .text(characters: text.count)
        }
    }

    public var description: String {
        switch self {
        case .phoneFactor:
            "a Microsoft Authenticator work-account activation (phonefactor://)"
        case .fido:
            "a FIDO passkey sign-in code (FIDO:/)"
        case .webAddress(let scheme):
            "a web address (\(scheme)://)"
        case .otherURI(let scheme):
            "a \(scheme): URI"
        case .number(let digits):
            "a number of \(digits) digits (a serial number?)"
        case .text(let characters):
            "plain text of \(characters) characters"
        case .empty:
            "no text at all"
        }
    }
}

/// Why scanned text enrols no account. Never carries a secret.
public enum ActivationPayloadError: Error, Equatable, Sendable, CustomStringConvertible {
    case notOTP(ForeignCode)
    case invalidAccount(OTPAuthURIError)
    case invalidMigration(MigrationError)

    public var description: String {
        switch self {
        case .notOTP(let found):
            "the QR code enrols no OTP account: it holds \(found), not an otpauth:// URI or a Google Authenticator export"
        case .invalidAccount(let error):
            "the QR code holds a malformed otpauth:// URI: \(error)"
        case .invalidMigration(let error):
            "the QR code holds a malformed Google Authenticator export: \(error)"
        }
    }
}

extension String {
    /// The RFC 3986 §3.1 scheme before the first ':', if the text starts with one.
    var uriScheme: Substring? {
        guard let colon = firstIndex(of: ":"), colon != startIndex else { return nil }
        let scheme = self[..<colon]
        guard scheme.first!.isASCII, scheme.first!.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { return nil }
        return scheme
    }

    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
