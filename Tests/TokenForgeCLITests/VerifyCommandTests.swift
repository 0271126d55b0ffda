import Foundation
import Testing

@Suite(.timeLimit(.minutes(2)))
struct VerifyCommandTests {
    let environment = ["TOKENFORGE_SECRET": rfcSecret]

    @Test func acceptsACodeOneStepLateAndReportsTheDrift() throws {
        // 07081804 is the code of step 37037036; at 1111111111 the clock is at step 37037037.
        let result = try CLIRunner.run(
            ["verify", "07081804", "--digits", "8", "--at", "1111111111"], environment: environment)
        #expect(result.status == 0)
        #expect(result.stdout == "valid: step 37037036, drift -1 step(s)\n")
    }

    @Test func rejectsACodeOutsideTheWindowWithStatusOne() throws {
        let result = try CLIRunner.run(
            ["verify", "07081804", "--digits", "8", "--at", "1111111200"], environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout == "not valid\n")
    }

    @Test func refusesAReplayedStep() throws {
        let result = try CLIRunner.run(
            ["verify", "14050471", "--digits", "8", "--at", "1111111111", "--last-step", "37037037", "--json"],
            environment: environment)
        #expect(result.status == 1)
        #expect(result.stdout == #"{"result":"replayed","step":37037037,"valid":false}"# + "\n")
    }

    @Test func aCodeOfTheWrongShapeIsBadInput() throws {
        let result = try CLIRunner.run(["verify", "12345", "--at", "59"], environment: environment)
        #expect(result.status == 65)
        #expect(result.stderr.contains("6 digits"))
    }

    @Test func verifiesHOTPWithLookAhead() throws {
        let uri = "otpauth://hotp/alice?secret=\(rfcSecret)&counter=1"
        let result = try CLIRunner.run(["verify", "969429", "--uri-file", "-", "--window", "2"], stdin: uri)
        #expect(result.status == 0)
        #expect(result.stdout == "valid: counter 3; next counter 4\n")
    }
}
