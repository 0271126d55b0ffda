import ArgumentParser
import Foundation
import Issuance
import PrivacyIDEA

struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Bring the authentication server in line with the register.",
        subcommands: [PrivacyIDEAPush.self])
}

struct PrivacyIDEAPush: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacyidea",
        abstract: "Create, disable, enable, replace and delete the staff's tokens on a privacyIDEA server.",
        discussion: """
            Each issued user gets a TOTP token with their seed (serial: their token's, or APP-USER), \
            disabled while they are disabled; a reissued user's token is replaced; a revoked user's token \
            is deleted. A second run changes nothing. Tokens in the realm that TokenForge did not push are \
            listed and left alone. What the server holds for each user is recorded in the register as \
            each change is made (tokenforge users --json: server_serial, server_pushed_at).

            \(ExitStatus.helpText)
            """)

    @Option(help: ArgumentHelp("The server's base URL, e.g. https://otp.example.org.", valueName: "URL")) var url: String
    @Option(help: ArgumentHelp("The privacyIDEA admin to log in as.", valueName: "ADMIN")) var user: String
    @Option(
        help: ArgumentHelp(
            "Read the privacyIDEA admin password from FILE; else TOKENFORGE_PRIVACYIDEA_PASSWORD.", valueName: "FILE"))
    var passwordFile: String?
    @Option(help: ArgumentHelp("The realm holding the staff.", valueName: "REALM")) var realm: String
    @Option(help: ArgumentHelp("How long to wait for each answer (1...300).", valueName: "SECONDS")) var timeout = 30
    @Flag(help: "Show the changes; make none.") var dryRun = false
    @OptionGroup var admin: AdminOptions

    func validate() throws {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw ValidationError("--url \(url) is not an http(s) URL")
        }
        guard (1...300).contains(timeout) else { throw ValidationError("--timeout \(timeout) is not in 1...300") }
    }

    func run() throws {
        let password =
            try passwordFile.map { try SecretInput.read($0).components(separatedBy: .newlines).first ?? "" }
            ?? ProcessInfo.processInfo.environment["TOKENFORGE_PRIVACYIDEA_PASSWORD"]
        guard let password, !password.isEmpty else {
            throw CLIFailure.usage("give the privacyIDEA admin password with --password-file or TOKENFORGE_PRIVACYIDEA_PASSWORD")
        }
        let register = try admin.open()
        let client = PrivacyIDEAClient(baseURL: URL(string: url)!, timeout: TimeInterval(timeout))
        let report: ServerSync.Report
        do {
            try client.login(user: user, password: password)
            report = try ServerSync.push(
                register: register, client: client, realm: realm, dryRun: dryRun,
                now: { Int64(Date().timeIntervalSince1970) })
        } catch let error as PrivacyIDEAError {
            let status: ExitStatus =
                switch error {
                case .unreachable: .noDevice
                case .badCredentials: .pin
                case .refused: .refused
                case .malformedResponse: .deviceIO
                }
            throw CLIFailure(status: status, message: "\(error)")
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
        for change in report.changes { print(change) }
        for token in report.unknown {
            print("token \(token.serial)\(token.username.isEmpty ? "" : " (\(token.username))") is on the server but not in the register: left alone")
        }
        print("\(report.changes.count) change\(report.changes.count == 1 ? "" : "s")\(dryRun ? " to make (dry run: none made)" : "")")
    }
}
