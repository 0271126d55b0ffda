import OTPCore

/// privacyIDEA's OATH token CSV, version 2 (privacyidea/lib/importotp.py `parseOATHcsv`): each line
/// assigns a token to a user,
/// `<username>, <resolver>, <realm>, <serial>, <seed hex>, TOTP, <digits>, <period>` or
/// `<username>, <resolver>, <realm>, <serial>, <seed hex>, HOTP, <digits>, <counter>`.
///
/// The importer splits on every comma without quoting, skips lines starting with `#`, and infers
/// the hash from the seed: 64 hex digits mean SHA256, 128 mean SHA512, anything else SHA1. Records
/// it would misread are refused, naming the user; the PSKC export carries them faithfully. A field
/// a spreadsheet would read as a formula (`=1+1`) starts with an apostrophe.
public enum PrivacyIDEACSV {
    /// The first line, which makes the importer read the user columns.
    public static let versionLine = "# version: 2"

    /// The CSV text for `records`, every token assigned to its username in `resolver` and `realm`.
    public static func export(_ records: [ExportRecord], resolver: String, realm: String) throws(ExportError)
        -> String
    {
        try records.checkUniqueSerials()
        var text = versionLine + "\n"
        for record in records {
            let username = record.username
            for (field, value) in [(ExportField.resolver, resolver), (.realm, realm)] {
                try ExportRecord.check(value, field: field, username: username)
                if value.first?.isWhitespace == true || value.last?.isWhitespace == true {
                    throw .surroundingWhitespace(username: username, field: field)
                }
            }
            for (field, value) in [
                (ExportField.username, username), (.resolver, resolver), (.realm, realm), (.serial, record.serial),
            ] where value.contains(",") {
                throw .commaInField(username: username, field: field)
            }
            guard !username.hasPrefix("#") else { throw .usernameStartsWithHash(username: username) }
            guard inferredAlgorithm(byteCount: record.secret.byteCount) == record.algorithm else {
                throw .seedLengthMisread(
                    username: username, algorithm: record.algorithm, byteCount: record.secret.byteCount)
            }
            let (type, last) =
                switch record.kind {
                case .totp(let period): ("TOTP", String(period))
                case .hotp(let counter): ("HOTP", String(counter))
                }
            let fields = [
                username, resolver, realm, record.serial, record.secret.hexEncodedString(), type,
                String(record.digits), last,
            ]
            text += fields.map(CSVCell.neutralised).joined(separator: ", ") + "\n"
        }
        return text
    }

    /// The hash privacyIDEA assumes for a seed of `byteCount` bytes.
    static func inferredAlgorithm(byteCount: Int) -> OTPAlgorithm {
        switch byteCount {
        case 32: .sha256
        case 64: .sha512
        default: .sha1
        }
    }
}
