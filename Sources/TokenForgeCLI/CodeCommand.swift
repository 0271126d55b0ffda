import TokenModel
import ArgumentParser
import OTPCore
import TokenDrivers
import TokenWire

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
    @Option(help: ArgumentHelp("Ask a token for the code of this slot instead (needs the PIN).", valueName: "N"))
    var slot: Int?
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions
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
        if let slot { return try tokenCode(slot: slot) }
        let uri = try credential.credential()
        let output: Output
        switch uri.kind {
        case .totp:
            let generator = uri.totpGenerator!
            let time = clock.time
            do {
                let step = try generator.step(at: time)
                let remaining = try generator.secondsRemaining(at: time)
                let validity = try generator.validity(at: time)
                output = Output(
                    code: generator.code(step: step), type: "totp", step: step, secondsRemaining: remaining,
                    validFrom: validity.lowerBound,
                    validUntil: validity.upperBound == .max ? .max : validity.upperBound + 1,
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

    /// The code a token computes for `slot`: TOTP on the token's clock (or --at), HOTP at its counter.
    private func tokenCode(slot: Int) throws {
        guard (0...254).contains(slot) else { throw CLIFailure.usage("--slot is a number from 0 to 254") }
        let driver = try device.openDriver()
        let answer = try withDriver {
            let capabilities = try driver.capabilities()
            if capabilities.pinToRead { try driver.verifyPIN(try pin.pin()) }
            if !capabilities.readableClock, clock.at == nil {
                // A token whose clock cannot be read (a Nitrokey Pro lost it when unplugged) gets this computer's first.
                _ = try driver.synchroniseClock(to: clock.time)
            }
            // A token without a clock (a YubiKey) computes for the time sent: this computer's unless --at.
            let time = clock.at ?? (capabilities.codesAtAnyTime && !capabilities.readableClock ? clock.time : nil)
            return try driver.calculate(SlotIndex(slot), at: time.map { UInt64(clamping: $0) })
        }
        if json {
            try JSONOutput.print(
                Output(
                    code: answer.code, type: answer.counter == nil ? "totp" : "hotp", step: nil, secondsRemaining: nil,
                    validFrom: nil, validUntil: nil, counter: answer.counter))
        } else {
            print(answer.counter.map { "\(answer.code)  (counter \($0))" } ?? answer.code)
        }
    }
}
