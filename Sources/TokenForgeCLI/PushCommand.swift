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

/// How to reach privacyIDEA: given here, or remembered in the register with --remember.
struct PrivacyIDEAOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The server's base URL, e.g. https://otp.example.org.", valueName: "URL"))
    var url: String?
    @Option(help: ArgumentHelp("The privacyIDEA admin to log in as.", valueName: "ADMIN")) var user: String?
    @Option(help: ArgumentHelp("The realm holding the staff.", valueName: "REALM")) var realm: String?
    @Option(help: ArgumentHelp("The user resolver holding the staff, sent with each token created.", valueName: "NAME"))
    var resolver: String?
    @Option(
        help: ArgumentHelp(
            "Verify the server's TLS certificate with the CA certificates (PEM) in FILE, e.g. a private CA.",
            valueName: "FILE"))
    var caFile: String?
    @Option(
        help: ArgumentHelp(
            "Read the privacyIDEA admin password from FILE; else TOKENFORGE_PRIVACYIDEA_PASSWORD.", valueName: "FILE"))
    var passwordFile: String?
    @Option(help: ArgumentHelp("How long to wait for each answer (1...300).", valueName: "SECONDS")) var timeout = 30

    func validate() throws {
        if let url {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil
            else {
                throw ValidationError("--url \(url) is not an http(s) URL")
            }
        }
        guard (1...300).contains(timeout) else { throw ValidationError("--timeout \(timeout) is not in 1...300") }
        for (name, value) in [("--user", user), ("--realm", realm), ("--resolver", resolver), ("--ca-file", caFile)] {
            if value?.isEmpty == true { throw ValidationError("\(name) is empty") }
        }
    }

    /// The settings given, completed by those the register remembers; a usage error when any is missing.
    func settings(_ register: Register) throws -> Register.ServerSettings {
        try Self.settings(register, url: url, user: user, realm: realm, resolver: resolver, caFile: caFile)
    }

    static func settings(
        _ register: Register, url: String? = nil, user: String? = nil, realm: String? = nil, resolver: String? = nil,
        caFile: String? = nil
    ) throws -> Register.ServerSettings {
        let remembered = try withRegister { try register.privacyIDEASettings() }
        guard let url = url ?? remembered?.url, let user = user ?? remembered?.user,
            let realm = realm ?? remembered?.realm
        else {
            throw CLIFailure.usage(
                "privacyIDEA needs --url, --user and --realm (once with push privacyidea --remember, then they are kept)"
            )
        }
        let given = caFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let path = given ?? remembered?.caFile {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                FileManager.default.isReadableFile(atPath: path)
            else {
                throw CLIFailure.noInput(
                    "cannot read the CA file \(path)\(given == nil ? " (remembered in the register: give --ca-file)" : "")"
                )
            }
        }
        return Register.ServerSettings(
            url: url, user: user, realm: realm, resolver: resolver ?? remembered?.resolver,
            caFile: given ?? remembered?.caFile)
    }

    func password() throws -> String { try Self.password(file: passwordFile) }

    static func password(file passwordFile: String?) throws -> String {
        let password =
            try passwordFile.map { try SecretInput.read($0).components(separatedBy: .newlines).first ?? "" }
            ?? ProcessInfo.processInfo.environment["TOKENFORGE_PRIVACYIDEA_PASSWORD"]
        guard let password, !password.isEmpty else {
            throw CLIFailure.usage(
                "give the privacyIDEA admin password with --password-file or TOKENFORGE_PRIVACYIDEA_PASSWORD")
        }
        return password
    }

    /// Logs in and pushes, mapping the server's failures to exit statuses.
    static func push(
        _ register: Register, settings: Register.ServerSettings, password: String, dryRun: Bool, timeout: Int = 30
    ) throws -> ServerSync.Report {
        let client = PrivacyIDEAClient(
            baseURL: URL(string: settings.url)!, timeout: TimeInterval(timeout), caFile: settings.caFile,
            resolver: settings.resolver)
        do {
            try client.login(user: settings.user, password: password)
        } catch {
            throw failure(error, settings: settings, midway: false)
        }
        do {
            return try ServerSync.push(
                register: register, client: client, realm: settings.realm, dryRun: dryRun,
                now: { Int64(Date().timeIntervalSince1970) })
        } catch let error as PrivacyIDEAError {
            throw failure(error, settings: settings, midway: !dryRun)
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
    }

    /// The exit status and message of a failure talking to the server; `midway` when changes may
    /// have been made before it (each one made is recorded in the register).
    static func failure(_ error: PrivacyIDEAError, settings: Register.ServerSettings, midway: Bool) -> CLIFailure {
        let status: ExitStatus =
            switch error {
            case .unreachable: .noDevice
            case .tls: .serverNotVerified
            case .unusableCAFile: .noInput
            case .badCredentials: .pin
            case .unknownUser, .refused: .refused
            case .malformedResponse: .deviceIO
            }
        var message = "\(error)"
        if case .tls = error {
            message +=
                settings.caFile.map { " (checked against the CAs in \($0))" }
                ?? "; if a private certificate authority signed it, give that CA's certificate with --ca-file FILE"
        }
        if midway {
            message += "\nthe changes made before it are recorded in the register; push --dry-run lists those left"
        }
        return CLIFailure(status: status, message: message)
    }

    static func print(_ report: ServerSync.Report, dryRun: Bool) {
        for change in report.changes { Swift.print(change) }
        for token in report.unknown {
            Swift.print(
                "token \(token.serial)\(token.username.isEmpty ? "" : " (\(token.username))") is on the server but not in the register: left alone"
            )
        }
        Swift.print(
            "\(report.changes.count) change\(report.changes.count == 1 ? "" : "s")\(dryRun ? " to make (dry run: none made)" : "")"
        )
    }
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
            each change is made (tokenforge users --json: server_serial, server_pushed_at). --remember \
            keeps --url, --user, --realm, --resolver and --ca-file in the register (never the password) \
            for later pushes and for issue --push privacyidea. TLS is always verified: against the \
            system's CAs, or with --ca-file against the CA certificates in FILE.

            \(ExitStatus.helpText)
            """)

    @OptionGroup var server: PrivacyIDEAOptions
    @Flag(help: "Keep --url, --user, --realm, --resolver and --ca-file in the register for later pushes.")
    var remember = false
    @Flag(help: "Show the changes; make none.") var dryRun = false
    @OptionGroup var admin: AdminOptions

    func run() throws {
        let password = try server.password()
        let register = try admin.open()
        let settings = try server.settings(register)
        let report = try PrivacyIDEAOptions.push(
            register, settings: settings, password: password, dryRun: dryRun, timeout: server.timeout)
        if remember { try withRegister { try register.rememberPrivacyIDEA(settings) } }
        PrivacyIDEAOptions.print(report, dryRun: dryRun)
    }
}
