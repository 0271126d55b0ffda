import ArgumentParser
import Discovery
import Testing
import DurableFiles
import OTPCore
import SystemPackage
import TokenModel

@testable import TokenForgeCLI

/// The CLI parsed and run in this process: options land where they should, cross-option rules
/// are refused before anything runs, and library errors map to the documented exit statuses.
struct ParsingTests {
    func parse<Command: ParsableCommand>(_ arguments: [String], as type: Command.Type) throws -> Command {
        try #require(try TokenForge.parseAsRoot(arguments) as? Command)
    }

    @Test func programOptionsLandInTheCommand() throws {
        let program = try parse(
            [
                "program", "--generate", "--account", "zoe", "--slot", "3", "--force", "--device", "TFEMU0001",
                "--uri-output", "zoe.uri",
            ],
            as: ProgramCommand.self)
        #expect(program.generate)
        #expect(program.account == "zoe")
        #expect(program.slot == 3)
        #expect(program.force)
        #expect(program.device.device == "TFEMU0001")
        #expect(program.device.timeout == 3_000)
    }

    @Test func crossOptionRulesAreRefusedWhileParsing() {
        for (arguments, message) in [
            (["program", "--generate", "--slot", "300"], "--slot is a number from 0 to 254."),
            (["program", "--link-file", "x", "--slot", "1"], "--link-file programs each account into a free slot"),
            (["program", "--accounts", "1"], "--accounts chooses among the accounts of --link-file."),
            (["erase", "255"], "the slot is a number from 0 to 254."),
            (["verify", "123456", "--window", "9223372036854775807"], "--window must be 0 to 1000."),
            (["verify", "123456", "--window=-1"], "--window must be 0 to 1000."),
            (["verify", "123456", "--drift=-9223372036854775808"], "--drift must be -1000000 to 1000000 steps."),
            (["code", "--at=9223372036854775807"], "--at must be a Unix time from 0 to 253402300799"),
            (["info", "--timeout=-1"], "--timeout must be 1 to 600000 milliseconds."),
            (["slots", "--timeout=600001"], "--timeout must be 1 to 600000 milliseconds."),
            (["uri", "--account", "a", "--period", "9223372036854775807"], "--period must be 1 to 86400 seconds."),
            (["uri", "--account", "a", "--digits", "11"], "--digits must be 6 to 10."),
            (["program", "--secret-file", "s", "--account", "a", "--period", "0"], "--period must be 1 to 86400"),
            (["code", "--uri", "otpauth://totp/a?secret=GEZDGNBV"], "--uri puts the secret on the command line"),
            (["import", "--link", "otpauth://totp/a?secret=GEZDGNBV"], "--link puts secrets on the command line"),
            (
                ["program", "--generate", "--account", "zoe"],
                "--generate makes a secret that would exist only on the token"
            ),
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try TokenForge.parseAsRoot(arguments) }
            do {
                _ = try TokenForge.parseAsRoot(arguments)
            } catch {
                #expect(TokenForge.message(for: error).contains(message), "\(arguments): \(TokenForge.message(for: error))")
                #expect(TokenForge.exitCode(for: error) == .validationFailure)
            }
        }
    }

    @Test func aCommandRunInProcessFailsWithItsDocumentedStatus() throws {
        var verify = try TokenForge.parseAsRoot(
            ["verify", "12x456", "--uri", "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "--insecure-argv"])
        do {
            try verify.run()
            Issue.record("a malformed code was accepted")
        } catch let failure as CLIFailure {
            #expect(failure.status == .badInput)
        }
    }

    @Test func outputPlanErrorsMapToTheirExitStatuses() {
        let path = FilePath("x")
        #expect(CLIFailure(OutputPlanError.exists(path)).status == .outputExists)
        #expect(CLIFailure(OutputPlanError.notARegularFile(path)).status == .outputExists)
        #expect(CLIFailure(OutputPlanError.sameAsInput(output: path, input: path)).status == .usage)
        #expect(CLIFailure(OutputPlanError.sameAsOtherOutput(output: path, other: path)).status == .usage)
        #expect(TokenForgeCLI.ExitStatus.outputExists.rawValue == 80)
        #expect(TokenForgeCLI.ExitStatus.slotMayBeWritten.rawValue == 81)
    }

    @Test func escapingShowsControlCharactersAndBidiOverrides() {
        #expect(PrintableText.escaped("a\u{1B}[2J\r\n\u{7F}\u{9B}\u{202E}b\\") == #"a\u{1B}[2J\u{D}\u{A}\u{7F}\u{9B}\u{202E}b\\"#)
        #expect(PrintableText.message("line 1\nline\t2\u{1B}") == "line 1\nline\t2\\u{1B}")
        #expect(PrintableText.escaped("Zoë Müller") == "Zoë Müller")
    }

    @Test func everyTokenErrorMapsToItsExitStatus() {
        let cases: [(TokenError, TokenForgeCLI.ExitStatus)] = [
            (.disconnected("device disconnected"), .noDevice),
            (.timedOut(operation: "GET_STATUS"), .deviceIO),
            (.transport("reading failed"), .deviceIO),
            (.protocolViolation("a 3-byte answer"), .deviceIO),
            (.slot(SlotIndex(1), .occupied), .refused),
            (.pin(.wrong(retriesLeft: 2)), .pin),
            (.pin(.blocked(pin: "admin PIN", recovery: "reset")), .pin),
            (.unsupported("SHA512"), .refused),
            (.refused(operation: "SET_TIME", reason: "no"), .refused),
            (.untrusted(.testToken), .refused),
            (.verificationFailed("slot 1 does not match"), .verificationFailed),
            (.writeUnconfirmed(SlotIndex(1), detail: "the token did not answer PUT_SLOT in time"), .slotMayBeWritten),
        ]
        for (error, status) in cases { #expect(CLIFailure(error).status == status, "\(error)") }
        #expect(CLIFailure(DiscoveryError.noToken).status == .noDevice)
        #expect(CLIFailure(DiscoveryError.notInserted(serial: nil, seconds: 5)).status == .noDevice)
    }
}
