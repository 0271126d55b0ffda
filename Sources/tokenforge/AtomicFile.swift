import Foundation

/// Writes files so that readers see the old contents or the new, never a mix: a temporary file
/// in the same directory, created with the final mode, synced, then renamed over the target.
enum AtomicFile {
    struct WriteError: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String { "\(operation) failed: \(String(cString: strerror(code)))" }
    }

    static func write(_ data: Data, to path: String, mode: mode_t) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let template = (directory.isEmpty ? "." : directory) + "/.tokenforge-XXXXXX"
        var templateBytes = Array(template.utf8CString)
        let descriptor = templateBytes.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw WriteError(operation: "creating a temporary file", code: errno) }
        let temporaryPath = String(cString: templateBytes)
        var renamed = false
        defer {
            if !renamed { unlink(temporaryPath) }
        }
        do {
            defer { close(descriptor) }
            guard fchmod(descriptor, mode) == 0 else { throw WriteError(operation: "chmod", code: errno) }
            try data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw WriteError(operation: "write", code: errno)
                    }
                    offset += written
                }
            }
            guard fsync(descriptor) == 0 else { throw WriteError(operation: "fsync", code: errno) }
        }
        guard rename(temporaryPath, path) == 0 else { throw WriteError(operation: "rename", code: errno) }
        renamed = true
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }
}
