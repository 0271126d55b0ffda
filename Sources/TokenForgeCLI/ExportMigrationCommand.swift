import Activation
import ArgumentParser
import Foundation
import OTPCore

struct ExportMigrationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-migration",
        abstract: "Make Google Authenticator import codes (otpauth-migration://) for several accounts.",
        discussion: """
            Reads otpauth:// URIs (or export links) from each FILE, one per line, "-" for standard \
            input. Google Authenticator takes at most 10 accounts per code, so the accounts are \
            split into codes of --accounts-per-code, fewer when their link would not fit in a QR \
            code at the --ecc level; all codes of one export share a batch id and \
            must all be scanned. The export has no period: every TOTP account must use 30 s.

            Codes are drawn as `tokenforge qr` draws them; with --output FILE and several codes, \
            FILE-1.png, FILE-2.png... are written. --links prints the links instead (they hold the \
            secrets).

            \(ExitStatus.helpText)
            """
    )

    @Argument(help: ArgumentHelp("Files of otpauth URIs, one per line.", valueName: "FILE")) var files: [String]
    @Option(help: ArgumentHelp("Accounts per code, 1 to 10.", valueName: "N"))
    var accountsPerCode = MigrationPayload.maximumAccountsPerBatch
    @Flag(help: "Print or write the otpauth-migration:// links instead of QR codes.") var links = false
    @Flag(help: "Accept secrets shorter than 16 bytes (RFC 4226 §4 asks for at least 16).")
    var allowWeakSecret = false
    @Flag(help: "Replace existing regular files at the outputs (never a link, device or FIFO).") var force = false
    @OptionGroup var app: AppOptions
    @OptionGroup var image: QRImageOptions

    func validate() throws {
        guard (1...MigrationPayload.maximumAccountsPerBatch).contains(accountsPerCode) else {
            throw ValidationError("--accounts-per-code must be 1 to 10: Google Authenticator reads no more.")
        }
    }

    func run() throws {
        var payloads: [ActivationPayload] = []
        for file in files { payloads += try AccountLines.payloads(file) }
        let accounts = try ImportCommand.accounts(in: payloads, allowingIncompleteExports: false)
        for account in accounts {
            try SecretStrength.check(account, allowingWeak: allowWeakSecret)
            try app.check(account)
        }
        let batches: [MigrationPayload]
        do {
            batches = try MigrationPayload.batches(
                of: accounts, batchID: Int32.random(in: 1...Int32.max), accountsPerBatch: accountsPerCode,
                maximumLinkLength: image.ecc.migrationLinkLimit)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
        var outputs = CommandOutputs(force: force, inputs: files)
        if links {
            try outputs.add(image.output)
            try writeLinks(batches, outputs: outputs)
            return
        }
        let codes = try batches.map { try image.qrCode(encoding: $0.link) }
        if let output = image.output, output != "-" {
            for batch in batches {
                try outputs.add(batches.count == 1 ? output : Self.numbered(output, batch.batchIndex + 1))
            }
        }
        if image.output == "-", image.format == .png, codes.count > 1 {
            throw CLIFailure.usage(
                "the export needs \(codes.count) PNG images: give --output FILE, not standard output")
        }
        for (batch, code) in zip(batches, codes) {
            let heading =
                "code \(batch.batchIndex + 1) of \(batch.batchSize): \(batch.accounts.map { PrintableText.escaped($0.label) }.joined(separator: ", "))"
            guard let output = image.output, output != "-" else {
                if image.format == .terminal { print(heading) }
                try image.emit(code, outputs: outputs)
                continue
            }
            let path = batches.count == 1 ? output : Self.numbered(output, batch.batchIndex + 1)
            try image.emit(code, to: path, outputs: outputs)
            print("wrote \(heading) to \(PrintableText.escaped(path))")
        }
    }

    private func writeLinks(_ batches: [MigrationPayload], outputs: CommandOutputs) throws {
        let text = batches.map { $0.link + "\n" }.joined()
        guard let output = image.output, output != "-" else {
            print(text, terminator: "")
            return
        }
        try outputs.write(Array(text.utf8), to: output)
        print("wrote \(batches.count) link(s) to \(PrintableText.escaped(output))")
    }

    /// `export.png` → `export-2.png`.
    static func numbered(_ path: String, _ number: Int) -> String {
        let url = URL(fileURLWithPath: path)
        let suffix = url.pathExtension.isEmpty ? "" : "." + url.pathExtension
        return String(path.dropLast(suffix.count)) + "-\(number)" + suffix
    }
}
