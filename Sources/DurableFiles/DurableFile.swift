public import SystemPackage

/// The one way TokenForge writes whole files: a new file in the target's directory, created
/// without a name where the file system allows (O_TMPFILE) with the permissions asked for
/// (checked), written and fsynced, then named: linked at the path, or, to replace a file, given
/// a hidden temporary name and renamed over it; then the directory is fsynced. Readers see the
/// old file or the new one, never a mix, and on a file system with unnamed files a process
/// killed while writing leaves nothing behind (killed between naming a replacement and renaming
/// it, it leaves `.NAME.tmp`, whole, which the next write of the file removes; elsewhere a killed
/// writer's `.NAME.RANDOM.tmp` stays). What is at the path is replaced only when asked
/// and only if it is a regular file; in a batch, files are not synced one by one but once per
/// directory when the batch is synced.
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
        let file = try createFile(beside: path, in: directory, permissions: permissions)
        let descriptor = file.descriptor
        var closed = false
        var temporary = file.name
        defer {
            // The name goes first: once the descriptor is closed its lock is free, and another
            // writer may take `.NAME.tmp` as abandoned and link its own file there.
            if let temporary { try? Syscalls.unlink(temporary) }
            if !closed { try? descriptor.close() }
        }
        let shown = file.name ?? path
        // Held until the file has its final name: a temporary name whose lock is free was left by
        // a writer that is gone (`removeIfAbandoned`). Without the lock no shared name is used.
        let locked = (try? Syscalls.lockExclusive(descriptor)) != nil
        try step(shown, "fchmod") { () throws(Errno) in try Syscalls.fchmod(descriptor, permissions) }
        let actual = try step(shown, "fstat") { () throws(Errno) in try descriptor.stat().permissions }
        guard actual == permissions else {
            throw DurableFileError(path: path, reason: .permissions(expected: permissions, actual: actual))
        }
        try step(shown, "write") { () throws(Errno) in try writeAll(bytes, to: descriptor) }
        if batch == nil { try step(shown, "fsync") { () throws(Errno) in try Syscalls.fsync(descriptor) } }
        if file.name == nil {
            // The file gets a name only now, whole: at the path when nothing is there, else a
            // temporary name to rename over the file it replaces.
            do { try Syscalls.linkUnnamed(descriptor, path) } catch {
                guard error == .fileExists, existing == .replaceRegularFile else {
                    throw DurableFileError(
                        path: path, reason: error == .fileExists ? .exists : .system(operation: "link", error))
                }
                temporary = try nameUnnamed(descriptor, beside: path, in: directory, shared: locked)
            }
        }
        if let named = temporary {
            switch existing {
            case .refuse:
                do { try Syscalls.link(named, path) } catch {
                    throw DurableFileError(
                        path: path, reason: error == .fileExists ? .exists : .system(operation: "link", error))
                }
            case .replaceRegularFile:
                try checkTarget(path, existing: existing)
                try step(path, "rename") { () throws(Errno) in try Syscalls.rename(named, path) }
                temporary = nil
            }
        }
        if let named = temporary {
            try? Syscalls.unlink(named)  // the link at the path (.refuse) holds the file now
            temporary = nil
        }
        // The file is written, synced (or synced with its batch) and in place: a failing close
        // cannot undo that, so it is not reported as a failed write.
        closed = true
        try? descriptor.close()
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

    /// The file being written: unnamed where the file system allows (open O_TMPFILE), else a
    /// hidden temporary beside the target.
    private struct NewFile {
        let descriptor: FileDescriptor
        let name: FilePath?
    }

    private static func createFile(beside path: FilePath, in directory: FilePath, permissions: FilePermissions)
        throws(DurableFileError) -> NewFile
    {
        do {
            return NewFile(descriptor: try Syscalls.openUnnamed(in: directory, permissions: permissions), name: nil)
        } catch {
            guard [.notSupported, .isDirectory, .invalidArgument].contains(error) else {
                throw DurableFileError(path: directory, reason: .system(operation: "create", error))
            }
        }
        var random = SystemRandomNumberGenerator()
        while true {
            let temporary = temporaryName(beside: path, in: directory, using: &random)
            do {
                let descriptor = try Syscalls.open(
                    temporary, .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                    permissions: permissions)
                return NewFile(descriptor: descriptor, name: temporary)
            } catch {
                guard error == .fileExists else {
                    throw DurableFileError(path: temporary, reason: .system(operation: "create", error))
                }
            }
        }
    }

    /// Gives the whole, unnamed file a hidden temporary name beside `path`, for rename(2):
    /// `.NAME.tmp` (`shared`, when the writer holds its lock), after removing one a killed writer
    /// left there; a random one while another writer holds that name.
    private static func nameUnnamed(
        _ descriptor: FileDescriptor, beside path: FilePath, in directory: FilePath, shared: Bool
    ) throws(DurableFileError) -> FilePath {
        let fixed = directory.appending(".\(path.lastComponent?.string ?? "file").tmp")
        for _ in 0..<(shared ? 2 : 0) {
            do {
                try Syscalls.linkUnnamed(descriptor, fixed)
                return fixed
            } catch {
                guard error == .fileExists else { throw DurableFileError(path: fixed, reason: .system(operation: "link", error)) }
                guard Syscalls.removeIfAbandoned(fixed) else { break }
            }
        }
        var random = SystemRandomNumberGenerator()
        while true {
            let temporary = temporaryName(beside: path, in: directory, using: &random)
            do {
                try Syscalls.linkUnnamed(descriptor, temporary)
                return temporary
            } catch {
                guard error == .fileExists else {
                    throw DurableFileError(path: temporary, reason: .system(operation: "link", error))
                }
            }
        }
    }

    private static func temporaryName(
        beside path: FilePath, in directory: FilePath, using random: inout SystemRandomNumberGenerator
    ) -> FilePath {
        let suffix = String(UInt64.random(in: 0...UInt64.max, using: &random), radix: 36)
        return directory.appending(".\(path.lastComponent?.string ?? "file").\(suffix).tmp")
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
