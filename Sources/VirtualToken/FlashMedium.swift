import DurableFiles
import FoundationEssentials
import SystemPackage

#if canImport(Glibc)
    import Glibc
#endif

/// The bytes behind a flash store: a file, or memory for tests.
public protocol FlashMedium: AnyObject {
    func read() throws -> [UInt8]
    func write(_ bytes: [UInt8], at offset: Int) throws
    func truncate(to length: Int) throws
    /// Replaces the whole image at once: readers see the old image or the new, never a mix.
    func replace(with bytes: [UInt8]) throws
    /// Makes every write so far durable before any later one.
    func sync() throws
}

/// Flash kept in memory; a new `SpecToken` on the same medium models a restart.
public final class MemoryFlashMedium: FlashMedium {
    public private(set) var bytes: [UInt8]

    public init(bytes: [UInt8] = []) { self.bytes = bytes }

    public func read() -> [UInt8] { bytes }

    public func write(_ data: [UInt8], at offset: Int) {
        if bytes.count < offset + data.count {
            bytes += [UInt8](repeating: 0, count: offset + data.count - bytes.count)
        }
        bytes.replaceSubrange(offset..<(offset + data.count), with: data)
    }

    public func truncate(to length: Int) { bytes.removeSubrange(min(length, bytes.count)...) }

    public func sync() {}

    public func replace(with data: [UInt8]) {
        bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        bytes = data
    }
}

/// Flash kept in a file (mode 0600), held open. `sync` is fsync; `replace` writes a temporary
/// file and renames it over the image, then zeroes the old image's blocks so erased secrets do not
/// linger.
public final class FileFlashMedium: FlashMedium {
    public let path: String
    private var descriptor: Int32 = -1

    public init(path: String) { self.path = path }

    deinit { if descriptor >= 0 { close(descriptor) } }

    private func openForWriting() throws -> Int32 {
        if descriptor < 0 {
            descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw FlashError.io(operation: "open \(path)", code: errno) }
        }
        return descriptor
    }

    public func sync() throws {
        guard descriptor >= 0 else { return }
        guard fsync(descriptor) == 0 else { throw FlashError.io(operation: "fsync \(path)", code: errno) }
    }

    public func read() throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            if errno == ENOENT { return [] }
            throw FlashError.io(operation: "open \(path)", code: errno)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FlashError.io(operation: "read \(path)", code: errno)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    public func write(_ bytes: [UInt8], at offset: Int) throws {
        try Self.writeAll(bytes, to: try openForWriting(), at: offset, path: path)
    }

    public func truncate(to length: Int) throws {
        guard Glibc.truncate(path, off_t(length)) == 0 else {
            throw FlashError.io(operation: "truncate \(path)", code: errno)
        }
    }

    public func replace(with bytes: [UInt8]) throws {
        let old = open(path, O_RDWR | O_CLOEXEC)
        defer { if old >= 0 { close(old) } }
        do {
            try DurableFile.write(bytes, to: FilePath(path), existing: .replaceRegularFile)
        } catch {
            throw FlashError.io(operation: "replace \(path)", code: Self.code(of: error))
        }
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        if old >= 0 {
            var status = stat()
            if fstat(old, &status) == 0, status.st_size > 0 {
                try? Self.writeAll([UInt8](repeating: 0, count: Int(status.st_size)), to: old, at: 0, path: path)
                fsync(old)
            }
        }
    }

    private static func code(of error: DurableFileError) -> Int32 {
        switch error.reason {
        case .system(_, let errno): errno.rawValue
        case .exists: EEXIST
        case .notARegularFile: EISDIR
        case .permissions: EPERM
        }
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, at offset: Int, path: String) throws {
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes {
                pwrite(descriptor, $0.baseAddress, $0.count, off_t(offset + written))
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw FlashError.io(operation: "write \(path)", code: errno)
            }
            written += count
        }
    }
}
