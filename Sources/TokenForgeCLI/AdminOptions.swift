import ArgumentParser
import Foundation
import Issuance

/// The register and the admin passphrase that unlocks it.
struct AdminOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The register (default: ~/.local/share/tokenforge/register.sqlite).", valueName: "FILE"))
    var register: String?

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
        do { return try Register(path: path, passphrase: passphrase) } catch let error as RegisterError {
            throw CLIFailure(error)
        }
    }

    /// The register for listing only (no passphrase, no seeds).
    func openForReading() throws -> Register {
        do { return try Register(path: path, passphrase: nil) } catch let error as RegisterError {
            throw CLIFailure(error)
        }
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
            case .inUse: .registerInUse
            case .database: .cannotWrite
            }
        self.init(status: status, message: "\(error)")
    }
}

/// Runs `body`, turning register errors into CLI failures.
func withRegister<Result>(_ body: () throws -> Result) throws -> Result {
    do { return try body() } catch let error as RegisterError { throw CLIFailure(error) }
}
