import Activation
import ArgumentParser
import Foundation
import OTPCore

extension AppProfile: ExpressibleByArgument {}

extension QRRendering.Format: ExpressibleByArgument {}

extension QRCode.ErrorCorrection: ExpressibleByArgument {
    public init?(argument: String) { self.init(letter: argument) }
}

/// `--app` and its override: which authenticator app the account must work in.
struct AppOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The authenticator app staff use: any (TOTP, SHA1, 6 digits, 30 s: works in every app), google (iOS), google-android, microsoft, accesssecurium, aegis or freeotp. Parameters the app would mishandle are refused.",
            valueName: "APP"))
    var app: AppProfile = .any

    @Flag(help: "Make the code even when the app would mishandle the account's parameters (a warning names them).")
    var allowIncompatible = false

    /// Refuses `account` when the app would mishandle it; with the override, warns instead.
    func check(_ account: OTPAuthURI) throws {
        let issues = app.issues(with: account)
        guard !issues.isEmpty else { return }
        let error = AppCompatibilityError.incompatible(app: app, issues: issues)
        let label = PrintableText.escaped(account.label)
        guard allowIncompatible else {
            throw CLIFailure(status: .refused, message: "\(label) is \(error); --allow-incompatible overrides this")
        }
        FileHandle.standardError.write(Data("tokenforge: warning: \(label) is \(error)\n".utf8))
    }
}

/// How a QR code is drawn and where it goes: the options `qr` and `export-migration` share.
struct QRImageOptions: ParsableArguments {
    @Option(help: "terminal (UTF-8 half blocks), png or svg.") var format: QRRendering.Format = .terminal
    @Option(
        help: ArgumentHelp(
            "Write to FILE (mode 0600, atomic: the code holds the secret); \"-\" for standard output. PNG needs it.",
            valueName: "FILE"))
    var output: String?
    @Option(help: ArgumentHelp("Pixels per module (PNG) or size unit (SVG), 1 to 64.", valueName: "N")) var scale = 4
    @Option(help: ArgumentHelp("Quiet zone around the code in modules, 0 to 64 (4 is standard).", valueName: "N"))
    var margin = 4
    @Option(help: ArgumentHelp("Error correction level: L, M, Q or H.", valueName: "LEVEL"))
    var ecc: QRCode.ErrorCorrection = .medium
    @Flag(
        help: "Terminal: no colour escapes; blocks in the text colour draw the light modules (light text on dark).")
    var plain = false
    @Flag(help: "Terminal: no colour escapes; blocks draw the dark modules (dark text on light, and documents).")
    var invert = false

    func validate() throws {
        if plain, invert { throw ValidationError("--plain and --invert exclude each other.") }
        if (plain || invert), format != .terminal {
            throw ValidationError("--plain and --invert apply to --format terminal.")
        }
        if format == .png, output == nil {
            throw ValidationError("PNG output needs --output FILE (or \"-\" for standard output).")
        }
    }

    var rendering: QRRendering {
        get throws {
            let style: QRRendering.TerminalStyle = plain ? .lightOnDark : invert ? .darkOnLight : .colour
            do {
                return try QRRendering(format: format, scale: scale, margin: margin, terminalStyle: style)
            } catch {
                throw CLIFailure.usage("\(error)")
            }
        }
    }

    /// Draws `code` and writes it to `path` (or --output, or standard output), an output of `outputs`.
    func emit(_ code: QRCode, to path: String? = nil, outputs: CommandOutputs) throws {
        let bytes: [UInt8]
        do { bytes = try rendering.render(code) } catch let error as QRCodeError {
            throw CLIFailure.badInput("\(error)")
        }
        guard let path = path ?? output, path != "-" else {
            FileHandle.standardOutput.write(Data(bytes))
            return
        }
        try outputs.write(bytes, to: path)
    }

    /// Encodes `text`, reporting a text too long for a QR code as bad input.
    func qrCode(encoding text: String) throws -> QRCode {
        do { return try QRCode(encoding: text, errorCorrection: ecc) } catch { throw CLIFailure.badInput("\(error)") }
    }
}
