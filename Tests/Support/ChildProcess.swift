import Foundation
import Glibc
import Synchronization

/// A program a test runs, with a deadline: its output is read while it runs, and once its timeout
/// passes it is stopped (SIGTERM, then SIGKILL) and waiting for it throws `ChildProcessError.timedOut`.
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
    private let process = Process()
    private let lifecycle = Lifecycle()
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
        command = Self.commandLine(executable, arguments)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        let lifecycle = lifecycle
        process.terminationHandler = { _ in lifecycle.markExited() }
        do { try process.run() } catch {
            lifecycle.markExited()
            throw ChildProcessError.cannotStart(command: command, reason: "\(error)")
        }
        deadline = .now() + Self.interval(timeout)
        stdout = PipeReader(output.fileHandleForReading)
        stderr = PipeReader(errors.fileHandleForReading)
        let writer = input.fileHandleForWriting
        Thread.detachNewThread {
            try? writer.write(contentsOf: stdin)
            try? writer.close()
        }
        let pid = process.processIdentifier
        let deadline = deadline
        Thread.detachNewThread { lifecycle.stop(pid, after: deadline) }
    }

    deinit { lifecycle.stop(process.processIdentifier) }

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
        let finished = lifecycle.wait(until: bound) && stdout.wait(until: bound) && stderr.wait(until: bound)
        guard finished, !lifecycle.timedOut else {
            lifecycle.stop(process.processIdentifier)
            throw ChildProcessError.timedOut(command: command, stdout: stdout.text, stderr: stderr.text)
        }
        return Result(
            status: process.terminationStatus,
            signal: process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil,
            stdout: stdout.text, stderr: stderr.text)
    }

    /// Stops the program (SIGTERM, then SIGKILL if it lingers) and returns what it printed.
    @discardableResult
    public func stop() throws -> Result {
        lifecycle.stop(process.processIdentifier)
        return try wait()
    }

    /// Kills the program at once, as a crash would.
    @discardableResult
    public func kill() throws -> Result {
        lifecycle.kill(process.processIdentifier)
        return try wait()
    }

    /// A child that exits before reading its input must not end the test process with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

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

/// Whether a program has exited or outlived its deadline, and the signals that stop it.
private final class Lifecycle: Sendable {
    private struct State {
        var hasExited = false
        var timedOut = false
    }

    /// How long a stopped program gets between SIGTERM and SIGKILL.
    static let grace = DispatchTimeInterval.seconds(3)

    private let state = Mutex(State())
    private let exited = DispatchGroup()

    init() { exited.enter() }

    var hasExited: Bool { state.withLock { $0.hasExited } }
    var timedOut: Bool { state.withLock { $0.timedOut } }

    func markExited() {
        state.withLock { $0.hasExited = true }
        exited.leave()
    }

    func wait(until deadline: DispatchTime) -> Bool { exited.wait(timeout: deadline) == .success }

    /// Once `deadline` passes with the program still running, marks it timed out and stops it.
    func stop(_ pid: pid_t, after deadline: DispatchTime) {
        guard !wait(until: deadline) else { return }
        state.withLock { $0.timedOut = true }
        stop(pid)
    }

    /// SIGTERM, then SIGKILL if the program is still running after the grace period.
    func stop(_ pid: pid_t) {
        guard !hasExited else { return }
        Glibc.kill(pid, SIGTERM)
        if !wait(until: .now() + Self.grace) { kill(pid) }
    }

    func kill(_ pid: pid_t) {
        guard !hasExited else { return }
        Glibc.kill(pid, SIGKILL)
        _ = wait(until: .now() + Self.grace)
    }
}

/// Drains one pipe on its own thread, so a program never blocks on a full pipe buffer.
private final class PipeReader: Sendable {
    private let data = Mutex(Data())
    private let closed = DispatchGroup()

    init(_ handle: FileHandle) {
        closed.enter()
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                data.withLock { $0.append(chunk) }
            }
            closed.leave()
        }
    }

    /// Whether the pipe closed before `deadline`.
    func wait(until deadline: DispatchTime) -> Bool { closed.wait(timeout: deadline) == .success }

    var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
}
