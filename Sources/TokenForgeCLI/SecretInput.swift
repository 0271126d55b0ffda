import Foundation
import OTPCore

/// Reads secret-bearing text from a file or standard input ("-"), never from argv; at most
/// `maximumBytes`, and a file that group or others may read is warned about on standard error.
enum SecretInput {
    /// The largest secret-bearing input read: a secret, PIN, passphrase, or a file of URIs or links.
    static let maximumBytes = 16 << 20

    static func read(_ path: String) throws -> String {
        let data: Data
        if path == "-" {
            data = try bounded(FileHandle.standardInput, name: "standard input")
        } else {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CLIFailure.noInput(
                    "cannot read \(PrintableText.escaped(path)): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")"
                )
            }
            defer { try? handle.close() }
            warnIfShared(path, handle: handle)
            data = try bounded(handle, name: PrintableText.escaped(path))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CLIFailure.badInput("\(name(path)) is not UTF-8 text")
        }
        return text
    }

    /// How messages name the source.
    static func name(_ path: String) -> String {
        path == "-" ? "standard input" : PrintableText.escaped(path)
    }

    /// Reads to the end, refusing more than `maximumBytes`.
    static func bounded(_ handle: FileHandle, name: String, limit: Int = maximumBytes) throws -> Data {
        let data: Data
        do { data = try handle.read(upToCount: limit + 1) ?? Data() } catch {
            throw CLIFailure.noInput("cannot read \(name): \(error.localizedDescription)")
        }
        guard data.count <= limit else {
            throw CLIFailure.badInput("\(name) is larger than \(limit >> 20) MiB, the most TokenForge reads")
        }
        return data
    }

    /// Warns when a regular file holding a secret may be read by group or others.
    private static func warnIfShared(_ path: String, handle: FileHandle) {
        var status = stat()
        guard fstat(handle.fileDescriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG,
            status.st_mode & 0o077 != 0
        else { return }
        let mode = "0" + String(status.st_mode & 0o777, radix: 8)
        let shown = PrintableText.escaped(path)
        FileHandle.standardError.write(
            Data(
                "tokenforge: warning: \(shown) holds a secret but group or others may read it (mode \(mode)): chmod 600 \(shown)\n"
                    .utf8))
    }
}
