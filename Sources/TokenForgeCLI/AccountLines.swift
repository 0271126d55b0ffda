import Activation
import Foundation
import OTPCore

/// Files of otpauth URIs or export links, one per line, read within documented caps: at most
/// `maximumLines` entries of at most `maximumLineBytes` each (inside `SecretInput`'s size cap);
/// blank lines and lines starting with `#` are skipped. Errors name the file and line.
enum AccountLines {
    /// The longest line read: far more than any URI or export link of ten accounts needs.
    static let maximumLineBytes = 65_536
    /// The most entries one file may hold.
    static let maximumLines = 10_000

    /// The entries of `path` ("-" for standard input) with their line numbers.
    static func read(_ path: String) throws -> [(line: Int, text: String)] {
        let name = SecretInput.name(path)
        var entries: [(line: Int, text: String)] = []
        for (index, raw) in try SecretInput.read(path).split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated()
        {
            guard raw.utf8.count <= maximumLineBytes else {
                throw CLIFailure.badInput(
                    "\(name), line \(index + 1): longer than \(maximumLineBytes) bytes, the most TokenForge reads")
            }
            let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty || text.hasPrefix("#") { continue }
            guard entries.count < maximumLines else {
                throw CLIFailure.badInput("\(name) holds more than \(maximumLines) entries, the most TokenForge reads")
            }
            entries.append((index + 1, text))
        }
        return entries
    }

    /// The scanned codes written in `path`, each parsed as `ActivationPayload`.
    static func payloads(_ path: String) throws -> [ActivationPayload] {
        try read(path).map { entry in
            do { return try ActivationPayload(text: entry.text) } catch {
                throw CLIFailure.badInput("\(SecretInput.name(path)), line \(entry.line): \(error)")
            }
        }
    }
}
