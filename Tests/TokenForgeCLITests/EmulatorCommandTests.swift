import Foundation
import TestSupport
import Testing

/// `tokenforge-emulator` run as a user would: every failure is a message on standard error and a
/// non-zero exit status.
@Suite(.timeLimit(.minutes(2)))
struct EmulatorCommandTests {
    func emulator(_ arguments: [String]) throws -> ChildProcess.Result {
        try CLIRunner.run(arguments, program: CLIRunner.emulatorExecutable, timeout: .seconds(30))
    }

    @Test func controlWithoutARunningEmulatorIsUnavailable() throws {
        let result = try emulator(["control", "--socket", "/nonexistent/emulator.sock", "stall", "X", "on"])
        #expect(result.status == 69)
        #expect(
            result.stderr.hasPrefix("tokenforge-emulator: cannot reach the emulator on /nonexistent/emulator.sock: "),
            "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aControlCommandTheEmulatorRefusesExitsOne() throws {
        let harness = try EmulatorHarness()
        let unknownSerial = try emulator(["control", "--socket", harness.socket, "stall", "X", "on"])
        #expect(unknownSerial.status == 1)
        #expect(unknownSerial.stderr == "tokenforge-emulator: stall needs the serial of an emulated token\n")
        #expect(unknownSerial.stdout.isEmpty)
        let unknownCommand = try emulator(["control", "--socket", harness.socket, "frobnicate", "TFEMU0001"])
        #expect(unknownCommand.status == 1)
        #expect(unknownCommand.stderr == "tokenforge-emulator: unknown control command frobnicate\n")
    }

    @Test func aCorruptFlashImageIsADataError() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("state"), withIntermediateDirectories: true)
        let image = try directory.file("state/TFEMU0001.flash", contents: "not a flash image, just text")
        let result = try emulator([
            "serve", "--socket", directory.path("emulator.sock"), "--state-dir", directory.path("state"),
        ])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("tokenforge-emulator: \(image): "), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.path("emulator.sock")))
    }

    @Test func anUnreadableFlashImageIsAnIOError() throws {
        let directory = try TemporaryDirectory()
        let image = directory.path("state/TFEMU0001.flash")
        try FileManager.default.createDirectory(atPath: image, withIntermediateDirectories: true)
        let result = try emulator([
            "serve", "--socket", directory.path("emulator.sock"), "--state-dir", directory.path("state"),
        ])
        #expect(result.status == 74)
        #expect(result.stderr.hasPrefix("tokenforge-emulator: \(image): "), "\(result.stderr)")
    }

    @Test func aFaultTheTokensDoNotTakeIsAUsageError() throws {
        let directory = try TemporaryDirectory()
        let result = try emulator([
            "serve", "--socket", directory.path("emulator.sock"), "--state-dir", directory.path("state"),
            "--fault", "frobnicate on",
        ])
        #expect(result.status == 64)
        #expect(
            result.stderr == "tokenforge-emulator: --fault \"frobnicate on\": unknown control command frobnicate\n")
    }

    @Test(arguments: [[String](), ["serve"], ["control"]])
    func helpDocumentsTheExitStatuses(subcommand: [String]) throws {
        let result = try emulator(subcommand + ["--help"])
        #expect(result.status == 0)
        for status in ["0", "1", "64", "65", "69", "73", "74"] {
            #expect(result.stdout.contains("\n  \(status)\t"), "status \(status) in \(subcommand) --help")
        }
    }
}
