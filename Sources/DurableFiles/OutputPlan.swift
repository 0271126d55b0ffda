public import SystemPackage

/// The files one command will write, checked together before the first byte is written: each is
/// a new regular file, or with `replacing` an existing regular file (never a link, device, FIFO or
/// directory); none is one of the command's inputs or another of its outputs, by path or by
/// device and inode. Writes then go through `DurableFile`, which checks the target again.
public struct OutputPlan: Sendable {
    /// What to do with an output path that already exists.
    public let existing: DurableFile.Existing
    private var inputs: [(path: FilePath, identity: FileIdentity)] = []
    private var outputs: [(path: FilePath, identity: FileIdentity)] = []

    /// A plan whose outputs must be new, or with `replacing` may replace existing regular files.
    public init(replacing: Bool = false) {
        existing = replacing ? .replaceRegularFile : .refuse
    }

    /// Records a file the command reads, so that no output lands on it; a path that cannot be
    /// read yet is left for the reader to report.
    public mutating func addInput(_ path: FilePath) {
        guard let status = try? path.stat() else { return }
        inputs.append((path, FileIdentity(status)))
    }

    /// Checks `path` as an output and records it; throws when it may not be written.
    public mutating func addOutput(_ path: FilePath) throws(OutputPlanError) {
        let (identity, status) = try Self.outputIdentity(path)
        if let input = inputs.first(where: { $0.identity == identity }) {
            throw .sameAsInput(output: path, input: input.path)
        }
        if let other = outputs.first(where: { $0.identity == identity }) {
            throw .sameAsOtherOutput(output: path, other: other.path)
        }
        if let status {
            guard existing == .replaceRegularFile else { throw .exists(path) }
            guard status.type == .regular else { throw .notARegularFile(path) }
        }
        outputs.append((path, identity))
    }

    /// Writes `bytes` to `path`, which must have been added; mode 0600 unless told.
    public func write(
        _ bytes: some Sequence<UInt8>, to path: FilePath, permissions: FilePermissions = [.ownerReadWrite]
    ) throws(OutputPlanError) {
        guard outputs.contains(where: { $0.path == path }) else { throw .notPlanned(path) }
        do { try DurableFile.write(bytes, to: path, permissions: permissions, existing: existing) } catch {
            throw OutputPlanError(error)
        }
    }

    /// What an output path names: the existing file itself (not followed when a link), with its
    /// status, or for a new file its directory and name.
    private static func outputIdentity(_ path: FilePath) throws(OutputPlanError) -> (FileIdentity, Stat?) {
        guard let name = path.lastComponent?.string, name != ".", name != ".." else {
            throw .notARegularFile(path)
        }
        let status: Stat
        do { status = try path.stat(followTargetSymlink: false) } catch {
            guard error == .noSuchFileOrDirectory else {
                throw .cannotWrite(DurableFileError(path: path, reason: .system(operation: "lstat", error)))
            }
            return (try newFileIdentity(path, name: name), nil)
        }
        return (FileIdentity(status), status)
    }

    private static func newFileIdentity(_ path: FilePath, name: String) throws(OutputPlanError) -> FileIdentity {
        let parent = path.removingLastComponent().isEmpty ? FilePath(".") : path.removingLastComponent()
        let directory: Stat
        do { directory = try parent.stat() } catch {
            throw .cannotWrite(DurableFileError(path: parent, reason: .system(operation: "stat", error)))
        }
        return .newFile(
            device: UInt64(directory.deviceID.rawValue), directory: UInt64(directory.inode.rawValue), name: name)
    }
}

/// A file named by its device and inode, or a file still to be made by its directory and name.
enum FileIdentity: Hashable, Sendable {
    case existing(device: UInt64, inode: UInt64)
    case newFile(device: UInt64, directory: UInt64, name: String)

    init(_ status: Stat) {
        self = .existing(device: UInt64(status.deviceID.rawValue), inode: UInt64(status.inode.rawValue))
    }
}
