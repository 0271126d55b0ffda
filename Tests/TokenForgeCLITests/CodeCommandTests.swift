import Foundation
import OTPCore
import Testing

/// The RFC 6238 SHA-1 seed "12345678901234567890" in Base32.
let rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

@Suite(.timeLimit(.minutes(2)))
struct CodeCommandTests {
    @Test func printsTheCodeAndSecondsLeftFromASecretFile() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.file("seed", contents: rfcSecret + "\n")
        let result = try CLIRunner.run(["code", "--secret-file", file, "--digits", "8", "--at", "59"])
        #expect(result.status == 0)
        #expect(result.stdout == "94287082  (1 s left)\n")
        #expect(!result.stdout.contains(rfcSecret))
    }

    @Test func readsTheSecretFromStandardInput() throws {
        let result = try CLIRunner.run(
            ["code", "--secret-file", "-", "--digits", "8", "--at", "1111111109"], stdin: rfcSecret)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("07081804 "))
    }

    @Test func readsTheSecretFromTheEnvironment() throws {
        let result = try CLIRunner.run(
            ["code", "--digits", "8", "--at", "1234567890"], environment: ["TOKENFORGE_SECRET": rfcSecret])
        #expect(result.stdout.hasPrefix("89005924 "))
    }

    @Test func readsAURIFileWithItsParameters() throws {
        let directory = try TemporaryDirectory()
        let seed = Base32.encode(Array("1234567890123456789012345678901234567890123456789012345678901234".utf8))
        let uri = "otpauth://totp/ACME:alice?secret=\(seed)&algorithm=SHA512&digits=8"
        let file = try directory.file("uri", contents: uri)
        let result = try CLIRunner.run(["code", "--uri-file", file, "--at", "59"])
        #expect(result.stdout == "90693936  (1 s left)\n")
    }

    @Test func printsJSON() throws {
        let result = try CLIRunner.run(
            ["code", "--json", "--digits", "8", "--at", "59"], environment: ["TOKENFORGE_SECRET": rfcSecret])
        #expect(
            result.stdout
                == #"{"code":"94287082","secondsRemaining":1,"step":1,"type":"totp","validFrom":30,"validUntil":60}"#
                + "\n")
    }

    @Test func hotpURIsGiveTheCodeAtTheirCounter() throws {
        let uri = "otpauth://hotp/alice?secret=\(rfcSecret)&counter=3"
        let result = try CLIRunner.run(["code", "--uri-file", "-"], stdin: uri)
        #expect(result.stdout == "969429  (counter 3)\n")
        let overridden = try CLIRunner.run(["code", "--uri-file", "-", "--counter", "9"], stdin: uri)
        #expect(overridden.stdout == "520489  (counter 9)\n")
    }

    @Test func noCredentialExitsWithNoInput() throws {
        let result = try CLIRunner.run(["code"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("no credential"))
    }

    @Test func aMissingFileExitsWithNoInput() throws {
        let result = try CLIRunner.run(["code", "--secret-file", "/nonexistent/seed"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent/seed: no such file"))
    }

    @Test func badBase32ExitsWithBadInputNamingTheOffset() throws {
        let result = try CLIRunner.run(["code", "--secret-file", "-"], stdin: "GEZD1NBV")
        #expect(result.status == 65)
        #expect(result.stderr.contains("standard input: invalid Base32 character '1' at offset 4"))
    }

    @Test func aMalformedURINamesThePartAndHidesTheSecret() throws {
        let result = try CLIRunner.run(
            ["code", "--uri-file", "-"], stdin: "otpauth://totp/a?secret=\(rfcSecret)&digits=12")
        #expect(result.status == 65)
        #expect(result.stderr.contains("digits=\"12\""))
        #expect(!result.stderr.contains(rfcSecret))
    }

    @Test func uriParametersAndSecretParametersExcludeEachOther() throws {
        let result = try CLIRunner.run(
            ["code", "--uri", "otpauth://totp/a?secret=\(rfcSecret)", "--insecure-argv", "--digits", "8"])
        #expect(result.status == 64)
    }

    @Test func aTimeBeforeTheEpochIsAUsageError() throws {
        let result = try CLIRunner.run(["code", "--at=-5"], environment: ["TOKENFORGE_SECRET": rfcSecret])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--at must be a Unix time from 0 to 253402300799"))
    }

    @Test func helpDocumentsTheExitStatuses() throws {
        let result = try CLIRunner.run(["code", "--help"])
        #expect(result.status == 0)
        for status in ["64", "65", "66", "73"] { #expect(result.stdout.contains("\n  \(status)\t")) }
    }
}
