import ArgumentParser
import Foundation
import OTPCore

struct URICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uri",
        abstract: "Build an otpauth:// URI, generating a new secret unless one is given.",
        discussion: """
            The URI holds the secret: with --output it goes to a new file of mode 0600, written \
            atomically, and nothing is printed but the file's name; otherwise it is printed. A \
            generated secret is as long as the algorithm's output (20, 32 or 64 bytes) unless \
            --secret-bytes says otherwise. An existing secret comes from --secret-file or \
            TOKENFORGE_SECRET, never from the command line.

            \(ExitStatus.helpText)
            """
    )

    @Option(help: "The account name shown in the app, e.g. an e-mail address.") var account: String
    @Option(help: "The service name shown in the app (recommended).") var issuer: String?
    @Option(help: "totp or hotp.") var type = "totp"
    @Option(help: ArgumentHelp("SHA1, SHA256 or SHA512.", valueName: "NAME")) var algorithm = "SHA1"
    @Option(help: ArgumentHelp("Code length, 6 to 10.", valueName: "N")) var digits = 6
    @Option(help: ArgumentHelp("TOTP period in seconds, 1 to 86400.", valueName: "SECONDS")) var period = 30
    @Option(help: ArgumentHelp("HOTP initial counter.", valueName: "N")) var counter: UInt64 = 0
    @Option(help: ArgumentHelp("Read the Base32 secret from FILE (\"-\" for standard input).", valueName: "FILE"))
    var secretFile: String?
    @Option(help: ArgumentHelp("Length of a generated secret in bytes (16 to 64).", valueName: "N"))
    var secretBytes: Int?
    @Option(help: ArgumentHelp("Write the URI to FILE (mode 0600, atomic) instead of printing it.", valueName: "FILE"))
    var output: String?
    @Flag(help: "Accept a secret shorter than 16 bytes (RFC 4226 §4 asks for at least 16).")
    var allowWeakSecret = false
    @Flag(help: "Replace an existing regular file at --output (never a link, device or FIFO).") var force = false
    @Flag(help: "Print a JSON object instead of text.") var json = false

    struct Output: Encodable {
        let uri: String?
        let file: String?
        let label: String
        let type: String
        let algorithm: String
        let digits: Int
        let period: Int?
        let counter: UInt64?
    }

    func validate() throws {
        guard ["totp", "hotp"].contains(type.lowercased()) else {
            throw ValidationError("--type must be totp or hotp, not \"\(type)\".")
        }
        if let secretBytes, !(16...64).contains(secretBytes) {
            throw ValidationError("--secret-bytes must be 16 to 64 (RFC 4226 §4 asks for at least 16).")
        }
        try OTPOptionBounds.check(digits: digits, period: period)
        if secretBytes != nil, secretFile != nil {
            throw ValidationError("--secret-bytes applies to a generated secret, not to --secret-file.")
        }
    }

    func run() throws {
        var outputs = CommandOutputs(force: force, inputs: [secretFile])
        try outputs.add(output)
        let algorithm = try OTPParameters.algorithm(self.algorithm)
        let secret =
            try AccountSecret.existing(file: secretFile, allowingWeak: allowWeakSecret)
            ?? Secret.random(byteCount: secretBytes ?? algorithm.outputByteCount)
        let kind: OTPAuthURI.Kind = type.lowercased() == "hotp" ? .hotp(counter: counter) : .totp(period: period)
        let uri = try OTPParameters.uri(
            kind: kind, account: account, issuer: issuer, secret: secret, algorithm: algorithm, digits: digits)
        if let output {
            try outputs.write(Array((uri.uriString + "\n").utf8), to: output)
        }
        var period: Int?
        var counter: UInt64?
        switch kind {
        case .totp(let value): period = value
        case .hotp(let value): counter = value
        }
        if json {
            try JSONOutput.print(
                Output(
                    uri: output == nil ? uri.uriString : nil, file: output, label: uri.label, type: kind.typeName,
                    algorithm: algorithm.rawValue, digits: digits, period: period, counter: counter))
        } else if let output {
            print("wrote \(PrintableText.escaped(uri.label)) to \(PrintableText.escaped(output))")
        } else {
            print(uri.uriString)
        }
    }
}
