import Foundation
import OTPCore
import TestSupport
import Testing

/// Writes whose answer is lost, and values a token cannot carry, on emulated tokens.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct HardeningDeviceTests {
    @Test func aLostAnswerAfterTheWriteSaysTheSlotMayBeWrittenAndKeepsTheURI() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        try emulator.control("stall-after TFEMU0001 PUT_SLOT")
        let uri = emulator.directory.path("zoe.uri")
        let result = try emulator.tokenforge(
            ["program", "--generate", "--account", "zoe", "--timeout", "300", "--uri-output", uri])
        #expect(result.status == 81, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(
            result.stderr
                == "tokenforge: the token did not answer PUT_SLOT in time: check that it is plugged in; slot 0 may have been written: check with `tokenforge slots` and `tokenforge code --slot 0`; the otpauth URI was saved to \(uri) (mode 0600)\n"
        )
        let mode = try FileManager.default.attributesOfItem(atPath: uri)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let saved = try OTPAuthURI(
            parsing: String(contentsOfFile: uri, encoding: .utf8).trimmingCharacters(in: .newlines))
        try emulator.control("stall TFEMU0001 off")
        #expect(try emulator.tokenforge(["slots"]).stdout == "0\tTOTP SHA1 6 digits 30 s\tzoe\n")
        let code = try emulator.tokenforge(["code", "--slot", "0", "--at", "1700000000"])
        #expect(code.stdout == (try saved.totpGenerator!.code(at: 1_700_000_000)) + "\n")
    }

    @Test func generateWithoutAnywhereForTheSecretIsRefusedBeforeTheToken() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let result = try emulator.tokenforge(["program", "--generate", "--account", "zoe"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("would exist only on the token"))
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
    }

    @Test func anExistingURIOutputIsRefusedBeforeTheTokenIsTouched() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let existing = try emulator.directory.file("zoe.uri", contents: "keep\n")
        let refused = try emulator.tokenforge(["program", "--generate", "--account", "zoe", "--uri-output", existing])
        #expect(refused.status == 80, "\(refused.stderr)")
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep\n")
        let replaced = try emulator.tokenforge(
            ["program", "--generate", "--account", "zoe", "--uri-output", existing, "--force-output"])
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8).hasPrefix("otpauth://totp/zoe?secret="))
    }

    @Test func aOneByteSecretIsNotProgrammed() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let result = try emulator.tokenforge(["program", "--uri-file", "-"], stdin: "otpauth://totp/a?secret=GE")
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("the secret of a has 1 byte(s), fewer than the 16"), "\(result.stderr)")
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
    }

    @Test func aPeriodNoTokenCarriesIsRefusedBeforeWriting() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let result = try emulator.tokenforge(
            ["program", "--uri-file", "-"],
            stdin: "otpauth://totp/a?secret=\(Self.secret)&period=9223372036854775807")
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("a TOTP period of 9223372036854775807 s cannot be programmed"))
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
    }

    @Test func theLastHOTPCounterIsRefusedBeforeWritingANitrokey() throws {
        let emulator = try EmulatorHarness(count: 0, extraArguments: ["--nitrokey", "1"])
        let pin = ["TOKENFORGE_PIN": "12345678"]
        let result = try emulator.tokenforge(
            ["program", "--uri-file", "-"],
            stdin: "otpauth://hotp/a?secret=\(Self.secret)&counter=18446744073709551615",
            environment: pin)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.signal == nil)
        #expect(result.stderr.contains("an HOTP counter of 2^64-1 cannot be programmed"))
        #expect(try emulator.tokenforge(["slots"], environment: pin).stdout == "no slot is in use\n")
    }

    @Test func anEmulatorClockJumpPastTimeIsRefusedAndTheEmulatorLives() throws {
        let emulator = try EmulatorHarness()
        let refused = try CLIRunner.run(
            ["control", "--socket", emulator.socket, "clock", "TFEMU0001", "9223372036854775807"],
            program: CLIRunner.emulatorExecutable, timeout: .seconds(10))
        #expect(refused.status == 1)
        #expect(refused.stderr == "tokenforge-emulator: clock: SECONDS must be within ±1000000000000\n")
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        #expect(try emulator.tokenforge(["time", "--sync"]).status == 0)
        for _ in 0..<10 { try emulator.control("clock TFEMU0001 1000000000000") }
        let time = try emulator.tokenforge(["time", "--json"])
        #expect(time.status == 0, "\(time.stderr)")
        #expect(try time.json(TimeJSON.self).driftSeconds ?? 0 > 9_000_000_000_000)
        try emulator.control("list", reply: "TFEMU0001 plugged")
    }

    @Test func programLinkFileTakesEveryLinkThatExportMigrationWrites() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let uris = (1...11).map { "otpauth://totp/ACME:user\($0)?secret=\(Self.secret)" }.joined(separator: "\n")
        let accounts = try emulator.directory.file("staff.uris", contents: uris + "\n")
        let links = emulator.directory.path("links.txt")
        let export = try emulator.tokenforge(["export-migration", accounts, "--links", "--output", links])
        #expect(export.stdout == "wrote 2 link(s) to \(links)\n", "\(export.stderr)")
        let program = try emulator.tokenforge(["program", "--link-file", links])
        #expect(program.status == 0, "\(program.stderr)")
        #expect(program.stdout.split(separator: "\n").count == 11)
        #expect(program.stdout.hasSuffix("slot 10 of token TFEMU0001: ACME:user11\n"))
        let chosen = try emulator.tokenforge(["program", "--link-file", links, "--accounts", "ACME:user11"])
        #expect(
            chosen.stdout == "programmed and verified slot 11 of token TFEMU0001: ACME:user11\n", "\(chosen.stderr)")
        let half = emulator.directory.path("half.txt")
        let firstLink = try String(contentsOfFile: links, encoding: .utf8).split(separator: "\n")[0]
        try Data((firstLink + "\n").utf8).write(to: URL(fileURLWithPath: half))
        let incomplete = try emulator.tokenforge(["program", "--link-file", half])
        #expect(incomplete.status == 65)
        #expect(incomplete.stderr.contains("code(s) 2 were not given"))
    }

    static let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
}
