import OTPCore

/// One otpauth:// Key URI per line (`OTPAuthURI.uriString`), for tools that enrol from URIs.
public enum URIList {
    /// The URIs of `records`, each line ending in a line feed.
    public static func export(_ records: [ExportRecord]) throws(ExportError) -> String {
        var text = ""
        for record in records {
            do {
                let uri = try OTPAuthURI(
                    kind: record.kind, account: record.account, issuer: record.issuer, secret: record.secret,
                    algorithm: record.algorithm, digits: record.digits)
                text += uri.uriString + "\n"
            } catch {
                throw .invalidURI(username: record.username, error)
            }
        }
        return text
    }
}
