import Foundation
import TestSupport

/// A `tokenforge-emulator` process for one test, reached by the built `tokenforge` through the
/// hidapi stand-in library, exactly as an unmodified hidapi program would reach it.
final class EmulatorHarness {
    let directory: TemporaryDirectory
    let socket: String
    let libraryDirectory: String
    private var process: ChildProcess?
    private let arguments: [String]

    static var buildDirectory: URL { CLIRunner.executable.deletingLastPathComponent() }

    /// How long one emulator may serve before it is stopped: longer than any test that uses one.
    static let lifetime = Duration.seconds(600)

    init(count: Int = 1, extraArguments: [String] = []) throws {
        directory = try TemporaryDirectory()
        socket = directory.path("emulator.sock")
        arguments =
            ["serve", "--socket", socket, "--state-dir", directory.path("state"), "--count", String(count)]
            + extraArguments
        libraryDirectory = directory.path("lib")
        try Self.linkStandIn(into: libraryDirectory)
        try start()
    }

    deinit { _ = try? process?.stop() }

    /// The stand-in under both hidapi sonames, as LD_LIBRARY_PATH expects them.
    static func linkStandIn(into directory: String) throws {
        let library = buildDirectory.appendingPathComponent("libhidapi-standin.so").path
        guard FileManager.default.fileExists(atPath: library) else {
            throw HarnessError("\(library) is missing: build it with swift build --product hidapi-standin")
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for name in ["libhidapi-hidraw.so.0", "libhidapi-libusb.so.0"] {
            try FileManager.default.createSymbolicLink(atPath: directory + "/" + name, withDestinationPath: library)
        }
    }

    /// Starts serving and waits until the socket is there.
    func start() throws {
        try? FileManager.default.removeItem(atPath: socket)
        let process = try ChildProcess(CLIRunner.emulatorExecutable.path, arguments, timeout: Self.lifetime)
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket) {
            guard Date() < deadline, process.isRunning else {
                let result = try process.stop()
                throw HarnessError("the emulator did not start (status \(result.status)): \(result.stderr)")
            }
            usleep(20_000)
        }
    }

    /// Stops the emulator as SIGTERM does; it must exit 0.
    func stop() throws {
        guard let process else { return }
        self.process = nil
        let result = try process.stop()
        guard result.status == 0, result.signal == nil else {
            throw HarnessError("the emulator exited with status \(result.status) when stopped: \(result.stderr)")
        }
    }

    /// Kills the emulator at once, as a crash would.
    func kill() throws {
        guard let process else { return }
        self.process = nil
        try process.kill()
    }

    /// The emulator serves virtual YubiKeys to pcscd: only then do the commands look for smart cards.
    var servesSmartCards: Bool { arguments.contains("--yubikey") }

    var environment: [String: String] {
        var environment = [
            "LD_LIBRARY_PATH": libraryDirectory, "TOKENFORGE_EMULATOR_SOCKET": socket,
            "TOKENFORGE_ALLOW_TEST_TOKENS": "1", "TOKENFORGE_PIN": "123456", "TOKENFORGE_NEW_PIN": "123456",
        ]
        // pcsc-lite's client library finds pcscd through this socket: a test of HID tokens points it
        // nowhere, so a virtual YubiKey another test puts into the shared reader is not among its tokens.
        if !servesSmartCards { environment["PCSCLITE_CSOCK_NAME"] = directory.path("no-pcscd.comm") }
        return environment
    }

    /// Runs the built `tokenforge` against this emulator.
    func tokenforge(
        _ arguments: [String], stdin: String = "", environment extra: [String: String] = [:],
        program: URL = CLIRunner.executable
    ) throws -> ChildProcess.Result {
        try CLIRunner.run(
            arguments, stdin: stdin, environment: environment.merging(extra) { _, new in new }, program: program)
    }

    /// Sends a CONTROL command with `tokenforge-emulator control`; throws unless the command exits 0
    /// and the emulator answers exactly `reply` ("ok" for every command but `list`).
    func control(_ words: String, reply expected: String = "ok") throws {
        let result = try CLIRunner.run(
            ["control", "--socket", socket] + words.split(separator: " ").map(String.init),
            program: CLIRunner.emulatorExecutable, timeout: .seconds(10))
        guard result.status == 0 else {
            throw HarnessError("control \(words) exited with status \(result.status): \(result.stderr)")
        }
        let reply = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reply == expected else {
            throw HarnessError("control \(words) answered \"\(reply)\", not \"\(expected)\"")
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
