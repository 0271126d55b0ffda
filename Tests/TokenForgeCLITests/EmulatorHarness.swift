import Foundation
import Testing

/// A `tokenforge-emulator` process for one test, reached by the built `tokenforge` through the
/// hidapi stand-in library, exactly as an unmodified hidapi program would reach it.
final class EmulatorHarness {
    let directory: TemporaryDirectory
    let socket: String
    let libraryDirectory: String
    private var process: Process?
    private let arguments: [String]

    static var buildDirectory: URL { CLIRunner.executable.deletingLastPathComponent() }

    init(count: Int = 1, extraArguments: [String] = []) throws {
        directory = try TemporaryDirectory()
        socket = directory.path("emulator.sock")
        arguments = ["serve", "--socket", socket, "--state-dir", directory.path("state"), "--count", String(count)] + extraArguments
        libraryDirectory = directory.path("lib")
        try Self.linkStandIn(into: libraryDirectory)
        try start()
    }

    deinit { stop() }

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

    func start() throws {
        let process = Process()
        process.executableURL = Self.buildDirectory.appendingPathComponent("tokenforge-emulator")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: socket) {
            guard Date() < deadline, process.isRunning else { throw HarnessError("the emulator did not start") }
            usleep(20_000)
        }
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    /// Kills the emulator at once, as a crash would.
    func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    var environment: [String: String] {
        [
            "LD_LIBRARY_PATH": libraryDirectory, "TOKENFORGE_EMULATOR_SOCKET": socket,
            "TOKENFORGE_ALLOW_TEST_TOKENS": "1", "TOKENFORGE_PIN": "123456", "TOKENFORGE_NEW_PIN": "123456",
        ]
    }

    /// Runs the built `tokenforge` against this emulator.
    func tokenforge(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> CLIRunner.Result {
        try CLIRunner.run(arguments, stdin: stdin, environment: environment.merging(extra) { _, new in new })
    }

    func control(_ words: String) throws -> String {
        let process = Process()
        process.executableURL = Self.buildDirectory.appendingPathComponent("tokenforge-emulator")
        process.arguments = ["control", "--socket", socket] + words.split(separator: " ").map(String.init)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HarnessError("control \(words) failed") }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
