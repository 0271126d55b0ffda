import Activation
import ArgumentParser
import Foundation
import OTPCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read OTP accounts from QR code pictures or Google Authenticator export links.",
        discussion: """
            Each PNG image (a screenshot or scan) may hold otpauth:// codes or the codes of a Google \
            Authenticator export (otpauth-migration://); --link-file reads such links as text, one \
            per line. The codes of one export must all be given, unless --partial.

            The accounts are listed without their secrets. --show-secrets prints their otpauth URIs \
            instead; --output writes them, one per line, to a new file of mode 0600, as \
            `tokenforge code --uri-file` and `program --uri-file` read them.

            \(ExitStatus.helpText)
            """
    )

    @Argument(help: ArgumentHelp("PNG images of QR codes.", valueName: "IMAGE")) var images: [String] = []
    @Option(
        help: ArgumentHelp(
            "An otpauth-migration:// or otpauth:// link (it holds secrets: prefer --link-file).", valueName: "LINK"))
    var link: [String] = []
    @Option(help: ArgumentHelp("Read links from FILE, one per line (\"-\" for standard input).", valueName: "FILE"))
    var linkFile: String?
    @Flag(help: "Accept --link on the command line, where other users of this computer can read it.")
    var insecureArgv = false
    @Flag(help: "Accept an export with codes missing (their accounts are left out).") var partial = false
    @Flag(help: "Print the accounts' otpauth URIs, secrets included.") var showSecrets = false
    @Option(help: ArgumentHelp("Write the otpauth URIs to FILE (mode 0600, atomic).", valueName: "FILE"))
    var output: String?
    @Flag(help: "Replace an existing regular file at --output (never a link, device or FIFO).") var force = false
    @Flag(help: "Print a JSON array instead of text.") var json = false

    struct Output: Encodable {
        let number: Int
        let label: String
        let issuer: String?
        let account: String
        let type: String
        let algorithm: String
        let digits: Int
        let period: Int?
        let counter: UInt64?
        let uri: String?
    }

    func validate() throws {
        if images.isEmpty, link.isEmpty, linkFile == nil {
            throw ValidationError("Give PNG images, --link-file FILE (\"-\" for standard input) or --link.")
        }
        if !link.isEmpty, !insecureArgv {
            throw ValidationError(
                "--link puts secrets on the command line, where other users can read them: use --link-file FILE (\"-\" for standard input), or pass --insecure-argv."
            )
        }
    }

    func run() throws {
        var outputs = CommandOutputs(force: force, inputs: images + [linkFile])
        try outputs.add(output)
        var payloads: [ActivationPayload] = []
        for path in images { payloads += try Self.payloads(inImage: path) }
        for text in link {
            do { payloads.append(try ActivationPayload(text: text)) } catch {
                throw CLIFailure.badInput("--link: \(error)")
            }
        }
        if let linkFile { payloads += try AccountLines.payloads(linkFile) }
        let accounts = try Self.accounts(in: payloads, allowingIncompleteExports: partial)
        if let output {
            let text = accounts.map { $0.uriString + "\n" }.joined()
            try outputs.write(Array(text.utf8), to: output)
        }
        let rows = accounts.enumerated().map { index, uri in Self.row(number: index + 1, uri, showSecret: showSecrets) }
        if json {
            try JSONOutput.print(rows)
        } else if showSecrets {
            for account in accounts { print(account.uriString) }
        } else {
            for row in rows { print(Self.text(row)) }
        }
        if let output, !json {
            let shown = PrintableText.escaped(output)
            FileHandle.standardError.write(Data("wrote \(accounts.count) account(s) to \(shown)\n".utf8))
        }
    }

    /// The accounts of `payloads` (see `ActivationPayload.accounts(in:)`), failures as bad input.
    static func accounts(in payloads: [ActivationPayload], allowingIncompleteExports: Bool) throws -> [OTPAuthURI] {
        do {
            return try ActivationPayload.accounts(in: payloads, allowingIncompleteExports: allowingIncompleteExports)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
    }

    /// The largest picture read: 32 MiB.
    static let maximumImageBytes = 32 << 20

    private static func payloads(inImage path: String) throws -> [ActivationPayload] {
        let shown = PrintableText.escaped(path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIFailure.noInput(
                "cannot read \(shown): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")"
            )
        }
        defer { try? handle.close() }
        let data = try SecretInput.bounded(handle, name: shown, limit: maximumImageBytes)
        do {
            return try QRImageDecoder().payloads(inPNG: Array(data))
        } catch {
            throw CLIFailure.badInput("\(shown): \(error)")
        }
    }

    private static func row(number: Int, _ uri: OTPAuthURI, showSecret: Bool) -> Output {
        var period: Int?
        var counter: UInt64?
        switch uri.kind {
        case .totp(let value): period = value
        case .hotp(let value): counter = value
        }
        return Output(
            number: number, label: uri.label, issuer: uri.issuer, account: uri.account, type: uri.kind.typeName,
            algorithm: uri.algorithm.rawValue, digits: uri.digits, period: period, counter: counter,
            uri: showSecret ? uri.uriString : nil)
    }

    private static func text(_ row: Output) -> String {
        let timing = row.period.map { "\($0) s" } ?? "counter \(row.counter!)"
        let label = PrintableText.escaped(row.label)
        return "\(row.number)\t\(label)\t\(row.type)\t\(row.algorithm)\t\(row.digits) digits\t\(timing)"
    }
}
