public import SystemPackage

/// A file that could not be written durably, naming the file, the step and the system's reason.
public struct DurableFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// A system call failed.
        case system(operation: String, Errno)
        /// Something is already at the path and replacing it was not asked for.
        case exists
        /// What is at the path is not a regular file (a directory, link, device or FIFO): never replaced.
        case notARegularFile
        /// The new file did not get the permissions asked for.
        case permissions(expected: FilePermissions, actual: FilePermissions)
    }

    public let path: FilePath
    public let reason: Reason

    public init(path: FilePath, reason: Reason) {
        self.path = path
        self.reason = reason
    }

    public var description: String {
        switch reason {
        case .system(let operation, let errno): "cannot write \(path): \(operation) failed: \(errno)"
        case .exists: "cannot write \(path): it already exists"
        case .notARegularFile: "cannot write \(path): it is not a regular file"
        case .permissions(let expected, let actual):
            "cannot write \(path): it got mode \(Self.octal(actual)) instead of \(Self.octal(expected))"
        }
    }

    static func octal(_ permissions: FilePermissions) -> String { "0" + String(permissions.rawValue, radix: 8) }
}
