import Foundation
import Synchronization

/// The exclusive lock every process holds while it may change a register: `flock` on
/// `REGISTER.lock` beside it, so the kernel releases it when the holder exits or is killed. The
/// holder writes who it is into the file, for the message a waiting process gives.
/// Within one process the lock is shared: opening the same register twice does not wait on itself.
final class RegisterLock: Sendable {
    let path: String
    private let descriptor: Int32

    /// Who holds a lock, as its holder wrote it.
    struct Holder: Equatable, Sendable, CustomStringConvertible {
        let text: String
        var description: String { text }
    }

    private static let held = Mutex<[String: (lock: RegisterLock, count: Int)]>([:])

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock of the register at `registerPath`, waiting up to `timeout`; a lock this
    /// process already holds is shared. `release` must be called once per successful `acquire`.
    static func acquire(
        registerPath: String, timeout: Duration, holder: String
    ) throws(RegisterError) -> RegisterLock {
        let path = registerPath + ".lock"
        if let shared = held.withLock({ table -> RegisterLock? in
            guard let entry = table[path] else { return nil }
            table[path] = (entry.lock, entry.count + 1)
            return entry.lock
        }) {
            return shared
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw .database("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                close(descriptor)
                throw .database("cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            guard clock.now < deadline else {
                let holder = Self.readHolder(descriptor)
                close(descriptor)
                throw .busy(file: registerPath, holder: holder, waited: timeout)
            }
            usleep(50_000)
        }
        let text = Array(holder.utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        let lock = RegisterLock(path: path, descriptor: descriptor)
        held.withLock { $0[path] = (lock, 1) }
        return lock
    }

    /// Gives up one share of the lock; the last one unlocks it.
    func release() {
        let last = Self.held.withLock { table -> Bool in
            guard let entry = table[path] else { return false }
            if entry.count > 1 {
                table[path] = (entry.lock, entry.count - 1)
                return false
            }
            table[path] = nil
            return true
        }
        if last {
            _ = ftruncate(descriptor, 0)
            _ = flock(descriptor, LOCK_UN)
        }
    }

    private static func readHolder(_ descriptor: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self)
        return text.isEmpty ? nil : text
    }

    /// This process as a holder names it: pid, OS user, command, and start time.
    static func describeThisProcess(now: Int64) -> String {
        let arguments = CommandLine.arguments.dropFirst().prefix(1).joined(separator: " ")
        return "pid \(getpid()), user \(OSUser.current), tokenforge \(arguments), since \(AuditEntry.format(now))"
    }
}

/// The login name of the user running this process, for the audit log.
enum OSUser {
    static var current: String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }
}
