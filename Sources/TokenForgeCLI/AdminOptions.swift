import ArgumentParser
import Foundation
import Issuance

/// The register, the admin opening it and their passphrase, and how long to wait for another
/// administrator's command to finish with it.
struct AdminOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The register (default: ~/.local/share/tokenforge/register.sqlite).", valueName: "FILE"))
    var register: String?

    @Option(
        help: ArgumentHelp(
            "The admin opening the register (default: TOKENFORGE_ADMIN; else the only admin; a new register's first admin is the login name).",
            valueName: "NAME"))
    var admin: String?

    @Option(
        help: ArgumentHelp(
            "How long to wait while another tokenforge changes the register (0...3600).", valueName: "SECONDS"))
    var wait = 10

    /// The longest --wait.
    static let waitLimit = 3600

    func validate() throws {
        guard (0...Self.waitLimit).contains(wait) else {
            throw ValidationError("--wait \(wait) is not in 0...\(Self.waitLimit) seconds")
        }
    }

    /// The admin name given, if any: --admin, else TOKENFORGE_ADMIN.
    var adminName: String? {
        admin ?? ProcessInfo.processInfo.environment["TOKENFORGE_ADMIN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    @Option(
        help: ArgumentHelp(
            "Read the admin passphrase from FILE (\"-\" for standard input); else TOKENFORGE_ADMIN_PASSPHRASE; else a prompt.",
            valueName: "FILE"))
    var passphraseFile: String?

    var path: String { register ?? Register.defaultPath() }

    func passphrase() throws -> String {
        if let passphraseFile {
            return try SecretInput.read(passphraseFile).components(separatedBy: .newlines).first ?? ""
        }
        if let value = ProcessInfo.processInfo.environment["TOKENFORGE_ADMIN_PASSPHRASE"], !value.isEmpty {
            return value
        }
        let first = try PINInput.promptWithoutEcho("Admin passphrase: ", variable: "TOKENFORGE_ADMIN_PASSPHRASE")
        if !FileManager.default.fileExists(atPath: path) {
            guard
                try PINInput.promptWithoutEcho(
                    "Again, to create the register: ", variable: "TOKENFORGE_ADMIN_PASSPHRASE") == first
            else {
                throw CLIFailure(status: .pin, message: "the passphrases differ: nothing was created")
            }
        }
        return first
    }

    /// The register, unlocked for changes.
    func open() throws -> Register {
        let passphrase = try passphrase()
        guard passphrase.count >= 8 else {
            throw CLIFailure(status: .pin, message: "the admin passphrase has at least 8 characters")
        }
        let creating = !FileManager.default.fileExists(atPath: path)
        let name = adminName ?? (creating ? Self.loginName : nil)
        do {
            return try Register(path: path, passphrase: passphrase, admin: name, wait: .seconds(wait))
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
    }

    /// The register for listing only (no passphrase, no seeds).
    func openForReading() throws -> Register {
        do { return try Register(path: path, passphrase: nil, wait: .seconds(wait)) } catch let error as RegisterError {
            throw CLIFailure(error)
        }
    }

    /// The login name, as a register admin name (characters an admin name cannot hold dropped).
    static var loginName: String {
        let name = String(
            (ProcessInfo.processInfo.environment["USER"] ?? NSUserName()).unicodeScalars.filter {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-_@".unicodeScalars.contains($0))
            }.prefix(64))
        return name.isEmpty ? "admin" : name
    }
}

extension CLIFailure {
    init(_ error: RegisterError) {
        let status: ExitStatus =
            switch error {
            case .wrongPassphrase: .pin
            case .notARegister: .noInput
            case .unknownUser, .noSeed: .badInput
            case .damaged: .registerDamaged
            case .inUse, .busy: .registerInUse
            case .adminRequired, .unknownAdmin, .invalidAdminName: .usage
            case .adminExists, .lastAdmin, .revoked, .needsUpgrade: .refused
            case .database: .cannotWrite
            }
        self.init(status: status, message: "\(error)")
    }
}

/// Runs `body`, turning register errors into CLI failures.
func withRegister<Result>(_ body: () throws -> Result) throws -> Result {
    do { return try body() } catch let error as RegisterError { throw CLIFailure(error) }
}
