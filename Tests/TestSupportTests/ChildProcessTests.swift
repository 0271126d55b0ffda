import Foundation
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ChildProcessTests {
    @Test func returnsTheExitStatusAndBothOutputs() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(result.status == 3)
        #expect(result.signal == nil)
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
    }

    @Test func namesTheSignalThatEndedTheProgram() throws {
        let result = try ChildProcess.run("/bin/sh", ["-c", "kill -KILL $$"])
        #expect(result.signal == SIGKILL)
    }

    @Test func passesEnvironmentAndStandardInput() throws {
        let input = String(repeating: "0123456789abcdef", count: 16_384)
        let result = try ChildProcess.run(
            "/bin/sh", ["-c", "printf %s \"$GREETING\" >&2; cat"], environment: ["GREETING": "hello"],
            stdin: Data(input.utf8))
        #expect(result.status == 0)
        #expect(result.stderr == "hello")
        #expect(result.stdout == input)
    }

    @Test func readsMoreThanAPipeBufferOnBothStreamsAtOnce() throws {
        let result = try ChildProcess.run(
            "/bin/sh", ["-c", "head -c 1048576 /dev/zero | tr '\\0' o; head -c 1048576 /dev/zero | tr '\\0' e >&2"])
        #expect(result.status == 0)
        #expect(result.stdout.utf8.count == 1_048_576)
        #expect(result.stderr.utf8.count == 1_048_576)
    }

    @Test func aProgramPastItsTimeoutIsKilledAndNamed() throws {
        let start = ContinuousClock.now
        #expect {
            try ChildProcess.run("/bin/sleep", ["30"], timeout: .milliseconds(300))
        } throws: { error in
            guard case ChildProcessError.timedOut(let command, _, _) = error else { return false }
            return command == "/bin/sleep 30"
        }
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func aProgramIgnoringSIGTERMIsKilledWithSIGKILL() throws {
        let child = try ChildProcess("/bin/sh", ["-c", "trap '' TERM; exec sleep 30"], timeout: .seconds(30))
        usleep(200_000)
        let start = ContinuousClock.now
        let result = try child.stop()
        #expect(result.signal == SIGKILL)
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(!child.isRunning)
    }

    @Test func aMissingProgramCannotStart() throws {
        #expect {
            try ChildProcess.run("/nonexistent/program")
        } throws: { error in
            guard case ChildProcessError.cannotStart(let command, _) = error else { return false }
            return command == "/nonexistent/program"
        }
    }
}
