public import SystemPackage

/// The one way TokenForge writes whole files: a new file in the target's directory, created
/// with the permissions asked for (checked), written, fsynced, renamed into place, then the
/// directory fsynced. Readers see the old file or the new one, never a mix. What is at the path
/// is replaced only when asked and only if it is a regular file; in a batch, files are not
/// synced one by one but once per directory when the batch is synced.
public enum DurableFile {
    /// What to do when something is already at the path.
    public enum Existing: Sendable {
        /// Fail: the path must be new.
        case refuse
        /// Replace it if it is a regular file; anything else (a link, a device, a directory) is refused.
        case replaceRegularFile
    }

    /// Writes `bytes` to `path`; `directoryPermissions` creates missing directories with them.
    public static func write(
        _ bytes: some Sequence<UInt8>, to path: FilePath, permissions: FilePermissions = [.ownerReadWrite],
        existing: Existing = .refuse, directoryPermissions: FilePermissions? = nil, batch: DurableBatch? = nil
    ) throws(DurableFileError) {
        let directory = path.removingLastComponent().isEmpty ? FilePath(".") : path.removingLastComponent()
        if let directoryPermissions { try createDirectories(directory, permissions: directoryPermissions) }
        try checkTarget(path, existing: existing)
        let (temporary, descriptor) = try createTemporary(beside: path, in: directory, permissions: permissions)
        var placed = false
        defer { if !placed { try? Syscalls.unlink(temporary) } }
        do throws(DurableFileError) {
            try step(temporary, "fchmod") { () throws(Errno) in try Syscalls.fchmod(descriptor, permissions) }
            let actual = try step(temporary, "fstat") { () throws(Errno) in try descriptor.stat().permissions }
            guard actual == permissions else {
                throw DurableFileError(path: path, reason: .permissions(expected: permissions, actual: actual))
            }
            try step(temporary, "write") { () throws(Errno) in try writeAll(bytes, to: descriptor) }
            if batch == nil { try step(temporary, "fsync") { () throws(Errno) in try Syscalls.fsync(descriptor) } }
        } catch {
            try? descriptor.close()
            throw error
        }
        try step(temporary, "close") { () throws(Errno) in
            do { try descriptor.close() } catch { throw (error as? Errno) ?? .ioError }
        }
        switch existing {
        case .refuse:
            do { try Syscalls.link(temporary, path) } catch {
                throw DurableFileError(
                    path: path, reason: error == .fileExists ? .exists : .system(operation: "link", error))
            }
            try? Syscalls.unlink(temporary)
        case .replaceRegularFile:
            try checkTarget(path, existing: existing)
            try step(path, "rename") { () throws(Errno) in try Syscalls.rename(temporary, path) }
        }
        placed = true
        if let batch {
            batch.add(directory)
        } else {
            try syncDirectory(directory)
        }
    }

    /// Creates `directory` and its missing parents with `permissions`.
    public static func createDirectories(_ directory: FilePath, permissions: FilePermissions) throws(DurableFileError) {
        if (try? directory.stat())?.type == .directory { return }
        let parent = directory.removingLastComponent()
        if !parent.isEmpty, parent != directory { try createDirectories(parent, permissions: permissions) }
        do { try Syscalls.mkdir(directory, permissions) } catch {
            guard error == .fileExists, (try? directory.stat())?.type == .directory else {
                throw DurableFileError(path: directory, reason: .system(operation: "mkdir", error))
            }
        }
    }

    /// Makes `directory` as a new directory with `permissions` in an existing parent, which is then
    /// synced; false when something is already at the path (it is left as it is).
    public static func createNewDirectory(_ directory: FilePath, permissions: FilePermissions) throws(DurableFileError)
        -> Bool
    {
        do { try Syscalls.mkdir(directory, permissions) } catch {
            if error == .fileExists { return false }
            throw DurableFileError(path: directory, reason: .system(operation: "mkdir", error))
        }
        let parent = directory.removingLastComponent()
        try syncDirectory(parent.isEmpty ? FilePath(".") : parent)
        return true
    }

    /// Gives the directory `from`, filled and synced, its final name `to` in one step, then syncs
    /// the parent: readers see nothing at `to` or the whole directory. Anything already at `to`
    /// (even an empty directory, which rename(2) would replace) is left and `.exists` thrown.
    public static func moveDirectoryIntoPlace(_ from: FilePath, to: FilePath) throws(DurableFileError) {
        try syncDirectory(from)
        do { try Syscalls.renameNoReplace(from, to) } catch {
            throw DurableFileError(path: to, reason: error == .fileExists ? .exists : .system(operation: "rename", error))
        }
        let parent = to.removingLastComponent()
        try syncDirectory(parent.isEmpty ? FilePath(".") : parent)
    }

    static func syncDirectory(_ directory: FilePath) throws(DurableFileError) {
        try withDirectory(directory) { descriptor throws(DurableFileError) in
            try step(directory, "fsync") { () throws(Errno) in try Syscalls.fsync(descriptor) }
        }
    }

    /// Runs `body` on `directory` opened for syncing, closing it after.
    static func withDirectory(_ directory: FilePath, _ body: (FileDescriptor) throws(DurableFileError) -> Void)
        throws(DurableFileError)
    {
        let descriptor = try step(directory, "open") { () throws(Errno) in
            try Syscalls.open(directory, .readOnly, options: [.directory, .closeOnExec])
        }
        defer { try? descriptor.close() }
        try body(descriptor)
    }

    private static func writeAll(_ bytes: some Sequence<UInt8>, to descriptor: FileDescriptor) throws(Errno) {
        do { _ = try descriptor.writeAll(bytes) } catch { throw (error as? Errno) ?? .ioError }
    }

    private static func checkTarget(_ path: FilePath, existing: Existing) throws(DurableFileError) {
        let status: Stat
        do { status = try path.stat(followTargetSymlink: false) } catch {
            guard error == .noSuchFileOrDirectory else {
                throw DurableFileError(path: path, reason: .system(operation: "lstat", error))
            }
            return
        }
        guard existing == .replaceRegularFile else { throw DurableFileError(path: path, reason: .exists) }
        guard status.type == .regular else { throw DurableFileError(path: path, reason: .notARegularFile) }
    }

    private static func createTemporary(beside path: FilePath, in directory: FilePath, permissions: FilePermissions)
        throws(DurableFileError) -> (FilePath, FileDescriptor)
    {
        let name = path.lastComponent?.string ?? "file"
        var random = SystemRandomNumberGenerator()
        while true {
            let suffix = String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 36)
            let temporary = directory.appending(".\(name).\(suffix).tmp")
            do {
                let descriptor = try Syscalls.open(
                    temporary, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                    permissions: permissions)
                return (temporary, descriptor)
            } catch {
                guard error == .fileExists else {
                    throw DurableFileError(path: temporary, reason: .system(operation: "create", error))
                }
            }
        }
    }

    @discardableResult
    static func step<Value>(_ path: FilePath, _ operation: String, _ body: () throws(Errno) -> Value)
        throws(DurableFileError) -> Value
    {
        do { return try body() } catch {
            throw DurableFileError(path: path, reason: .system(operation: operation, error))
        }
    }
}

/// Files written unsynced, made durable together: one syncfs(2) per directory written to, so a
/// batch of hundreds of letters costs a few syncs, never a sync of the whole machine.
public final class DurableBatch {
    private var directories: [FilePath] = []

    public init() {}

    func add(_ directory: FilePath) {
        if !directories.contains(directory) { directories.append(directory) }
    }

    /// Makes every file of the batch durable (data, names and directories), then starts afresh.
    public func sync() throws(DurableFileError) {
        for directory in directories {
            try DurableFile.withDirectory(directory) { descriptor throws(DurableFileError) in
                try DurableFile.step(directory, "syncfs") { () throws(Errno) in try Syscalls.syncfs(descriptor) }
            }
        }
        directories.removeAll()
    }
}
