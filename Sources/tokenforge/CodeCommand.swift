import ArgumentParser
import OTPCore

struct CodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "code",
        abstract: "Print the current one-time code of a credential and the seconds it has left.",
        discussion: """
            The credential comes from --uri-file, --secret-file, --uri, or the environment \
            (TOKENFORGE_URI, TOKENFORGE_SECRET). For HOTP the code is the one at the counter.

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var credential: CredentialOptions
    @OptionGroup var clock: TimeOptions
    @Flag(help: "Print a JSON object instead of text.") var json = false

    struct Output: Encodable {
        let code: String
        let type: String
        let step: UInt64?
        let secondsRemaining: Int?
        let validFrom: Int64?
        let validUntil: Int64?
        let counter: UInt64?
    }

    func run() throws {
        let uri = try credential.credential()
        let output: Output
        switch uri.kind {
        case .totp:
            let generator = uri.totpGenerator!
            let time = clock.time
            do {
                let step = try generator.step(at: time)
                let remaining = try generator.secondsRemaining(at: time)
                output = Output(
                    code: generator.code(step: step), type: "totp", step: step, secondsRemaining: remaining,
                    validFrom: time + Int64(remaining) - Int64(generator.period), validUntil: time + Int64(remaining),
                    counter: nil)
            } catch {
                throw CLIFailure.badInput("--at: \(error)")
            }
        case .hotp(let counter):
            output = Output(
                code: uri.hotpGenerator.code(counter: counter), type: "hotp", step: nil, secondsRemaining: nil,
                validFrom: nil, validUntil: nil, counter: counter)
        }
        if json {
            try JSONOutput.print(output)
        } else if let remaining = output.secondsRemaining {
            print("\(output.code)  (\(remaining) s left)")
        } else {
            print("\(output.code)  (counter \(output.counter!))")
        }
    }
}
