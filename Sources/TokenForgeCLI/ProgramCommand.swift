import Activation
import ArgumentParser
import Foundation
import OTPCore
import Provisioning
import TokenDrivers
import TokenModel

struct ProgramCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "program",
        abstract: "Program a TOTP or HOTP seed into a token slot, then verify it by reading a code back.",
        discussion: """
            The seed comes from --uri-file, --uri, --secret-file, TOKENFORGE_URI, TOKENFORGE_SECRET, \
            or --generate. The token's clock is set first; the seed is sent encrypted to the token's \
            attested key when the token supports it; the slot counts as programmed only when the \
            token's code equals this computer's. The URI of what was programmed is shown only with \
            --show-uri or written with --uri-output (mode 0600), for enrolling the same account in an app.

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var credential: CredentialOptions
    @Flag(help: "Generate a new secret (as long as the algorithm's output).") var generate = false
    @Option(
        help: ArgumentHelp(
            "Program the accounts of a Google Authenticator export link (otpauth-migration://) read from FILE (\"-\" for standard input), each into a free slot.",
            valueName: "FILE"))
    var linkFile: String?
    @Option(
        help: ArgumentHelp(
            "With --link-file: the accounts to program, by number (from 1) or label, comma-separated (default: all).",
            valueName: "LIST"))
    var accounts: String?
    @Option(help: "Account name stored in the slot (required unless a URI gives it).") var account: String?
    @Option(help: "Issuer stored in the slot.") var issuer: String?
    @Option(help: "Slot number (default: the first free slot).") var slot: Int?
    @Flag(help: "Overwrite the slot if it is in use.") var force = false
    @Flag(help: "Send the seed unencrypted when the token cannot take it encrypted.") var allowPlainImport = false
    @Flag(help: "Print the otpauth URI of what was programmed (it holds the secret).") var showURI = false
    @Flag(help: "Show the QR code of what was programmed in the terminal, to enrol the same account in an app.")
    var qr = false
    @Option(help: ArgumentHelp("Write the otpauth URI of what was programmed to FILE (mode 0600).", valueName: "FILE"))
    var uriOutput: String?
    @Flag(help: "Replace an existing regular file at --uri-output (never a link, device or FIFO).")
    var forceOutput = false
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions
    @Flag(help: "Print a JSON object instead of text.") var json = false

    struct Output: Encodable {
        let serial: String
        let slot: Int
        let label: String
        let type: String
        let algorithm: String
        let digits: Int
        let verified: Bool
        let encrypted: Bool
        let clockDriftBeforeSync: Int64?
        let nextCounter: UInt64?
        let uri: String?
    }

    func validate() throws {
        if let slot, !(0...254).contains(slot) { throw ValidationError("--slot is a number from 0 to 254.") }
        if linkFile != nil, generate || slot != nil || showURI || qr || uriOutput != nil || json {
            throw ValidationError(
                "--link-file programs each account into a free slot: --generate, --slot, --show-uri, --qr, --uri-output and --json do not apply."
            )
        }
        if accounts != nil, linkFile == nil {
            throw ValidationError("--accounts chooses among the accounts of --link-file.")
        }
        if generate, credential.uri != nil || credential.uriFile != nil || credential.secretFile != nil {
            throw ValidationError("--generate makes a new secret: do not also give --uri, --uri-file or --secret-file.")
        }
        if generate, uriOutput == nil, !showURI, !qr {
            throw ValidationError(
                "--generate makes a secret that would exist only on the token: give --uri-output FILE (or --show-uri or --qr) so an app or server can have it too."
            )
        }
    }

    func run() throws {
        var outputs = CommandOutputs(
            force: forceOutput, inputs: [credential.uriFile, credential.secretFile, linkFile, pin.pinFile])
        try outputs.add(uriOutput)
        if let linkFile { return try programExport(from: linkFile) }
        let uri = try credentialToProgram()
        let driver = try device.openDriver()
        var options = SlotProgrammer.Options()
        options.overwrite = force
        options.allowTestTokens = device.testTokensAllowed
        options.allowPlainImport = allowPlainImport
        let serial = try withDriver {
            let serial = try driver.serialNumber()
            if try driver.needsPINToProgram() { try driver.verifyPIN(try pin.pin()) }
            return serial
        }
        let result: SlotProgrammer.Result
        do {
            result = try withDriver {
                try SlotProgrammer(driver: driver, options: options).program(
                    uri, slot: slot.map(SlotIndex.init), now: Int64(Date().timeIntervalSince1970))
            }
        } catch let failure as CLIFailure where failure.status == .slotMayBeWritten {
            throw keepingURI(uri, after: failure, outputs: outputs)
        }
        var enrolled = uri
        if let next = result.nextCounter {
            enrolled = try OTPParameters.uri(
                kind: .hotp(counter: next), account: uri.account, issuer: uri.issuer, secret: uri.secret,
                algorithm: uri.algorithm, digits: uri.digits)
        }
        if let uriOutput {
            do { try outputs.write(Array((enrolled.uriString + "\n").utf8), to: uriOutput) } catch let failure
                as CLIFailure
            {
                throw CLIFailure(
                    status: failure.status,
                    message:
                        "slot \(result.slot.rawValue) was programmed and verified, but \(uriOutput) cannot be written: \(failure.message)"
                )
            }
        }
        let output = Output(
            serial: serial, slot: Int(result.slot.rawValue), label: uri.label, type: uri.kind.typeName,
            algorithm: uri.algorithm.rawValue, digits: uri.digits, verified: true, encrypted: result.encrypted,
            clockDriftBeforeSync: result.clockDriftBeforeSync, nextCounter: result.nextCounter,
            uri: showURI ? enrolled.uriString : nil)
        if json { return try JSONOutput.print(output) }
        print(
            "programmed slot \(output.slot) of token \(PrintableText.escaped(serial)): \(PrintableText.escaped(uri.label)), \(uri.kind.typeName.uppercased()) \(uri.algorithm.rawValue) \(uri.digits) digits"
        )
        print(
            "verified: the token's code matches this computer's; seed sent \(result.encrypted ? "encrypted" : "in clear")"
        )
        if let name = result.storedName {
            print("the token keeps the name \"\(PrintableText.escaped(name))\" (all its slot names can hold)")
        }
        if let drift = result.clockDriftBeforeSync {
            print("token clock was \(drift >= 0 ? "+" : "")\(drift) s off; now set")
        }
        if let next = result.nextCounter {
            print("HOTP: verification used counter \(next - 1); the next code is at counter \(next)")
        }
        if let uriOutput { print("wrote the otpauth URI to \(PrintableText.escaped(uriOutput))") }
        if showURI { print(enrolled.uriString) }
        if qr {
            do {
                print(try ActivationCode.qrCode(for: enrolled, allowingIncompatible: true).terminalText())
            } catch {
                throw CLIFailure.badInput(
                    "slot \(result.slot.rawValue) was programmed and verified, but its QR code cannot be drawn: \(error)"
                )
            }
        }
    }

    /// After a write whose answer was lost, the URI still goes where it was asked to (the slot may
    /// hold its secret); the failure says where it went.
    private func keepingURI(_ uri: OTPAuthURI, after failure: CLIFailure, outputs: CommandOutputs) -> CLIFailure {
        var message = failure.message
        if let uriOutput {
            do {
                try outputs.write(Array((uri.uriString + "\n").utf8), to: uriOutput)
                message += "; the otpauth URI was saved to \(PrintableText.escaped(uriOutput)) (mode 0600)"
            } catch let writeFailure as CLIFailure {
                message += "; the otpauth URI could not be saved: \(writeFailure.message)"
            } catch {
                message += "; the otpauth URI could not be saved: \(error)"
            }
        }
        if showURI { print(uri.uriString) }
        return CLIFailure(status: failure.status, message: message)
    }

    /// Programs the chosen accounts of a Google Authenticator export, each into the first free slot.
    private func programExport(from file: String) throws {
        let exported = try ImportCommand.accounts(
            in: try AccountLines.payloads(file), allowingIncompleteExports: false)
        let selection: AccountSelection
        if let accounts {
            let items = accounts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let numbers = items.compactMap(Int.init)
            selection = numbers.count == items.count ? .numbers(numbers) : .labels(items)
        } else {
            selection = .all
        }
        let chosen: [OTPAuthURI]
        do { chosen = try selection.apply(to: exported) } catch {
            throw CLIFailure.badInput("--accounts: \(error)")
        }
        for account in chosen { try SecretStrength.check(account, allowingWeak: credential.allowWeakSecret) }
        let driver = try device.openDriver()
        var options = SlotProgrammer.Options()
        options.allowTestTokens = device.testTokensAllowed
        options.allowPlainImport = allowPlainImport
        let serial = try withDriver {
            let serial = try driver.serialNumber()
            if try driver.needsPINToProgram() { try driver.verifyPIN(try pin.pin()) }
            return serial
        }
        try withDriver {
            _ = try SlotProgrammer(driver: driver, options: options).programAll(
                chosen, now: { Int64(Date().timeIntervalSince1970) }
            ) { uri, result in
                let (token, label) = (PrintableText.escaped(serial), PrintableText.escaped(uri.label))
                print("programmed and verified slot \(result.slot.rawValue) of token \(token): \(label)")
            }
        }
    }

    /// The URI, secret, or generated secret to program, with account and issuer applied.
    private func credentialToProgram() throws -> OTPAuthURI {
        let base: OTPAuthURI
        if generate {
            let algorithm = try OTPParameters.algorithm(credential.algorithm)
            let kind: OTPAuthURI.Kind =
                credential.counter.map { .hotp(counter: $0) } ?? .totp(period: credential.period ?? 30)
            guard let account else { throw CLIFailure.usage("--generate needs --account") }
            return try OTPParameters.uri(
                kind: kind, account: account, issuer: issuer, secret: Secret.random(for: algorithm),
                algorithm: algorithm,
                digits: credential.digits ?? 6)
        }
        base = try credential.credential()
        let fromURI =
            credential.uri != nil || credential.uriFile != nil
            || (credential.secretFile == nil && ProcessInfo.processInfo.environment["TOKENFORGE_URI"]?.isEmpty == false)
        guard !fromURI || (account == nil && issuer == nil) else {
            throw CLIFailure.usage("--account and --issuer apply to a bare secret; the URI names the account itself")
        }
        guard fromURI || account != nil else { throw CLIFailure.usage("a bare secret needs --account") }
        return try OTPParameters.uri(
            kind: base.kind, account: account ?? base.account, issuer: fromURI ? base.issuer : issuer,
            secret: base.secret,
            algorithm: base.algorithm, digits: base.digits)
    }
}

extension OTPTokenDriver {
    /// HID tokens are always unlocked to program; a smart-card application only when it has a password.
    func needsPINToProgram() throws(TokenError) -> Bool {
        if family.applicationID == nil { return true }
        return try tokenInfo().pinSet
    }
}
