import ArgumentParser
import DurableFiles
import Foundation
import Issuance

/// `tokenforge letters`: prints again the letters and handover sheets of users who have not
/// activated, with the seed they were issued.
struct LettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letters",
        abstract:
            "Print again the letters (app users) and handover sheets (token users) of users who have not activated.",
        discussion: """
            The same seed is printed again; no new one is made. Named users who are unknown, activated, \
            revoked or not issued yet are refused (exit status 83) and nothing is written. With no USERS, \
            every user who has a letter or a token and has not activated is printed. The PDF (one page \
            per user) and the HTML files are mode 0600 and never replace an existing file.

            \(ExitStatus.helpText)
            """)

    @Argument(help: "The users to print (default: every user who has not activated).") var users: [String] = []
    @Option(help: "The service name shown in apps and letters, as given to issue.") var issuer: String
    @Option(help: ArgumentHelp("Write the letters as one print-ready PDF, one page per user.", valueName: "FILE"))
    var pdf: String?
    @Option(help: ArgumentHelp("Write each letter as HTML into DIR.", valueName: "DIR")) var html: String?
    @Option(help: ArgumentHelp("The roster, for the recipients' addresses.", valueName: "FILE")) var roster: String?
    @OptionGroup var letters: LetterOptions
    @Option(
        help: "How token users get their PIN, as their handover sheets say: set-at-handover, separate or none (display tokens: none).")
    var pinDelivery: HandoverSheet.PINDelivery = .deliveredSeparately
    @OptionGroup var admin: AdminOptions

    func validate() throws {
        if pdf == nil, html == nil { throw ValidationError("give --pdf FILE, --html DIR or both") }
    }

    func run() throws {
        try checkNewOutput(pdf)
        var addresses: [String: [String]] = [:]
        if let roster {
            let text = try RosterFile.read(roster)
            do {
                for entry in try Roster.parse(text, file: roster) { addresses[entry.username] = entry.address }
            } catch { throw CLIFailure.badInput("\(error)") }
        }
        let register = try admin.open()
        let chosen: [RegisteredUser]
        do { chosen = try LetterPrint.users(named: users, in: register) } catch let error as LetterPrint.RefusalError {
            throw CLIFailure(status: .notPrintable, message: "no letters printed: \(error)")
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
        guard !chosen.isEmpty else {
            throw CLIFailure(status: .notPrintable, message: "no user is waiting for a letter")
        }
        let renderer = try letters.renderer(
            languages: Set(chosen.filter { $0.entry.method == .app }.map(\.entry.language)), addresses: addresses)
        let delivery = pinDelivery
        let displayTokens = Set(try withRegister { try register.displayTokens() }.map(\.serial))
        let print = LetterPrint(register: register, renderer: renderer, issuer: issuer) { user in
            user.tokenSerial.map(displayTokens.contains) == true ? .none : delivery
        }
        if let pdf {
            try writePDF(print, users: chosen, to: pdf)
            Swift.print("wrote \(pdf) (\(chosen.count) page\(chosen.count == 1 ? "" : "s"))")
        }
        if let html {
            do {
                let paths = try print.writeHTML(for: chosen, into: html)
                Swift.print("wrote \(paths.count) HTML file\(paths.count == 1 ? "" : "s") into \(html)")
            } catch let error as DurableFileError {
                throw CLIFailure(status: .cannotWrite, message: "\(error)")
            } catch let error as RegisterError {
                throw CLIFailure(error)
            }
        }
    }
}
