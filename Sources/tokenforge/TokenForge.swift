import ArgumentParser
import Foundation

@main
struct TokenForge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenforge",
        abstract: "Program OTP tokens, issue authenticator-app seeds, and check one-time codes.",
        discussion: """
            Secrets are never required on the command line: give them in a file (mode 0600), on \
            standard input with "-", or in the environment (TOKENFORGE_SECRET, TOKENFORGE_URI).

            \(ExitStatus.helpText)
            """,
        subcommands: [
            CodeCommand.self, URICommand.self, VerifyCommand.self, DevicesCommand.self, InfoCommand.self,
            SlotsCommand.self, ProgramCommand.self, EraseCommand.self, TimeCommand.self, PINCommand.self,
            ResetCommand.self, QRCommand.self, ImportCommand.self, ExportMigrationCommand.self, IssueCommand.self,
            UsersCommand.self, EnableCommand.self, DisableCommand.self, RevokeCommand.self, ActivateCommand.self,
            DemoCommand.self,
        ]
    )

    /// Runs a command and maps failures to the documented exit statuses.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("tokenforge: \(failure.message)\n".utf8))
            Foundation.exit(failure.status.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
