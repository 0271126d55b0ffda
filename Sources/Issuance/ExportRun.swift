import DurableFiles
import Exports
import Foundation
import OTPCore
import SystemPackage

/// One export of the register: every format's files computed and checked in memory first (a
/// format that cannot carry a user refuses the whole run, naming each user), then written as new
/// files into a new directory of their own, `DIR/2026-12-03T172800Z/` (UTC; `-2`, `-3` … when two
/// runs share a second), never over an earlier export; then recorded in the register's history.
///
/// A full run writes every issued, enabled user. A change-only run writes the users added or
/// reissued since the format's last export, and beside each format's file a removals list: the
/// tokens to delete on the server (revoked users, replaced tokens, disabled users). With nothing
/// to write or remove, it writes nothing and records nothing.
public struct ExportRun {
    public struct Options {
        public var formats: Set<ExportFormat>
        /// The exports directory; each run makes a directory of its own in it.
        public var directory: String
        public var issuer: String
        /// Protects the PSKC export; nil writes it in plaintext.
        public var exportPassphrase: String?
        public var pskcIterations = 100_000
        public var privacyIDEAResolver = "deflocal"
        public var privacyIDEARealm = "defrealm"
        /// Write only what changed since each format's last export, and the removals.
        public var changesSinceLast = false
        /// The current time, in Unix seconds.
        public var now: () -> Int64 = { Int64(Date().timeIntervalSince1970) }

        public init(formats: Set<ExportFormat>, directory: String, issuer: String) {
            self.formats = formats
            self.directory = directory
            self.issuer = issuer
        }
    }

    /// What a run wrote, or would have written.
    public struct Outcome: Equatable, Sendable {
        /// The run's name and directory; nil when there was nothing to write.
        public var run: String?
        public var directory: String?
        public var changesOnly: Bool
        public var formats: [FormatOutcome]

        /// Users written plus tokens to remove, over every format; what a change-only run changed.
        public var changes: Int { formats.reduce(0) { $0 + $1.written.count + $1.removals.count } }
    }

    /// Encoded (the run's manifest, `export --json`) as its format's name, `since`, the files,
    /// the users written with their change, and the removals with their reason.
    public struct FormatOutcome: Equatable, Sendable, Encodable {
        public var format: ExportFormat
        /// The run the changes were counted from; nil for the format's first export.
        public var since: String?
        /// The users written, with whether each is new to the format, replaced or unchanged.
        public var written: [HeldToken]
        public var removals: [Removal]
        /// The files written for the format, as paths.
        public var files: [String]
    }

    public enum RunError: Error, CustomStringConvertible {
        /// The format cannot carry some users (Entra: HOTP, SHA-512, …): nothing was written.
        case refused(ExportFormat, ExportError)
        case format(ExportFormat, ExportError)
        case noExportPassphrase
        /// The run's directory or one of its files cannot be made.
        case cannotWrite(String)

        public var description: String {
            switch self {
            case .refused(let format, let error), .format(let format, let error): "\(format.rawValue) export: \(error)"
            case .noExportPassphrase:
                "the PSKC export is encrypted: give an export passphrase, or choose plaintext explicitly"
            case .cannotWrite(let detail): "export: \(detail)"
            }
        }
    }

    let register: Register
    let options: Options

    public init(register: Register, options: Options) {
        self.register = register
        self.options = options
    }

    /// The serial a user's token is exported under: the hardware serial, or APP-USER for apps.
    static func serial(of user: RegisteredUser) -> String { user.tokenSerial ?? "APP-\(user.entry.username)" }

    /// Refuses, before a run issues anything, users already in the register that a format cannot
    /// take (Entra ID: TOTP, SHA-1 or SHA-256, 30 or 60 s, 6 digits), naming each.
    public static func checkFormats(_ formats: Set<ExportFormat>, users: [RegisteredUser]) throws(RunError) {
        guard formats.contains(.entra) else { return }
        let refusals = users.filter { $0.state.isIssued && $0.enabled }.compactMap { user in
            EntraCSV.refusal(
                username: user.entry.username, kind: .totp(period: user.period), algorithm: user.algorithm,
                digits: user.digits, secretBytes: nil)
        }
        if !refusals.isEmpty { throw .refused(.entra, .entraRefused(refusals)) }
    }

    /// A file of the run, by name within its directory.
    struct File {
        let name: String
        let bytes: [UInt8]
    }

    /// Checks and computes every file, then writes them and records the run; `exported` are users
    /// to move to `exported` with the record (those programmed or sent a letter since).
    public func run(exported: [String] = []) throws -> Outcome {
        let users = try register.users()
        let current = users.filter { $0.state.isIssued && $0.enabled }
        let byName = Dictionary(users.map { ($0.entry.username, $0) }) { first, _ in first }
        if options.formats.contains(.pskc), options.exportPassphrase == nil, !plaintextAllowed {
            throw RunError.noExportPassphrase
        }
        var displayTokens: [String: DisplayToken] = [:]
        for token in try register.displayTokens() {
            if case .assigned(let holder, _) = token.status { displayTokens[holder] = token }
        }
        var seeds: [String: ExportRecord] = [:]
        func record(_ user: RegisteredUser) throws -> ExportRecord {
            if let known = seeds[user.entry.username] { return known }
            let device =
                displayTokens[user.entry.username].flatMap { $0.serial == user.tokenSerial ? $0 : nil }
                .map(ExportDevice.init(displayToken:)) ?? ExportDevice(of: user)
            let made = try ExportRecord(
                username: user.entry.username, serial: Self.serial(of: user), secret: try register.seed(of: user),
                algorithm: user.algorithm, digits: user.digits, kind: .totp(period: user.period),
                issuer: options.issuer, account: user.entry.email, manufacturer: device.manufacturer,
                model: device.model, principalName: user.entry.upn ?? user.entry.email)
            seeds[user.entry.username] = made
            return made
        }
        var outcomes: [FormatOutcome] = []
        var heldAfter: [[HeldToken]] = []
        var files: [File] = []
        for format in options.formats.sorted() {
            let last = try register.lastExport(of: format)
            let previous = Dictionary((last?.held ?? []).map { ($0.username, $0) }) { first, _ in first }
            let held = current.map { user in
                let serial = Self.serial(of: user)
                let change: HeldToken.Change =
                    switch previous[user.entry.username] {
                    case nil: .added
                    case let old? where old.serial != serial || old.generation != user.generation: .replaced
                    case _?: .unchanged
                    }
                return HeldToken(
                    username: user.entry.username, serial: serial, generation: user.generation, state: user.state,
                    enabled: user.enabled, change: change)
            }
            let heldNow = Dictionary(held.map { ($0.username, $0) }) { first, _ in first }
            let removals = (last?.held ?? []).compactMap { old -> Removal? in
                if let now = heldNow[old.username] {
                    return now.change == .replaced
                        ? Removal(serial: old.serial, username: old.username, reason: .replaced) : nil
                }
                let reason: Removal.Reason =
                    switch byName[old.username] {
                    case nil: .revoked
                    case let user? where user.state == .revoked: .revoked
                    case let user? where !user.enabled: .disabled
                    case _?: .replaced
                    }
                return Removal(serial: old.serial, username: old.username, reason: reason)
            }
            let written = options.changesSinceLast ? held.filter { $0.change != .unchanged } : held
            let records: [ExportRecord]
            do { records = try written.map { try record(byName[$0.username]!) } } catch let error as ExportError {
                throw RunError.format(format, error)
            }
            var formatFiles = try self.files(format, records)
            if !removals.isEmpty || options.changesSinceLast {
                formatFiles.append(
                    File(name: "\(format.rawValue)-removals.csv", bytes: Array(RemovalList.export(removals).utf8)))
            }
            files += formatFiles
            heldAfter.append(held)
            outcomes.append(
                FormatOutcome(
                    format: format, since: last?.run, written: written, removals: removals,
                    files: formatFiles.map(\.name)))
        }
        var outcome = Outcome(run: nil, directory: nil, changesOnly: options.changesSinceLast, formats: outcomes)
        let nothing = outcomes.allSatisfy { $0.written.isEmpty && $0.removals.isEmpty }
        if nothing {
            outcome.formats = outcomes.map {
                var empty = $0; empty.files = []; return empty
            }
            if !exported.isEmpty {
                try register.setState(exported, .exported, from: [.programmed, .letterIssued])
            }
            return outcome
        }
        let (name, directory, staging) = try makeRunDirectory()
        var plan = OutputPlan()
        let manifest = File(name: "manifest.json", bytes: try manifestBytes(name: name, outcomes: outcomes))
        do {
            for file in files + [manifest] { try plan.addOutput(FilePath(staging + "/" + file.name)) }
            for file in files + [manifest] {
                try plan.write(file.bytes, to: FilePath(staging + "/" + file.name))
            }
            try DurableFile.moveDirectoryIntoPlace(FilePath(staging), to: FilePath(directory))
        } catch {
            throw RunError.cannotWrite("\(error)")
        }
        try register.recordExport(
            ExportRunRecord(
                name: name, time: options.now(), osUser: OSUser.current, admin: register.admin,
                changesOnly: options.changesSinceLast, directory: directory,
                formats: zip(outcomes, heldAfter).map { outcome, held in
                    ExportRunRecord.Format(
                        format: outcome.format, since: outcome.since, files: outcome.files, held: held,
                        removals: outcome.removals)
                }),
            exported: exported)
        outcome.run = name
        outcome.directory = directory
        outcome.formats = outcomes.map {
            var withPaths = $0; withPaths.files = $0.files.map { directory + "/" + $0 }; return withPaths
        }
        return outcome
    }

    /// Set by the CLI when the administrator asked for a plaintext PSKC file.
    public var plaintextAllowed = false

    /// The data files of `format` for `records`; none when there are no records.
    private func files(_ format: ExportFormat, _ records: [ExportRecord]) throws(RunError) -> [File] {
        if format == .entra {
            let entra: EntraExport
            do { entra = try EntraExport(records) } catch {
                if case .entraRefused = error { throw .refused(.entra, error) }
                throw .format(.entra, error)
            }
            return [
                entra.csv.map { File(name: "entra-oath-tokens.csv", bytes: Array($0.utf8)) },
                entra.graphJSON.map { File(name: "entra-hardware-oath-devices.json", bytes: Array($0.utf8)) },
            ].compactMap { $0 }
        }
        guard !records.isEmpty else { return [] }
        do {
            switch format {
            case .pskc:
                let protection: PSKCDocument.Protection =
                    options.exportPassphrase.map { .password($0, iterationCount: options.pskcIterations) } ?? .plaintext
                return [
                    File(
                        name: "seeds.pskc", bytes: Array(try PSKCDocument.export(records, protection: protection).utf8))
                ]
            case .privacyidea:
                let text = try PrivacyIDEACSV.export(
                    records, resolver: options.privacyIDEAResolver, realm: options.privacyIDEARealm)
                return [File(name: "privacyidea-tokens.csv", bytes: Array(text.utf8))]
            case .uris:
                return [File(name: "otpauth-uris.txt", bytes: Array(try URIList.export(records).utf8))]
            case .entra:
                return []
            }
        } catch {
            throw .format(format, error)
        }
    }

    /// `2026-12-03T172800Z`: a run's name from its time, in UTC.
    public static func runName(_ time: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HHmmss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }

    /// Chooses the run's name (the time's, else with `-2`, `-3` …: a name no directory there and no
    /// run in the register's history has yet) and makes its staging directory (0700),
    /// `DIR/.NAME.partial`, where the files are written before the whole directory is renamed to
    /// `DIR/NAME`: a run killed midway leaves no run directory, only a staging directory, which
    /// the next run removes (the register's lock lets one run at a time, so none is in use).
    private func makeRunDirectory() throws -> (name: String, path: String, staging: String) {
        let base = Self.runName(options.now())
        do {
            try DurableFile.createDirectories(FilePath(options.directory), permissions: [.ownerReadWriteExecute])
        } catch {
            throw RunError.cannotWrite("\(error)")
        }
        try removeStagingDirectories()
        for attempt in 1...1000 {
            let name = attempt == 1 ? base : "\(base)-\(attempt)"
            let path = options.directory + "/" + name
            if try register.hasExportRun(named: name) { continue }
            if (try? FilePath(path).stat(followTargetSymlink: false)) != nil { continue }
            let staging = options.directory + "/." + name + ".partial"
            do {
                if try DurableFile.createNewDirectory(FilePath(staging), permissions: [.ownerReadWriteExecute]) {
                    return (name, path, staging)
                }
            } catch {
                throw RunError.cannotWrite("\(error)")
            }
        }
        throw RunError.cannotWrite("\(options.directory)/\(base): a thousand runs in one second already")
    }

    /// Removes the staging directories (`.NAME.partial`) that runs killed before their end left.
    private func removeStagingDirectories() throws {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: options.directory)) ?? []
        for name in names where name.hasPrefix(".") && name.hasSuffix(".partial") {
            let path = options.directory + "/" + name
            guard (try? FilePath(path).stat(followTargetSymlink: false))?.type == .directory else { continue }
            do { try FileManager.default.removeItem(atPath: path) } catch {
                throw RunError.cannotWrite("cannot remove \(path), left by an export that did not finish: \(error)")
            }
        }
    }

    /// The run's manifest: its name, mode, and per format the files, users written and removals;
    /// no secrets.
    private func manifestBytes(name: String, outcomes: [FormatOutcome]) throws -> [UInt8] {
        struct Manifest: Encodable {
            let run: String
            let time: String
            let admin: String?
            let mode: String
            let formats: [FormatOutcome]
        }
        let manifest = Manifest(
            run: name, time: AuditEntry.format(options.now()), admin: register.admin,
            mode: options.changesSinceLast ? "changes-since-last" : "full", formats: outcomes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(manifest)) + [0x0A]
    }
}

extension ExportRun.FormatOutcome {
    private enum CodingKeys: String, CodingKey { case format, since, files, written, removals }
    private struct Written: Encodable { let username, serial, change: String }
    private struct Removed: Encodable { let serial, username, reason: String }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format.rawValue, forKey: .format)
        try container.encodeIfPresent(since, forKey: .since)
        try container.encode(files, forKey: .files)
        try container.encode(
            written.map { Written(username: $0.username, serial: $0.serial, change: $0.change.rawValue) }, forKey: .written)
        try container.encode(
            removals.map { Removed(serial: $0.serial, username: $0.username, reason: $0.reason.rawValue) },
            forKey: .removals)
    }
}
