import ArgumentParser
import DurableFiles
import Foundation
import Issuance
import Provisioning

struct IssueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue OTP to the staff in a roster: seeds, QR codes and letters, programmed tokens, server exports.",
        discussion: """
            ROSTER is a UTF-8 CSV with the header username,display_name,email,language,method[,app][,token_serial]: \
            language fr, de, it or en; method app or token. Every row is checked first; nothing is written \
            if any is wrong.

            App users get a seed (per their app profile), a QR code (OUT/qr/USER.png and .svg) and an \
            activation letter in their language (OUT/letters/USER.LANG.html). Token users get their seed \
            programmed into a token and verified: the one with the roster's serial, else the next one \
            inserted, and a handover sheet (OUT/sheets/USER.sheet.LANG.html). --pdf FILE also writes \
            every letter and sheet of the run as one PDF, one page per user. Exports go to OUT/exports/. \
            Every file is mode 0600.

            The register records each step before the next: if a run dies, run it again with --resume; \
            no seed is lost, none is issued twice.

            \(ExitStatus.helpText)
            """)

    @Argument(help: "The roster CSV.") var roster: String
    @Option(help: "The service name shown in apps and letters.") var issuer: String
    @Option(help: ArgumentHelp("Where QR codes, letters and exports go.", valueName: "DIR")) var out: String
    @Option(help: ArgumentHelp("Exports to write, comma-separated: pskc, entra, privacyidea, uris.", valueName: "LIST"))
    var export = "pskc"
    @Option(
        help: ArgumentHelp(
            "Read the PSKC export passphrase from FILE; else TOKENFORGE_EXPORT_PASSPHRASE.", valueName: "FILE"))
    var exportPassphraseFile: String?
    @Flag(help: "Write the PSKC export unencrypted.") var plaintext = false
    @Option(help: ArgumentHelp("Also write every letter and handover sheet as one print-ready PDF.", valueName: "FILE"))
    var pdf: String?
    @OptionGroup var letters: LetterOptions
    @Flag(help: "Continue a run that stopped before finishing.") var resume = false
    @Flag(help: "Show what would happen; write nothing.") var dryRun = false
    @Option(help: ArgumentHelp("How long to wait for a token to be inserted.", valueName: "SECONDS")) var tokenWait =
        300
    @OptionGroup var admin: AdminOptions
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions

    func run() throws {
        let text: String
        do { text = try String(contentsOfFile: roster, encoding: .utf8) } catch {
            throw CLIFailure.noInput(
                "cannot read \(roster): \(FileManager.default.fileExists(atPath: roster) ? "not UTF-8 text" : "no such file")"
            )
        }
        let entries: [RosterEntry]
        do { entries = try Roster.parse(text, file: roster) } catch { throw CLIFailure.badInput("\(error)") }
        var formats: Set<IssueRun.ExportFormat> = []
        for name in export.split(separator: ",") {
            guard let format = IssueRun.ExportFormat(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased())
            else {
                throw CLIFailure.usage("unknown export \"\(name)\": use pskc, entra, privacyidea, uris")
            }
            formats.insert(format)
        }
        if dryRun {
            let register = FileManager.default.fileExists(atPath: admin.path) ? try admin.openForReading() : nil
            for step in try IssueRun.plan(entries, register: register) { print("\(step.username): \(step.action)") }
            print(
                "exports: \(formats.map(\.rawValue).sorted().joined(separator: ", ")) into \(out)/exports (dry run: nothing written)"
            )
            return
        }
        var exportPassphrase: String?
        if formats.contains(.pskc), !plaintext {
            exportPassphrase =
                try exportPassphraseFile.map { try SecretInput.read($0).components(separatedBy: .newlines).first ?? "" }
                ?? ProcessInfo.processInfo.environment["TOKENFORGE_EXPORT_PASSPHRASE"]
            guard let exportPassphrase, exportPassphrase.count >= 8 else {
                throw CLIFailure.usage(
                    "the PSKC export is encrypted: give --export-passphrase-file or TOKENFORGE_EXPORT_PASSPHRASE (8 characters or more), or --plaintext"
                )
            }
        }
        try checkNewOutput(pdf)
        let renderer = try letters.renderer(
            languages: Set(entries.filter { $0.method == .app }.map(\.language)),
            addresses: Dictionary(entries.map { ($0.username, $0.address) }) { first, _ in first })
        let register = try admin.open()
        var options = IssueRun.Options(issuer: issuer, outputDirectory: out, letters: renderer)
        options.exports = formats
        options.exportPassphrase = exportPassphrase
        options.resume = resume
        let afterCommit = TokenForge.afterIssueCommit.withLock { $0 }
        options.afterCommit = { afterCommit($0) }
        var programming = SlotProgrammer.Options()
        programming.allowTestTokens = device.testTokensAllowed
        let tokens =
            entries.contains { $0.method == .token }
            ? ConnectedTokenSource(
                discovery: device.discovery, programmingOptions: programming, wait: .seconds(tokenWait),
                pin: { try pin.pin() }, takenSerials: { Set(try register.users().compactMap(\.tokenSerial)) },
                waiting: { FileHandle.standardError.write(Data("\($0)\n".utf8)) }) : nil
        let run = IssueRun(register: register, options: options, tokens: tokens, progress: ProgressReporter().report)
        run.plaintextAllowed = plaintext
        do { try run.run(entries) } catch let error as IssueRun.IssueError {
            switch error {
            case .unfinished: throw CLIFailure.usage("\(error)")
            case .tokenFailed(_, let tokenError):
                throw CLIFailure(status: CLIFailure(tokenError).status, message: "\(error)")
            case .tokenNotFound(_, let discoveryError):
                throw CLIFailure(status: CLIFailure(discoveryError).status, message: "\(error)")
            case .appIncompatible, .export: throw CLIFailure.badInput("\(error)")
            case .noExportPassphrase: throw CLIFailure.usage("\(error)")
            }
        } catch let error as DurableFileError {
            throw CLIFailure(status: .cannotWrite, message: "\(error)")
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
        try printLetters(entries, register: register, renderer: renderer)
    }

    /// Writes the token users' handover sheets (OUT/sheets/) and, with --pdf, every page of the run.
    private func printLetters(_ entries: [RosterEntry], register: Register, renderer: LetterRenderer) throws {
        let delivery = letters.pinDelivery
        let print = LetterPrint(register: register, renderer: renderer, issuer: issuer) { _ in delivery }
        let users = try withRegister {
            try register.users(named: entries.map(\.username))
        }
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
