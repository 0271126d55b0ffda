import Foundation
import Glibc
import Synchronization

/// A program a test runs, with a deadline: its output is read while it runs, and once its timeout
/// passes it is stopped (SIGTERM, then SIGKILL) and waiting for it throws `ChildProcessError.timedOut`.
///
/// Programs are started with posix_spawn, with every signal unblocked and SIGPIPE, SIGTERM and
/// SIGINT at their defaults, whatever the test process blocks or ignores.
public final class ChildProcess {
    /// How a finished program ended and everything it printed.
    public struct Result: Sendable {
        /// The exit status, or the number of the signal that ended the program.
        public let status: Int32
        /// The signal that ended the program, or nil when it exited.
        public let signal: Int32?
        public let stdout: String
        public let stderr: String
    }

    /// The command line, for messages.
    public let command: String
    private let lifecycle: Lifecycle
    private let stdout: PipeReader
    private let stderr: PipeReader
    private let deadline: DispatchTime

    /// Starts `executable`; it is stopped once `timeout` passes, whether or not anyone waits for it.
    /// `stdin` is written to its standard input, which is then closed.
    public init(
        _ executable: String, _ arguments: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment, stdin: Data = Data(),
        timeout: Duration = .seconds(60)
    ) throws {
        _ = Self.ignoreBrokenPipes
        let command = Self.commandLine(executable, arguments)
        self.command = command
        let (pid, input, output, errors) = try Self.spawnLock.withLock { _ throws(ChildProcessError) in
            let input = try Self.pipe(command)
            let output = try Self.pipe(command)
            let errors = try Self.pipe(command)
            do throws(Errno) {
                let pid = try Self.spawn(
                    executable, arguments, environment: environment, stdin: input.read, stdout: output.write,
                    stderr: errors.write)
                for descriptor in [input.read, output.write, errors.write] { close(descriptor) }
                return (pid, input.write, output.read, errors.read)
            } catch {
                for descriptor in [input.read, input.write, output.read, output.write, errors.read, errors.write] {
                    close(descriptor)
                }
                throw .cannotStart(command: command, reason: String(cString: strerror(error.code)))
            }
        }
        deadline = .now() + Self.interval(timeout)
        lifecycle = Lifecycle(pid: pid)
        stdout = PipeReader(output)
        stderr = PipeReader(errors)
        let writer = input
        Thread.detachNewThread {
            stdin.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(writer, bytes.baseAddress! + offset, bytes.count - offset)
                    if written < 0 && errno == EINTR { continue }
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writer)
        }
        let lifecycle = lifecycle
        let deadline = deadline
        Thread.detachNewThread { lifecycle.stop(after: deadline) }
    }

    deinit { lifecycle.stop() }

    /// Runs `executable` to its end and returns what it printed; throws `ChildProcessError.timedOut`
    /// when it is still running after `timeout`.
    public static func run(
        _ executable: String, _ arguments: [String] = [],
        environment: [String: String] = ProcessInfo.processInfo.environment, stdin: Data = Data(),
        timeout: Duration = .seconds(60)
    ) throws -> Result {
        try ChildProcess(executable, arguments, environment: environment, stdin: stdin, timeout: timeout).wait()
    }

    public var isRunning: Bool { !lifecycle.hasExited }

    /// Waits for the program to end and for its output to close.
    public func wait() throws -> Result {
        let bound = deadline + Lifecycle.grace + Lifecycle.grace
        let status = lifecycle.wait(until: bound)
        let finished = status != nil && stdout.wait(until: bound) && stderr.wait(until: bound)
        guard let status, finished, !lifecycle.timedOut else {
            lifecycle.stop()
            throw ChildProcessError.timedOut(command: command, stdout: stdout.text, stderr: stderr.text)
        }
        // wait(2) status: the low 7 bits name the terminating signal, or are 0 and bits 8–15 hold the exit status.
        let signal = status & 0x7F
        return Result(
            status: signal == 0 ? (status >> 8) & 0xFF : signal, signal: signal == 0 ? nil : signal,
            stdout: stdout.text, stderr: stderr.text)
    }

    /// Stops the program (SIGTERM, then SIGKILL if it lingers) and returns what it printed.
    @discardableResult
    public func stop() throws -> Result {
        lifecycle.stop()
        return try wait()
    }

    /// Kills the program at once, as a crash would.
    @discardableResult
    public func kill() throws -> Result {
        lifecycle.send(SIGKILL)
        return try wait()
    }

    /// A child that exits before reading its input must not end the test process with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Held while pipes are made close-on-exec and a child is spawned, so no child started from
    /// another thread inherits another's pipe and holds it open.
    private static let spawnLock = Mutex(())

    private static func pipe(_ command: String) throws(ChildProcessError) -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard Glibc.pipe(&descriptors) == 0 else {
            throw .cannotStart(command: command, reason: String(cString: strerror(errno)))
        }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    private static func spawn(
        _ executable: String, _ arguments: [String], environment: [String: String], stdin: Int32, stdout: Int32,
        stderr: Int32
    ) throws(Errno) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (descriptor, target) in [(stdin, STDIN_FILENO), (stdout, STDOUT_FILENO), (stderr, STDERR_FILENO)] {
            posix_spawn_file_actions_adddup2(&actions, descriptor, target)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGTERM, SIGINT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw Errno(code: result) }
        return pid
    }

    private static func interval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }

    /// The command as a shell would show it, for messages.
    public static func commandLine(_ executable: String, _ arguments: [String]) -> String {
        ([executable] + arguments).map { $0.isEmpty || $0.contains(where: \.isWhitespace) ? "'\($0)'" : $0 }
            .joined(separator: " ")
    }
}

/// A failed system call's errno.
private struct Errno: Error {
    let code: Int32
}

/// Why a test's program could not be run to its end.
public enum ChildProcessError: Error, CustomStringConvertible {
    case cannotStart(command: String, reason: String)
    /// The program outlived its timeout and was killed; what it had printed by then.
    case timedOut(command: String, stdout: String, stderr: String)
    /// The program ended with a status its caller does not accept.
    case failed(command: String, status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .cannotStart(let command, let reason): "cannot start \(command): \(reason)"
        case .timedOut(let command, let stdout, let stderr):
            "\(command) did not finish in time and was killed\nstdout: \(stdout.suffix(2_000))\nstderr: \(stderr.suffix(2_000))"
        case .failed(let command, let status, let stderr): "\(command) exited with status \(status): \(stderr)"
        }
    }
}

/// One child's process ID, its wait status once reaped, and the signals that stop it.
private final class Lifecycle: Sendable {
    private struct State {
        var hasExited = false
        var status: Int32?
        var timedOut = false
    }

    /// How long a stopped program gets between SIGTERM and SIGKILL.
    static let grace = DispatchTimeInterval.seconds(3)

    private let pid: pid_t
    private let state = Mutex(State())
    private let reaped = DispatchGroup()

    /// Starts a thread that reaps `pid`. Signals are sent under the lock and only before the
    /// child is known to have exited, so they never reach a process that reused its ID.
    init(pid: pid_t) {
        self.pid = pid
        reaped.enter()
        Thread.detachNewThread { [self] in
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR {}
            state.withLock { $0.hasExited = true }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            state.withLock { $0.status = status }
            reaped.leave()
        }
    }

    var hasExited: Bool { state.withLock { $0.hasExited } }
    var timedOut: Bool { state.withLock { $0.timedOut } }

    /// The wait status, once the child is reaped before `deadline`.
    func wait(until deadline: DispatchTime) -> Int32? {
        guard reaped.wait(timeout: deadline) == .success else { return nil }
        return state.withLock { $0.status }
    }

    func send(_ signal: Int32) {
        state.withLock { if !$0.hasExited { Glibc.kill(pid, signal) } }
    }

    /// Once `deadline` passes with the program still running, marks it timed out and stops it.
    func stop(after deadline: DispatchTime) {
        guard wait(until: deadline) == nil else { return }
        state.withLock { $0.timedOut = true }
        stop()
    }

    /// SIGTERM, then SIGKILL if the program is still running after the grace period.
    func stop() {
        guard !hasExited else { return }
        send(SIGTERM)
        guard wait(until: .now() + Self.grace) == nil else { return }
        send(SIGKILL)
        _ = wait(until: .now() + Self.grace)
    }
}

/// Drains one pipe on its own thread, so a program never blocks on a full pipe buffer.
private final class PipeReader: Sendable {
    private let data = Mutex(Data())
    private let closed = DispatchGroup()

    init(_ descriptor: Int32) {
        closed.enter()
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }
                data.withLock { $0.append(contentsOf: buffer[..<count]) }
            }
            close(descriptor)
            closed.leave()
        }
    }

    /// Whether the pipe closed before `deadline`.
    func wait(until deadline: DispatchTime) -> Bool { closed.wait(timeout: deadline) == .success }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
