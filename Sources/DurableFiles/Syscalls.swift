internal import CFileSync
public import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The system calls swift-system does not wrap, each returning `Errno` on failure; the only
/// place this target calls C for files.
enum Syscalls {
    static func fsync(_ descriptor: FileDescriptor) throws(Errno) {
        try retrying { Glibc.fsync(descriptor.rawValue) }
    }

    static func syncfs(_ descriptor: FileDescriptor) throws(Errno) {
        try retrying { cfilesync_syncfs(descriptor.rawValue) }
    }

    static func fchmod(_ descriptor: FileDescriptor, _ permissions: FilePermissions) throws(Errno) {
        try retrying { Glibc.fchmod(descriptor.rawValue, permissions.rawValue) }
    }

    static func rename(_ from: FilePath, _ to: FilePath) throws(Errno) {
        try retrying { from.withPlatformString { old in to.withPlatformString { Glibc.rename(old, $0) } } }
    }

    /// Renames `from` to `to`; fails with EEXIST rather than replace anything at `to`.
    static func renameNoReplace(_ from: FilePath, _ to: FilePath) throws(Errno) {
        try retrying {
            from.withPlatformString { old in to.withPlatformString { cfilesync_rename_noreplace(old, $0) } }
        }
    }

    /// A second name for `existing`; fails with EEXIST rather than replace `new`.
    static func link(_ existing: FilePath, _ new: FilePath) throws(Errno) {
        try retrying { existing.withPlatformString { old in new.withPlatformString { Glibc.link(old, $0) } } }
    }

    /// A new file in `directory` without a name; `.notSupported` and the like where unnamed
    /// files cannot be made there (see `cfilesync_open_unnamed`).
    static func openUnnamed(in directory: FilePath, permissions: FilePermissions) throws(Errno) -> FileDescriptor {
        while true {
            let descriptor = directory.withPlatformString { cfilesync_open_unnamed($0, UInt32(permissions.rawValue)) }
            if descriptor >= 0 { return FileDescriptor(rawValue: descriptor) }
            let error = Errno(rawValue: errno)
            guard error == .interrupted else { throw error }
        }
    }

    /// Names the unnamed file `descriptor`; fails with EEXIST rather than replace `path`.
    static func linkUnnamed(_ descriptor: FileDescriptor, _ path: FilePath) throws(Errno) {
        try retrying { path.withPlatformString { cfilesync_link_unnamed(descriptor.rawValue, $0) } }
    }

    /// flock(2) LOCK_EX on `descriptor`, held until it is closed.
    static func lockExclusive(_ descriptor: FileDescriptor) throws(Errno) {
        try retrying { cfilesync_lock_exclusive(descriptor.rawValue) }
    }

    /// Removes the temporary file at `path` when no writer holds its lock (its writer was
    /// killed); true when nothing is left at `path`.
    static func removeIfAbandoned(_ path: FilePath) -> Bool {
        path.withPlatformString { cfilesync_remove_abandoned($0) } == 1
    }

    static func unlink(_ path: FilePath) throws(Errno) {
        try retrying { path.withPlatformString { Glibc.unlink($0) } }
    }

    static func mkdir(_ path: FilePath, _ permissions: FilePermissions) throws(Errno) {
        try retrying { path.withPlatformString { Glibc.mkdir($0, permissions.rawValue) } }
    }

    /// Opens `path`, with swift-system's error as `Errno`.
    static func open(
        _ path: FilePath, _ mode: FileDescriptor.AccessMode, options: FileDescriptor.OpenOptions,
        permissions: FilePermissions? = nil
    ) throws(Errno) -> FileDescriptor {
        do { return try FileDescriptor.open(path, mode, options: options, permissions: permissions) } catch {
            throw (error as? Errno) ?? .ioError
        }
    }

    private static func retrying(_ call: () -> Int32) throws(Errno) {
        while call() != 0 {
            let error = Errno(rawValue: errno)
            guard error == .interrupted else { throw error }
        }
    }
}
