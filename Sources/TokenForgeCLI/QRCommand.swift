import Activation
import ArgumentParser
import Foundation
import OTPCore

struct QRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Show or save the QR code that enrols an account in an authenticator app.",
        discussion: """
            The account comes from --uri-file, --uri or TOKENFORGE_URI, or is built from --account \
            and --issuer with the secret from --secret-file or TOKENFORGE_SECRET, or a new one \
            (then --uri-output keeps its URI for the server). It must suit the app named by --app: \
            the default, any, is TOTP, SHA1, 6 digits, 30 s, which every app gets right; a parameter \
            the app would mishandle is refused (exit 78) unless --allow-incompatible.

            The terminal drawing is black on white in ANSI colours, so it reads the same on dark and \
            light terminals; --plain and --invert leave colours to the terminal. PNG and SVG files \
            hold the secret: they are written with mode 0600.

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var credential: CredentialOptions
    @Option(help: "Build a new account with this name (as `tokenforge uri` does).") var account: String?
    @Option(help: "The service name shown in the app, with --account.") var issuer: String?
    @Option(
        help: ArgumentHelp(
            "Length of a generated secret in bytes, 16 to 128 (default: the hash output rounded up to whole 8-character Base32 groups: 20, 35 or 65).",
            valueName: "N"))
    var secretBytes: Int?
    @Option(
        help: ArgumentHelp(
            "With --account: write the account's otpauth URI to FILE (mode 0600). Required for a generated secret.",
            valueName: "FILE"))
    var uriOutput: String?
    @Flag(help: "Replace existing regular files at --output and --uri-output (never a link, device or FIFO).")
    var force = false
    @OptionGroup var app: AppOptions
    @OptionGroup var image: QRImageOptions

    func validate() throws {
        if account == nil, issuer != nil || secretBytes != nil || uriOutput != nil {
            throw ValidationError("--issuer, --secret-bytes and --uri-output build a new account: give --account too.")
        }
        if let secretBytes, !(16...128).contains(secretBytes) {
            throw ValidationError("--secret-bytes must be 16 to 128 (RFC 4226 §4 asks for at least 16).")
        }
        if account != nil, credential.uri != nil || credential.uriFile != nil {
            throw ValidationError("--account builds a new account: do not also give --uri or --uri-file.")
        }
    }

    func run() throws {
        var outputs = CommandOutputs(force: force, inputs: [credential.uriFile, credential.secretFile])
        try outputs.add(uriOutput, image.output)
        let (uri, generated) = try accountToShow()
        try app.check(uri)
        let code = try image.qrCode(encoding: uri.uriString)
        if let uriOutput {
            try outputs.write(Array((uri.uriString + "\n").utf8), to: uriOutput)
        } else if generated {
            throw CLIFailure.usage(
                "the new secret would exist only in the QR code: give --uri-output FILE to keep the URI for the server")
        }
        try image.emit(code, outputs: outputs)
        if let output = image.output, output != "-" {
            print("wrote the QR code of \(PrintableText.escaped(uri.label)) to \(PrintableText.escaped(output))")
        }
    }

    private func accountToShow() throws -> (uri: OTPAuthURI, generated: Bool) {
        guard let account else {
            let environment = ProcessInfo.processInfo.environment
            let fromURI =
                credential.uri != nil || credential.uriFile != nil
                || (credential.secretFile == nil && environment["TOKENFORGE_URI"]?.isEmpty == false)
            let uri = try credential.credential()
            guard fromURI else { throw CLIFailure.usage("a bare secret needs --account: the name the app shows") }
            return (uri, false)
        }
        let algorithm = try OTPParameters.algorithm(credential.algorithm)
        let kind: OTPAuthURI.Kind =
            credential.counter.map { .hotp(counter: $0) } ?? .totp(period: credential.period ?? 30)
        let (secret, generated) = try AccountSecret.existingOrNew(
            file: credential.secretFile, byteCount: secretBytes ?? AppProfile.secretByteCount(for: algorithm),
            allowingWeak: credential.allowWeakSecret)
        let uri = try OTPParameters.uri(
            kind: kind, account: account, issuer: issuer, secret: secret, algorithm: algorithm,
            digits: credential.digits ?? 6)
        return (uri, generated)
    }
}
