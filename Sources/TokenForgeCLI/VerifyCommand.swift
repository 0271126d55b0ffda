import ArgumentParser
import OTPCore

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a one-time code: exit 0 if it is valid, 1 if not.",
        discussion: """
            TOTP codes are accepted within --window steps each side of the current step (RFC 6238 \
            §5.2). With --last-step, a code for that step or an earlier one is refused as a replay. \
            HOTP codes are accepted at the URI's counter or up to --window counters after it.

            \(ExitStatus.helpText)
            """
    )

    @Argument(help: "The code to check (digits only).") var code: String
    @OptionGroup var credential: CredentialOptions
    @OptionGroup var clock: TimeOptions
    @Option(help: "Steps accepted on each side of the current one (TOTP), or counters ahead (HOTP); 0 to 1000.")
    var window = 1
    @Option(
        help: ArgumentHelp("The last accepted TOTP step: codes for it or earlier steps are replays.", valueName: "STEP")
    )
    var lastStep: UInt64?
    @Option(
        help: ArgumentHelp(
            "Drift recorded for this token, in steps (-1000000 to 1000000): the window is centred on now plus this.",
            valueName: "STEPS"))
    var drift = 0
    @Flag(help: "Print a JSON object instead of text.") var json = false

    /// The largest drift, in steps, `--drift` takes either way.
    static let maximumDrift = 1_000_000

    struct Output: Encodable {
        let valid: Bool
        let result: String
        let step: UInt64?
        let drift: Int?
        let counter: UInt64?
    }

    func validate() throws {
        guard (0...TOTPVerifier.maximumWindow).contains(window) else {
            throw ValidationError("--window must be 0 to \(TOTPVerifier.maximumWindow).")
        }
        guard (-Self.maximumDrift...Self.maximumDrift).contains(drift) else {
            throw ValidationError("--drift must be -\(Self.maximumDrift) to \(Self.maximumDrift) steps.")
        }
    }

    func run() throws {
        let uri = try credential.credential()
        guard code.count == uri.digits, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CLIFailure.badInput("the code must be \(uri.digits) digits, as the credential says")
        }
        let output: Output
        switch uri.kind {
        case .totp:
            let verifier = TOTPVerifier(generator: uri.totpGenerator!, window: window)
            let verification: TOTPVerification
            do {
                verification = try verifier.verify(
                    code, at: clock.time, expectedDrift: drift, lastAcceptedStep: lastStep)
            } catch {
                throw CLIFailure.badInput("--at: \(error)")
            }
            switch verification {
            case .accepted(let step, let drift):
                output = Output(valid: true, result: "accepted", step: step, drift: drift, counter: nil)
            case .replayed(let step):
                output = Output(valid: false, result: "replayed", step: step, drift: nil, counter: nil)
            case .rejected:
                output = Output(valid: false, result: "rejected", step: nil, drift: nil, counter: nil)
            }
        case .hotp(let counter):
            if let matched = uri.hotpGenerator.match(code, from: counter, lookAhead: window) {
                output = Output(valid: true, result: "accepted", step: nil, drift: nil, counter: matched)
            } else {
                output = Output(valid: false, result: "rejected", step: nil, drift: nil, counter: nil)
            }
        }
        if json {
            try JSONOutput.print(output)
        } else {
            print(Self.text(output))
        }
        if !output.valid { throw ExitCode(ExitStatus.codeRejected.rawValue) }
    }

    private static func text(_ output: Output) -> String {
        switch output.result {
        case "accepted":
            if let counter = output.counter {
                guard counter < .max else { return "valid: counter \(counter), the last one: no further code exists" }
                return "valid: counter \(counter); next counter \(counter + 1)"
            }
            return "valid: step \(output.step!), drift \(output.drift!) step(s)"
        case "replayed":
            return "not valid: replay of step \(output.step!), at or before the last accepted step"
        default:
            return "not valid"
        }
    }
}
