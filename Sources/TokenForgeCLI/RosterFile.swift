import Foundation
import OTPCore

/// Reads a roster file: at most `SecretInput.maximumBytes` (a roster of thousands of staff is a
/// few MiB), as UTF-8.
enum RosterFile {
    static func read(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIFailure.noInput(
                "cannot read \(PrintableText.escaped(path)): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")"
            )
        }
        defer { try? handle.close() }
        let data = try SecretInput.bounded(handle, name: PrintableText.escaped(path))
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure.badInput("\(PrintableText.escaped(path)) is not UTF-8 text")
        }
        return text
    }
}
