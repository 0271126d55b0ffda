import OTPCore

/// The CSV that Microsoft Entra ID imports hardware OATH tokens from (Entra docs, "Upload
/// hardware OATH tokens in CSV format"): the header
/// `upn,serial number,secret key,time interval,manufacturer,model`, Base32 secrets of at most
/// 128 characters, a time interval of 30 or 60 seconds. The format has no hash or digits column:
/// Entra reads every row as TOTP, SHA-1, 6 digits, so only such tokens go in it (SHA-256 tokens
/// go in `EntraGraphJSON`, which names the hash).
///
/// The `upn` column is the record's principal name (else its username); lines end in CRLF and
/// fields are quoted as RFC 4180 says. A field a spreadsheet would read as a formula starts with
/// an apostrophe.
public enum EntraCSV {
    /// The required header line, exactly as Entra ID expects it.
    public static let header = "upn,serial number,secret key,time interval,manufacturer,model"

    /// The longest Base32 secret Entra ID accepts.
    public static let maximumSecretLength = 128

    /// Why Entra ID cannot take `record` at all (in neither file), or nil when it can: TOTP only,
    /// SHA-1 or SHA-256, 30 or 60 seconds, 6 digits, a secret of at most 128 Base32 characters.
    public static func refusal(of record: ExportRecord) -> ExportError? {
        refusal(
            username: record.username, kind: record.kind, algorithm: record.algorithm, digits: record.digits,
            secretBytes: record.secret.byteCount)
    }

    /// `refusal(of:)` from the parameters alone, so a run can be checked before any seed is opened;
    /// `secretBytes` nil skips the length check.
    public static func refusal(
        username: String, kind: ExportRecord.Kind, algorithm: OTPAlgorithm, digits: Int, secretBytes: Int?
    ) -> ExportError? {
        guard case .totp(let period) = kind else { return .entraRequiresTOTP(username: username) }
        guard algorithm == .sha1 || algorithm == .sha256 else {
            return .entraUnsupportedAlgorithm(username: username, algorithm: algorithm)
        }
        guard period == 30 || period == 60 else { return .entraUnsupportedPeriod(username: username, period: period) }
        guard digits == 6 else { return .entraRequiresSixDigits(username: username, digits: digits) }
        if let secretBytes {
            let characters = (secretBytes * 8 + 4) / 5
            guard characters <= maximumSecretLength else {
                return .entraSecretTooLong(username: username, characters: characters)
            }
        }
        return nil
    }

    /// Throws `entraRefused` naming every record Entra ID cannot take, each with why.
    public static func check(_ records: [ExportRecord]) throws(ExportError) {
        let refusals = records.compactMap(refusal(of:))
        if !refusals.isEmpty { throw .entraRefused(refusals) }
    }

    /// The CSV text for `records`, all SHA-1; throws for records Entra ID would refuse or misread.
    public static func export(_ records: [ExportRecord]) throws(ExportError) -> String {
        try records.checkUniqueSerials()
        try check(records)
        var text = header + "\r\n"
        for record in records {
            guard record.algorithm == .sha1 else { throw .entraCSVNeedsSHA1(username: record.username) }
            guard case .totp(let period) = record.kind else { throw .entraRequiresTOTP(username: record.username) }
            let fields = [
                record.principalName ?? record.username, record.serial, record.secret.base32EncodedString(),
                String(period), record.manufacturer ?? "", record.model ?? "",
            ]
            text += fields.map { quoted(CSVCell.neutralised($0)) }.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// RFC 4180 §2: a field with a comma, quote or line break is quoted, and its quotes doubled.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }
}
