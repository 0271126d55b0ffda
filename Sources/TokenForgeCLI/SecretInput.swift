import Foundation

/// Reads secret-bearing text from a file or standard input ("-"), never from argv.
enum SecretInput {
    static func read(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw CLIFailure.noInput(
                    "cannot read \(path): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")"
                )
            }
            data = contents
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure.badInput("\(name(path)) is not UTF-8 text")
        }
        return text
    }

    /// How messages name the source.
    static func name(_ path: String) -> String {
        path == "-" ? "standard input" : path
    }
}
