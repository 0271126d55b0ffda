import ArgumentParser
import DurableFiles
import Foundation
import Issuance
import Provisioning
import TokenModel

struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue OTP to the staff in a roster: seeds, QR codes and letters, programmed tokens, server exports.",
        discussion: """
            ROSTER is a UTF-8 CSV with the header username,display_name,email,language,method[,app][,token_serial]: \
            language fr, de, it or en; method app or token. Every row, and the roster against the register, \
            is checked first; nothing is written if any is wrong. Users already in the register whose row \
            changed are listed and left as they are, unless --update.

            App users get a seed (per their app profile), a QR code (OUT/qr/USER.png and .svg) and an \
            activation letter in their language (OUT/letters/USER.LANG.html). Token users get their seed \
            programmed into a token and verified: the one with the roster's serial, else the next unused \
            one inserted, and a handover sheet (OUT/sheets/USER.sheet.LANG.html); a token_serial that names a \
            display token of the inventory (tokens import) gives the user that token and its seed, programming \
            nothing. Each new token gets its \
            own PIN (--token-pin): generated, kept sealed in the register and written on a PIN slip \
            (OUT/pins/USER.LANG.txt) to reach the user apart from the token, or chosen by the user at \
            handover. A token not inserted within --token-wait is skipped: its user stays pending for the \
            next run (exit 82). --pdf FILE also writes every letter and sheet of the run as one PDF, one \
            page per user. Exports go to a new directory of their own, OUT/exports/RUN/ (RUN is the UTC time, \
            2026-12-03T172800Z), never over an earlier export (see tokenforge export). Every file is mode 0600.

            The register records each step before the next, and one tokenforge at a time changes it: if a \
            run dies, run it again with --resume; no seed is lost, none is issued twice.

            \(ExitStatus.helpText)
            """)

    @Argument(help: "The roster CSV.") var roster: String
    @Option(help: "The service name shown in apps and letters.") var issuer: String
    @Option(help: ArgumentHelp("Where QR codes, letters and exports go.", valueName: "DIR")) var out: String
    @Option(help: ArgumentHelp("Also write every letter and handover sheet as one print-ready PDF.", valueName: "FILE"))
    var pdf: String?
    @Option(
        help: ArgumentHelp(
            "Then push to the server, with the settings push privacyidea --remember kept.", valueName: "privacyidea"))
    var push: PushTarget?
    @Option(
        help: ArgumentHelp(
            "With --push: read the privacyIDEA admin password from FILE; else TOKENFORGE_PRIVACYIDEA_PASSWORD.",
            valueName: "FILE"))
    var pushPasswordFile: String?

    enum PushTarget: String, ExpressibleByArgument { case privacyidea }
    @Flag(help: "Continue a run that stopped before finishing.") var resume = false
    @Flag(help: "Apply the roster's changes to users already in the register.") var update = false
    @Flag(help: "Show what would happen; write nothing.") var dryRun = false
    @OptionGroup var issuance: IssuanceOptions
    @OptionGroup var admin: AdminOptions
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions

    func run() throws {
        let text = try RosterFile.read(roster)
        let entries: [RosterEntry]
        do { entries = try Roster.parse(text, file: roster) } catch { throw CLIFailure.badInput("\(error)") }
        for warning in Roster.warnings(entries, file: roster) { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
        let formats = try issuance.formats()
        if dryRun {
            let register = FileManager.default.fileExists(atPath: admin.path) ? try admin.openForReading() : nil
            try issuance.running { try IssueRun.check(entries, issuer: issuer, register: register, update: true) }
            if let register {
                for change in try withRegister({ try register.changes(in: entries) }) {
                    print("\(change)\(update ? "" : " (needs --update)")")
                }
            }
            for step in try IssueRun.plan(entries, register: register) { print("\(step.username): \(step.action)") }
            print(
                "exports: \(formats.sorted().map(\.rawValue).joined(separator: ", ")) into a new directory in \(out)/exports (dry run: nothing written)"
            )
            return
        }
        try issuance.running { try IssueRun.check(entries, issuer: issuer, register: nil, update: update) }
        try checkNewOutput(pdf)
        let renderer = try issuance.letters.renderer(
            languages: Set(entries.filter { $0.method == .app }.map(\.language)),
            addresses: Dictionary(entries.map { ($0.username, $0.address) }) { first, _ in first })
        let register = try admin.open()
        let pushing = try push.map { _ in
            (try PrivacyIDEAOptions.settings(register), try PrivacyIDEAOptions.password(file: pushPasswordFile))
        }
        let displayTokens = Set(try withRegister { try register.displayTokens() }.map(\.serial))
        let run = try issuance.makeRun(
            register: register, issuer: issuer, out: out, renderer: renderer,
            tokenUsers: entries.contains { $0.method == .token && !displayTokens.contains($0.tokenSerial ?? "") },
            device: device, pin: pin, resume: resume, update: update)
        let summary = try issuance.running { try run.run(entries) }
        try printLetters(entries, register: register, renderer: renderer, summary: summary, displayTokens: displayTokens)
        if let (settings, password) = pushing {
            PrivacyIDEAOptions.print(
                try PrivacyIDEAOptions.push(register, settings: settings, password: password, dryRun: false),
                dryRun: false)
        }
        try issuance.finish(summary)
    }

    /// Writes the token users' handover sheets (OUT/sheets/) and, with --pdf, every page of the run.
    /// A sheet says the PIN comes separately when TokenForge generated it, that the user sets it
    /// when they chose it at handover, and that a display token has none.
    private func printLetters(
        _ entries: [RosterEntry], register: Register, renderer: LetterRenderer, summary: IssueRun.Summary,
        displayTokens: Set<String>
    ) throws {
        let print = LetterPrint(register: register, renderer: renderer, issuer: issuer) { user in
            if let serial = user.tokenSerial, displayTokens.contains(serial) { return .none }
            return summary.pinSlips[user.entry.username].map { $0 == nil ? .setAtHandover : .deliveredSeparately }
                ?? .deliveredSeparately
        }
        let users = try withRegister { try register.users(named: entries.map(\.username)) }
        let printable = entries.compactMap { users[$0.username] }.filter { LetterPrint.isPrintable($0.state) }
        do {
            try print.writeHTML(
                for: printable.filter { $0.entry.method == .token }, into: out + "/sheets",
                existing: .replaceRegularFile)
        } catch let error as DurableFileError {
            throw CLIFailure(status: .cannotWrite, message: "\(error)")
        }
        if let pdf {
            try writePDF(print, users: printable, to: pdf)
            FileHandle.standardError.write(
                Data("wrote \(pdf) (\(printable.count) page\(printable.count == 1 ? "" : "s"))\n".utf8))
        }
    }
}

/// What `issue` and `reissue` share: exports, letters, and how tokens are found and given PINs.
struct IssuanceOptions: ParsableArguments {
    enum TokenPINChoice: String, ExpressibleByArgument, CaseIterable {
        case generate, ask
    }

    @Option(help: ArgumentHelp("Exports to write, comma-separated: pskc, entra, privacyidea, uris.", valueName: "LIST"))
    var export = "pskc"
    @OptionGroup var exportFiles: ExportFileOptions
    @OptionGroup var letters: LetterOptions
    @Option(help: ArgumentHelp("How long to wait for each token to be inserted (1...3600).", valueName: "SECONDS"))
    var tokenWait = 300
    @Option(
        help: ArgumentHelp(
            "Each new token's PIN: generate (a PIN slip per user) or ask (the user types it at handover; TOKENFORGE_TOKEN_PIN for scripts).",
            valueName: "generate|ask"))
    var tokenPin: TokenPINChoice = .generate
    @Flag(help: "Take a next token that already holds accounts (else only unused ones).") var allowUsedTokens = false

    func validate() throws {
        guard (1...3600).contains(tokenWait) else { throw ValidationError("--token-wait \(tokenWait) is not in 1...3600") }
    }

    func formats() throws -> Set<ExportFormat> { try ExportFileOptions.formats(export) }

    func makeRun(
        register: Register, issuer: String, out: String, renderer: LetterRenderer, tokenUsers: Bool,
        device: DeviceOptions, pin: PINOptions, resume: Bool = false, update: Bool = false
    ) throws -> IssueRun {
        let formats = try formats()
        let files = try exportFiles.settings(for: formats)
        var options = IssueRun.Options(issuer: issuer, outputDirectory: out, letters: renderer)
        options.exports = formats
        options.exportPassphrase = files.passphrase
        options.privacyIDEAResolver = files.resolver
        options.privacyIDEARealm = files.realm
        options.resume = resume
        options.update = update
        options.currentTokenPIN = { try pin.pin(prompt: "Current PIN of the token: ") }
        switch tokenPin {
        case .generate: options.tokenPIN = .generate
        case .ask:
            options.tokenPIN = .ask { name, rule in
                let chosen = try PINInput.read(
                    file: nil, environment: "TOKENFORGE_TOKEN_PIN",
                    prompt: "\(name), choose your token's \(rule.name) (\(rule.lengths.lowerBound) to \(rule.lengths.upperBound) characters): ")
                guard rule.lengths.contains(chosen.bytes.count) else {
                    throw CLIFailure(
                        status: .pin,
                        message:
                            "\(name): the \(rule.name) chosen has \(chosen.bytes.count) characters; the token takes \(rule.lengths.lowerBound) to \(rule.lengths.upperBound)"
                    )
                }
                return chosen
            }
        }
        let afterCommit = TokenForge.afterIssueCommit.withLock { $0 }
        options.afterCommit = { afterCommit($0) }
        var programming = SlotProgrammer.Options()
        programming.allowTestTokens = device.testTokensAllowed
        let tokens =
            tokenUsers
            ? ConnectedTokenSource(
                discovery: device.discovery, programmingOptions: programming, wait: .seconds(tokenWait),
                acceptUsedTokens: allowUsedTokens,
                takenSerials: { Set(try register.users().filter { $0.state != .revoked }.compactMap(\.tokenSerial)) },
                waiting: { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) : nil
        let run = IssueRun(register: register, options: options, tokens: tokens, progress: ProgressReporter().report)
        run.plaintextAllowed = exportFiles.plaintext
        return run
    }

    /// Runs `body`, turning issuance errors into CLI failures with their exit statuses.
    func running<Result>(_ body: () throws -> Result) throws -> Result {
        do { return try body() } catch let error as IssueRun.IssueError {
            switch error {
            case .unfinished, .badIssuer: throw CLIFailure.usage("\(error)")
            case .tokenFailed(_, let tokenError):
                throw CLIFailure(status: CLIFailure(tokenError).status, message: "\(error)")
            case .tokenNotFound(_, let discoveryError):
                throw CLIFailure(status: CLIFailure(discoveryError).status, message: "\(error)")
            case .appIncompatible, .caseCollision, .changed, .tokenTaken: throw CLIFailure.badInput("\(error)")
            case .noExportPassphrase: throw CLIFailure.usage("\(error)")
            case .displayToken(let displayTokenError): throw CLIFailure(displayTokenError)
            }
        } catch let error as ExportRun.RunError {
            throw CLIFailure(error)
        } catch let error as DurableFileError {
            throw CLIFailure(status: .cannotWrite, message: "\(error)")
        } catch let error as RegisterError {
            throw CLIFailure(error)
        } catch let error as TokenError {
            throw CLIFailure(error)
        }
    }

    /// Tells where the PIN slips are and who was left pending; exit 82 when someone was.
    func finish(_ summary: IssueRun.Summary) throws {
        for (username, slip) in summary.pinSlips.sorted(by: { $0.key < $1.key }) {
            let text =
                slip.map { "\(username): token PIN on the slip \($0): deliver it apart from the token" }
                ?? "\(username): token PIN chosen by the user"
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
        guard summary.skipped.isEmpty else {
            throw CLIFailure(
                status: .incomplete,
                message:
                    "left pending, their token was not inserted in time: \(summary.skipped.joined(separator: ", ")); run issue again to finish them"
            )
        }
    }
}

/// Progress on standard error: a bar with ETA on a terminal, plain lines otherwise.
final class ProgressReporter {
    private let terminal = isatty(STDERR_FILENO) == 1
    private var total = 0
    private var start = Date()

    func report(_ event: IssueRun.Event) {
        switch event {
        case .started(let total):
            self.total = total
            start = Date()
        case .waitingForToken(let username, let serial):
            line("\(username): insert \(serial.map { "token \($0)" } ?? "the next token") …")
        case .userDone(let index, let username, let outcome):
            if terminal {
                let width = 24
                let filled = total == 0 ? width : index * width / total
                let elapsed = Date().timeIntervalSince(start)
                let eta = index == 0 ? 0 : Int(elapsed / Double(index) * Double(total - index))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                write(
                    "\r\u{1B}[2K[\(bar)] \(index)/\(total) ETA \(eta / 60):\(String(format: "%02d", eta % 60))  \(username): \(outcome)"
                )
                if index == total { write("\n") }
            } else {
                line("[\(index)/\(total)] \(username): \(outcome)")
            }
        case .exported(let path, let users):
            line("wrote \(path) (\(users) users)")
        }
    }

    private func line(_ text: String) { write(text + "\n") }
    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
