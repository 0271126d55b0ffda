import Foundation

/// Writes files that hold secrets: mode 0600 in a 0700 directory, atomically (temporary file,
/// fsync, rename), so a reader sees the old file or the new one and no one else reads either.
public enum SecretFile {
    public struct WriteError: Error, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    /// With `sync` false the data is not fsynced: call `sync(directory:)` once after a batch.
    public static func write(_ bytes: [UInt8], to path: String, sync: Bool = true) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw WriteError(path: path, reason: "\(error.localizedDescription)")
        }
        var template = Array("\(directory)/.tokenforge-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw WriteError(path: path, reason: String(cString: strerror(errno))) }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var failure: String?
        fchmod(descriptor, 0o600)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = String(cString: strerror(errno))
                    return
                }
                offset += written
            }
        }
        if failure == nil, sync, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
        close(descriptor)
        if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
        if let failure {
            unlink(temporary)
            throw WriteError(path: path, reason: failure)
        }
    }

    /// Makes every file written so far durable: one sync(2) for a whole batch costs less than an
    /// fsync per file.
    public static func syncWrittenFiles() {
        Foundation.sync()
    }
}
