import OTPCore

/// The CSV that Microsoft Entra ID imports hardware OATH tokens from (Entra docs,
/// "Upload OATH tokens"): TOTP only, SHA1, 6 digits, 30 or 60 seconds, Base32 secrets of at most
/// 128 characters. Each token is then activated by entering one code.
///
/// The `upn` column is the record's principal name (else its username); lines end in CRLF and fields
/// are quoted as RFC 4180 says; manufacturer and model are empty when the record has none. A field a spreadsheet would read as a formula starts with an apostrophe.
public enum EntraCSV {
    /// The required header line, exactly as Entra ID expects it.
    public static let header = "upn,serial number,secret key,time interval,manufacturer,model"

    /// The longest Base32 secret Entra ID accepts.
    public static let maximumSecretLength = 128

    /// The CSV text for `records`; throws for the first record Entra ID would refuse or misread.
    public static func export(_ records: [ExportRecord]) throws(ExportError) -> String {
        try records.checkUniqueSerials()
        var text = header + "\r\n"
        for record in records {
            guard case .totp(let period) = record.kind else { throw .entraRequiresTOTP(username: record.username) }
            guard period == 30 || period == 60 else {
                throw .entraUnsupportedPeriod(username: record.username, period: period)
            }
            guard record.algorithm == .sha1 else {
                throw .entraRequiresSHA1(username: record.username, algorithm: record.algorithm)
            }
            guard record.digits == 6 else {
                throw .entraRequiresSixDigits(username: record.username, digits: record.digits)
            }
            let secret = record.secret.base32EncodedString()
            guard secret.count <= maximumSecretLength else {
                throw .entraSecretTooLong(username: record.username, characters: secret.count)
            }
            let fields = [
                record.principalName ?? record.username, record.serial, secret, String(period), record.manufacturer ?? "", record.model ?? "",
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
