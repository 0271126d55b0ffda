public import ArgumentParser
import Foundation
import OTPCore
import Synchronization

/// The `tokenforge` command: parsing, prompts and printing over the TokenForge libraries.
public struct TokenForge: ParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
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
            ResetCommand.self, QRCommand.self, ImportCommand.self, ExportMigrationCommand.self, IssueCommand.self, ExportCommand.self,
            UsersCommand.self, EnableCommand.self, DisableCommand.self, RevokeCommand.self, ActivateCommand.self,
            ReissueCommand.self, UnlockCommand.self, LogCommand.self, AdminsCommand.self, PushCommand.self, DemoCommand.self, LettersCommand.self,
            TokensCommand.self,
        ]
    )

    /// Called after each step an `issue` run commits to the register, with the count so far: the
    /// fault-injection test binary stops the process there; `tokenforge` itself sets nothing.
    static let afterIssueCommit = Mutex<@Sendable (Int) -> Void>({ _ in })

    /// Runs `tokenforge` with `hook` called after each committed issuance step.
    public static func main(afterIssueCommit hook: @escaping @Sendable (Int) -> Void) {
        afterIssueCommit.withLock { $0 = hook }
        main()
    }

    /// Runs a command and maps failures to the documented exit statuses.
    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as CLIFailure {
            FileHandle.standardError.write(Data("tokenforge: \(PrintableText.message(failure.message))\n".utf8))
            Foundation.exit(failure.status.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
