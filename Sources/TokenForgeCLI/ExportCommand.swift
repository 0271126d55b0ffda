import ArgumentParser
import Exports
import Foundation
import Issuance

/// `tokenforge export`: the register's issued users written for authentication servers, without
/// issuing anything, into a new run directory; all of them, or what changed since the last export.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the register's users for authentication servers, into a new timestamped directory.",
        discussion: """
            Each run writes new files into a directory of its own, DIR/RUN/, RUN being the UTC time \
            (2026-12-03T172800Z; -2, -3 … when two runs share a second): an earlier export is never \
            replaced. Beside the files, manifest.json names the run, its mode and, per format, the users \
            written and the tokens to remove. The run is recorded in the register's export history.

            Formats: pskc (seeds.pskc, RFC 6030), entra (entra-oath-tokens.csv for SHA-1 tokens; \
            entra-hardware-oath-devices.json, a Microsoft Graph body naming the hash, for SHA-256 tokens), \
            privacyidea (privacyidea-tokens.csv), uris (otpauth-uris.txt). Entra ID takes TOTP tokens of \
            SHA-1 or SHA-256, 30 or 60 s, 6 digits: any other user refuses the Entra export, each named \
            with why, and nothing is written (exit 85).

            --changes-since-last writes, per format, only users added or given a new seed since that \
            format's last export, and FORMAT-removals.csv (serial,username,reason): tokens to delete on \
            the server first, reason revoked, replaced (the old token of a reissued user; it may keep its \
            serial) or disabled (no format can say disabled; the token comes back once the user is \
            enabled). With nothing to write or remove it says "0 changes" and writes nothing. A full \
            export writes every issued, enabled user, and the removals list when there is one.

            \(ExitStatus.helpText)
            """)

    @Option(help: ArgumentHelp("The service name in PSKC and otpauth URIs (as given to issue).", valueName: "NAME"))
    var issuer: String
    @Option(help: ArgumentHelp("Formats to write, comma-separated: pskc, entra, privacyidea, uris.", valueName: "LIST"))
    var format = "pskc"
    @Flag(help: "Write only what changed since each format's last export, with the removals list.")
    var changesSinceLast = false
    @Option(help: ArgumentHelp("The exports directory; each run makes a new directory in it.", valueName: "DIR"))
    var outputDir = "exports"
    @Flag(help: "Print the run as JSON: run, directory, changes, and per format the users and files.") var json = false
    @OptionGroup var exportFiles: ExportFileOptions
    @OptionGroup var admin: AdminOptions

    func run() throws {
        guard FileManager.default.fileExists(atPath: admin.path) else {
            throw CLIFailure.noInput("no register at \(admin.path): issue to a roster first (tokenforge issue)")
        }
        let formats = try ExportFileOptions.formats(format)
        let files = try exportFiles.settings(for: formats)
        let register = try admin.open()
        var options = ExportRun.Options(formats: formats, directory: outputDir, issuer: issuer)
        options.exportPassphrase = files.passphrase
        options.privacyIDEAResolver = files.resolver
        options.privacyIDEARealm = files.realm
        options.changesSinceLast = changesSinceLast
        var run = ExportRun(register: register, options: options)
        run.plaintextAllowed = exportFiles.plaintext
        let outcome: ExportRun.Outcome
        do { outcome = try run.run() } catch let error as ExportRun.RunError {
            throw CLIFailure(error)
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
        if json { return try JSONOutput.print(ExportJSON(outcome)) }
        for format in outcome.formats {
            let since = format.since.map { " since \($0)" } ?? ""
            let removals = format.removals.isEmpty ? "" : ", \(format.removals.count) to remove"
            print("\(format.format.rawValue): \(format.written.count) written\(removals)\(since)")
            for file in format.files { print("  \(file)") }
        }
        if outcome.run == nil {
            print(
                changesSinceLast
                    ? "0 changes since the last export: nothing written" : "no issued, enabled users: nothing written")
        } else {
            print(
                "export \(outcome.run!) in \(outcome.directory!) (\(outcome.changes) change\(outcome.changes == 1 ? "" : "s"))"
            )
        }
    }
}

/// `export --json`: the run and, per format, users written, removals and files (as paths).
struct ExportJSON: Encodable {
    let run: String?
    let directory: String?
    let mode: String
    let changes: Int
    let formats: [ExportRun.FormatOutcome]

    init(_ outcome: ExportRun.Outcome) {
        run = outcome.run
        directory = outcome.directory
        mode = outcome.changesOnly ? "changes-since-last" : "full"
        changes = outcome.changes
        formats = outcome.formats
    }
}

/// What `issue`, `reissue` and `export` need for the export files: the PSKC passphrase (or
/// plaintext), and privacyIDEA's resolver and realm.
struct ExportFileOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read the PSKC export passphrase from FILE; else TOKENFORGE_EXPORT_PASSPHRASE.", valueName: "FILE"))
    var exportPassphraseFile: String?
    @Flag(help: "Write the PSKC export unencrypted.") var plaintext = false
    @Option(
        help: ArgumentHelp(
            "The privacyIDEA user resolver of the staff (required with the privacyidea export).", valueName: "NAME"))
    var privacyideaResolver: String?
    @Option(
        help: ArgumentHelp(
            "The privacyIDEA realm of the staff (required with the privacyidea export).", valueName: "NAME"))
    var privacyideaRealm: String?

    /// The formats of a comma-separated LIST.
    static func formats(_ list: String) throws -> Set<ExportFormat> {
        var formats: Set<ExportFormat> = []
        for name in list.split(separator: ",") {
            guard let format = ExportFormat(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw CLIFailure.usage("unknown export \"\(name)\": use pskc, entra, privacyidea, uris")
            }
            formats.insert(format)
        }
        guard !formats.isEmpty else {
            throw CLIFailure.usage("no export format given: use pskc, entra, privacyidea, uris")
        }
        return formats
    }

    /// The passphrase (nil: none needed, or plaintext) and privacyIDEA names `formats` need.
    func settings(for formats: Set<ExportFormat>) throws -> (passphrase: String?, resolver: String, realm: String) {
        var passphrase: String?
        if formats.contains(.pskc), !plaintext {
            passphrase =
                try exportPassphraseFile.map { try SecretInput.read($0).components(separatedBy: .newlines).first ?? "" }
                ?? ProcessInfo.processInfo.environment["TOKENFORGE_EXPORT_PASSPHRASE"]
            guard let passphrase, passphrase.count >= 8 else {
                throw CLIFailure.usage(
                    "the PSKC export is encrypted: give --export-passphrase-file or TOKENFORGE_EXPORT_PASSPHRASE (8 characters or more), or --plaintext"
                )
            }
        }
        guard formats.contains(.privacyidea) else { return (passphrase, "deflocal", "defrealm") }
        guard let privacyideaResolver, let privacyideaRealm else {
            throw CLIFailure.usage(
                "the privacyIDEA export names the staff's resolver and realm: give --privacyidea-resolver and --privacyidea-realm"
            )
        }
        return (passphrase, privacyideaResolver, privacyideaRealm)
    }
}

extension CLIFailure {
    /// The exit status and message of an export that was not written.
    init(_ error: ExportRun.RunError) {
        let status: ExitStatus =
            switch error {
            case .refused: .exportRefused
            case .format: .badInput
            case .noExportPassphrase: .usage
            case .cannotWrite: .cannotWrite
            }
        self.init(status: status, message: "\(error)")
    }
}
