import ArgumentParser
import Foundation
import Issuance
import OTPCore

/// The register's inventory of display tokens: pre-seeded tokens whose seeds come from the vendor.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Display tokens: import the vendor's PSKC file, list the inventory, check a token's code.",
        discussion: """
            Display tokens (Feitian, Token2 and other OATH tokens that cannot be programmed) come with \
            their seeds in a PSKC file (RFC 6030). Imported, each is kept in the register with its seed \
            sealed; a roster token user whose token_serial names one is given it by tokenforge issue, \
            without programming anything.
            """,
        subcommands: [Import.self, List.self, Code.self])

    /// One token as `tokens import --json` and `tokens list --json` print it; never its seed.
    struct Output: Encodable {
        let serial: String
        let manufacturer: String?
        let model: String?
        let type: String
        let algorithm: String
        let digits: Int
        let period: Int?
        let counter: UInt64?
        let status: String
        let user: String?
        let source: String
        let importedAt: Int64
        let assignedAt: Int64?
        let retiredAt: Int64?

        enum CodingKeys: String, CodingKey {
            case serial, manufacturer, model, type, algorithm, digits, period, counter, status, user, source
            case importedAt = "imported_at"
            case assignedAt = "assigned_at"
            case retiredAt = "retired_at"
        }

        init(_ token: DisplayToken) {
            serial = token.serial
            manufacturer = token.manufacturer
            model = token.model
            algorithm = token.algorithm.rawValue
            digits = token.digits
            switch token.kind {
            case .totp(let value):
                type = "totp"
                period = value
                counter = nil
            case .hotp(let value):
                type = "hotp"
                period = nil
                counter = value
            }
            source = token.source
            importedAt = token.importedAt
            switch token.status {
            case .free:
                status = "free"
                user = nil
                assignedAt = nil
                retiredAt = nil
            case .assigned(let holder, let at):
                status = "assigned"
                user = holder
                assignedAt = at
                retiredAt = nil
            case .retired(let at, let holder):
                status = "retired"
                user = holder
                assignedAt = nil
                retiredAt = at
            }
        }

        /// "zmuller", "free" or "retired (zmuller)".
        var holder: String {
            switch status {
            case "free": "free"
            case "retired": "retired" + (user.map { " (\($0))" } ?? "")
            default: user ?? "-"
            }
        }
    }

    static func table(_ tokens: [DisplayToken]) {
        TextTable.print(
            [["SERIAL", "MODEL", "TYPE", "USER"]]
                + tokens.map { token in
                    let output = Output(token)
                    return [token.serial, PrintableText.escaped(token.modelName), token.parameters, output.holder]
                })
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import display tokens from a vendor's PSKC file into the register's inventory.",
            discussion: """
                FILE is the vendor's PSKC file (RFC 6030): plain, encrypted with a pre-shared AES key \
                (--psk-file: the key in hex, 32 hex digits for AES-128), or with a password \
                (--password-file: PBKDF2). Every MAC is checked, and every token of the file is checked \
                before anything is written: a wrong key or password, an altered value, an algorithm \
                TokenForge cannot use, or a serial the inventory already holds, and nothing is imported. \
                Each token keeps its serial, maker and model, algorithm, digits and period or counter; \
                its seed is sealed in the register and never printed. --json prints the tokens imported, \
                as tokens list --json does.

                \(ExitStatus.helpText)
                """)

        @Argument(help: ArgumentHelp("The vendor's PSKC file.", valueName: "FILE.pskc")) var file: String
        @Option(help: ArgumentHelp("Read the pre-shared AES key (hex) from FILE.", valueName: "FILE"))
        var pskFile: String?
        @Option(help: ArgumentHelp("Read the file's password from FILE (its first line).", valueName: "FILE"))
        var passwordFile: String?
        @Flag(help: "Print a JSON array of the tokens imported.") var json = false
        @OptionGroup var admin: AdminOptions

        func validate() throws {
            if pskFile != nil, passwordFile != nil {
                throw ValidationError("give --psk-file or --password-file, not both")
            }
            if file == "-" {
                throw ValidationError("name the PSKC file: it is kept in the audit log as the tokens' source")
            }
        }

        func run() throws {
            let protection: DisplayTokenImport.Protection
            if let pskFile {
                protection = .preSharedKey(try Self.preSharedKey(pskFile))
            } else if let passwordFile {
                let password = try SecretInput.read(passwordFile).components(separatedBy: .newlines).first ?? ""
                guard !password.isEmpty else {
                    throw CLIFailure.badInput("\(SecretInput.name(passwordFile)): the password is empty")
                }
                protection = .password(password)
            } else {
                protection = .none
            }
            let xml = try Self.read(file, warnIfShared: pskFile == nil && passwordFile == nil)
            let name = PrintableText.escaped(file)
            let tokens = try TokensCommand.running {
                try DisplayTokenImport.tokens(inPSKC: xml, file: name, protection: protection)
            }
            let register = try admin.open()
            try TokensCommand.running { try register.importDisplayTokens(tokens, file: name) }
            let imported = try withRegister { try register.displayTokens() }.filter { token in
                tokens.contains { $0.serial == token.serial }
            }
            if json { return try JSONOutput.print(imported.map(Output.init)) }
            print("imported \(imported.count) display token\(imported.count == 1 ? "" : "s") from \(name)")
            TokensCommand.table(imported)
        }

        /// The PSKC file's text. A plain one holds the seeds in clear: like any secret input, it is
        /// warned about when group or others may read it; an encrypted one is not.
        static func read(_ path: String, warnIfShared: Bool) throws -> String {
            if warnIfShared { return try SecretInput.read(path) }
            let shown = PrintableText.escaped(path)
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw CLIFailure.noInput(
                    "cannot read \(shown): \(FileManager.default.fileExists(atPath: path) ? "permission denied or not a file" : "no such file")"
                )
            }
            defer { try? handle.close() }
            guard let text = String(data: try SecretInput.bounded(handle, name: shown), encoding: .utf8) else {
                throw CLIFailure.badInput("\(shown) is not UTF-8 text")
            }
            return text
        }

        /// The AES key of a --psk-file: hex (16, 24 or 32 bytes), spaces, colons and line breaks ignored.
        static func preSharedKey(_ path: String) throws -> [UInt8] {
            let text = String(
                String.UnicodeScalarView(
                    try SecretInput.read(path).unicodeScalars.filter { !" \t\r\n:".unicodeScalars.contains($0) }))
            let name = SecretInput.name(path)
            guard text.count % 2 == 0, let bytes = try? Secret(hex: text) else {
                throw CLIFailure.badInput("\(name): the pre-shared key is not hex (32 hex digits for AES-128)")
            }
            guard [16, 24, 32].contains(bytes.byteCount) else {
                throw CLIFailure.badInput(
                    "\(name): the pre-shared key has \(bytes.byteCount) bytes: an AES key has 16 (AES-128), 24 or 32")
            }
            return bytes.withUnsafeBytes { Array($0) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the display tokens: serial, model, type, and the user given each, or free.",
            discussion: """
                Works while another tokenforge is changing the register; never shows a seed. --json prints \
                an array of objects with the keys serial, manufacturer, model, type (totp or hotp), \
                algorithm, digits, period, counter, status (free, assigned or retired), user, source, \
                imported_at, assigned_at and retired_at (Unix seconds, null when not).

                \(ExitStatus.helpText)
                """)
        @OptionGroup var admin: AdminOptions
        @Flag(help: "Print a JSON array instead of a table.") var json = false

        func run() throws {
            let tokens = try withRegister { try admin.openForReading().displayTokens() }
            if json { return try JSONOutput.print(tokens.map(Output.init)) }
            if tokens.isEmpty {
                return print("the register has no display tokens: import them with tokenforge tokens import")
            }
            TokensCommand.table(tokens)
        }
    }

    struct Code: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Print the code a display token of the inventory should show now, to check it against its display.",
            discussion: """
                A TOTP token's code for now (or --at); an HOTP token's for --counter (default: the counter \
                the vendor's file gave). Needs the admin passphrase: the code comes from the sealed seed.

                \(ExitStatus.helpText)
                """)
        @Argument(help: "The token's serial.") var serial: String
        @Option(help: ArgumentHelp("The HOTP counter to compute the code for.", valueName: "N")) var counter: UInt64?
        @OptionGroup var clock: TimeOptions
        @OptionGroup var admin: AdminOptions

        func run() throws {
            let register = try admin.open()
            guard let token = try withRegister({ try register.displayToken(serial) }) else {
                throw CLIFailure.badInput("no display token \(PrintableText.escaped(serial)) in the inventory")
            }
            guard let secret = try withRegister({ try register.seed(ofDisplayToken: serial) }) else {
                throw CLIFailure(status: .refused, message: "display token \(serial) is retired: its seed is destroyed")
            }
            do {
                switch token.kind {
                case .totp(let period):
                    if counter != nil {
                        throw CLIFailure.usage("display token \(serial) is TOTP: --counter is for HOTP tokens")
                    }
                    print(
                        try TOTPGenerator(
                            secret: secret, algorithm: token.algorithm, digits: token.digits, period: period
                        )
                        .code(at: clock.time))
                case .hotp(let initial):
                    if clock.at != nil {
                        throw CLIFailure.usage("display token \(serial) is HOTP: give --counter, not --at")
                    }
                    print(
                        try HOTPGenerator(secret: secret, algorithm: token.algorithm, digits: token.digits)
                            .code(counter: counter ?? initial))
                }
            } catch let error as OTPParameterError {
                throw CLIFailure.badInput("display token \(serial): \(error)")
            }
        }
    }

    /// Runs `body`, turning display-token errors into CLI failures with their exit statuses.
    static func running<Result>(_ body: () throws -> Result) throws -> Result {
        do { return try body() } catch let error as DisplayTokenError {
            throw CLIFailure(error)
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
    }
}

extension CLIFailure {
    init(_ error: DisplayTokenError) {
        let status: ExitStatus =
            switch error {
            case .unreadable(_, let reason):
                switch reason {
                case .wrongKey, .macMismatch, .decryptionFailed: .pskcRejected
                case .passwordRequired, .preSharedKeyRequired: .noInput
                case .notPasswordProtected: .usage
                default: .badInput
                }
            case .noTokens, .unsupported, .missingSerial, .invalidSerial, .duplicateSerial: .badInput
            case .alreadyImported, .serialInUse, .assigned, .retired, .notInInventory, .notAssignable, .fixedSeed,
                .userAlreadyIssued:
                .refused
            }
        self.init(status: status, message: "\(error)")
    }
}
