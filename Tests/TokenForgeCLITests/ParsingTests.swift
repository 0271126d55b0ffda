import ArgumentParser
import Discovery
import Testing
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
            ["program", "--generate", "--account", "zoe", "--slot", "3", "--force", "--device", "TFEMU0001"],
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
        var verify = try TokenForge.parseAsRoot(["verify", "12x456", "--uri", "otpauth://totp/a?secret=GEZDGNBV"])
        do {
            try verify.run()
            Issue.record("a malformed code was accepted")
        } catch let failure as CLIFailure {
            #expect(failure.status == .badInput)
        }
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
        ]
        for (error, status) in cases { #expect(CLIFailure(error).status == status, "\(error)") }
        #expect(CLIFailure(DiscoveryError.noToken).status == .noDevice)
        #expect(CLIFailure(DiscoveryError.notInserted(serial: nil, seconds: 5)).status == .noDevice)
    }
}
