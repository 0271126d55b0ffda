import ArgumentParser
import Foundation
import Issuance

struct AdminsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admins",
        abstract: "The register's administrators: each has a name and their own passphrase.",
        discussion: """
            The seeds are sealed with one register key; each admin's passphrase key wraps it. Adding or \
            removing an admin re-wraps that one key and never touches the seeds. Every change is logged \
            with the admin who made it (tokenforge log).
            """,
        subcommands: [List.self, Add.self, Remove.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the admins.", discussion: ExitStatus.helpText)
        @OptionGroup var admin: AdminOptions
        @Flag(help: "Print a JSON array of {name, created_at}.") var json = false

        struct Output: Encodable {
            let name: String
            let createdAt: Int64
            enum CodingKeys: String, CodingKey {
                case name
                case createdAt = "created_at"
            }
        }

        func run() throws {
            let admins = try withRegister { try admin.openForReading().admins() }
            if json { return try JSONOutput.print(admins.map { Output(name: $0.name, createdAt: $0.createdAt) }) }
            for admin in admins { print("\(admin.name)  since \(AuditEntry.format(admin.createdAt))") }
        }
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an admin with their own passphrase (you confirm with yours).",
            discussion: ExitStatus.helpText)
        @Argument(help: "The new admin's name.") var name: String
        @Option(
            help: ArgumentHelp(
                "Read the new admin's passphrase from FILE; else TOKENFORGE_NEW_ADMIN_PASSPHRASE; else a prompt (twice).",
                valueName: "FILE"))
        var newPassphraseFile: String?
        @OptionGroup var admin: AdminOptions
        @OptionGroup var reason: ReasonOptions

        func run() throws {
            let register = try admin.open()
            let passphrase: String
            if let newPassphraseFile {
                passphrase = try SecretInput.read(newPassphraseFile).components(separatedBy: .newlines).first ?? ""
            } else if let value = ProcessInfo.processInfo.environment["TOKENFORGE_NEW_ADMIN_PASSPHRASE"], !value.isEmpty {
                passphrase = value
            } else {
                passphrase = try PINInput.promptWithoutEcho(
                    "Passphrase for \(name): ", variable: "TOKENFORGE_NEW_ADMIN_PASSPHRASE")
                guard
                    try PINInput.promptWithoutEcho("Again: ", variable: "TOKENFORGE_NEW_ADMIN_PASSPHRASE") == passphrase
                else { throw CLIFailure(status: .pin, message: "the passphrases differ: no admin was added") }
            }
            guard passphrase.count >= 8 else {
                throw CLIFailure(status: .pin, message: "an admin passphrase has at least 8 characters")
            }
            try withRegister { try register.addAdmin(name, passphrase: passphrase, reason: reason.reason) }
            print("\(name): added as an admin of \(register.path)")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove an admin: their passphrase no longer opens the register.",
            discussion: ExitStatus.helpText)
        @Argument(help: "The admin's name.") var name: String
        @OptionGroup var admin: AdminOptions
        @OptionGroup var reason: ReasonOptions

        func run() throws {
            let register = try admin.open()
            try withRegister { try register.removeAdmin(name, reason: reason.reason) }
            print("\(name): removed; their passphrase no longer opens \(register.path)")
        }
    }
}
