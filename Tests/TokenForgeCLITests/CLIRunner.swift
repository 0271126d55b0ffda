import Foundation
import TestSupport

/// Runs the built executables as a user would and captures what they print.
enum CLIRunner {
    /// The `tokenforge` executable next to the test bundle (`swift build` puts both in one
    /// directory), or TOKENFORGE_BIN when set.
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["TOKENFORGE_BIN"] { return URL(fileURLWithPath: path) }
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("tokenforge")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: "tokenforge")
    }()

    /// The `tokenforge-emulator` executable built with `tokenforge`.
    static var emulatorExecutable: URL {
        executable.deletingLastPathComponent().appendingPathComponent("tokenforge-emulator")
    }

    /// The test-only `tokenforge` that kills itself after TOKENFORGE_FAULT_STOP_AFTER_STEPS
    /// committed issuance steps (Tests/FaultInjection).
    static var faultInjectionExecutable: URL {
        executable.deletingLastPathComponent().appendingPathComponent("tokenforge-fault-injection")
    }

    /// Runs `tokenforge` (or `program`) with the test's environment minus any credential, plus `environment`.
    static func run(
        _ arguments: [String], stdin: String = "", environment: [String: String] = [:], program: URL = executable,
        timeout: Duration = .seconds(60)
    ) throws -> ChildProcess.Result {
        var processEnvironment = ProcessInfo.processInfo.environment
        processEnvironment["TOKENFORGE_SECRET"] = nil
        processEnvironment["TOKENFORGE_URI"] = nil
        processEnvironment.merge(environment) { _, new in new }
        return try ChildProcess.run(
            program.path, arguments, environment: processEnvironment, stdin: Data(stdin.utf8), timeout: timeout)
    }
}

extension ChildProcess.Result {
    /// Standard output decoded as the JSON a `--json` flag prints.
    func json<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(type, from: Data(stdout.utf8))
    }
}

/// A fresh directory for one test's files, removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tokenforge-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func file(_ name: String, contents: String, mode: Int = 0o600) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
