import Activation
import Discovery
import DurableFiles
import Exports
import Foundation
import OTPCore
import Provisioning
import SystemPackage
import TokenDrivers
import TokenModel

/// What `tokenforge issue` does: seeds for every roster user, QR codes and letters for app
/// users, programmed tokens for token users, then the exports. Every step is committed to the
/// register before the next, so a run killed anywhere resumes without a lost or second seed.
public final class IssueRun {
    public struct Options {
        public var issuer: String
        public var outputDirectory: String
        public var exports: Set<ExportFormat> = [.pskc]
        /// Protects the PSKC export; nil writes it in plaintext.
        public var exportPassphrase: String?
        public var pskcIterations = 100_000
        /// privacyIDEA's user resolver and realm for its CSV (version 2, with users).
        public var privacyIDEAResolver = "deflocal"
        public var privacyIDEARealm = "defrealm"
        public var resume = false
        public var letters: LetterRenderer
        /// The current time, in Unix seconds.
        public var now: () -> Int64 = { Int64(Date().timeIntervalSince1970) }
        /// Called after each step is committed to the register, with the number of steps so far.
        public var afterCommit: (Int) -> Void = { _ in }

        public init(issuer: String, outputDirectory: String, letters: LetterRenderer) {
            self.issuer = issuer
            self.outputDirectory = outputDirectory
            self.letters = letters
        }
    }

    public enum ExportFormat: String, CaseIterable, Sendable {
        case pskc, entra, privacyidea, uris
    }

    /// Progress, for a bar or plain lines.
    public enum Event {
        case started(total: Int)
        case userDone(index: Int, username: String, outcome: String)
        case waitingForToken(username: String, serial: String?)
        case exported(path: String, users: Int)
    }

    /// What a dry run or a run would do for one user.
    public struct PlannedStep: Equatable, Sendable {
        public let username: String
        public let action: String
    }

    public enum IssueError: Error, CustomStringConvertible {
        case unfinished([String])
        case tokenFailed(username: String, TokenError)
        case tokenNotFound(username: String, DiscoveryError)
        case appIncompatible(username: String, AppCompatibilityError)
        case export(ExportFormat, String)
        case noExportPassphrase

        public var description: String {
            switch self {
            case .unfinished(let names):
                "a previous run stopped before finishing \(names.count) user(s) (\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")): run again with --resume"
            case .tokenFailed(let username, let error): "token for \(username): \(error)"
            case .tokenNotFound(let username, let error): "token for \(username): \(error)"
            case .appIncompatible(let username, let error): "\(username): \(error)"
            case .export(let format, let detail): "\(format.rawValue) export: \(detail)"
            case .noExportPassphrase:
                "the PSKC export is encrypted: give an export passphrase, or choose plaintext explicitly"
            }
        }
    }

    let register: Register
    let options: Options
    let tokens: TokenSource?
    let progress: (Event) -> Void
    private var steps = 0

    public init(
        register: Register, options: Options, tokens: TokenSource?, progress: @escaping (Event) -> Void = { _ in }
    ) {
        self.register = register
        self.options = options
        self.tokens = tokens
        self.progress = progress
    }

    /// What a run would do, writing nothing.
    public static func plan(_ roster: [RosterEntry], register: Register?) throws -> [PlannedStep] {
        try roster.map { entry in
            let state = try register.flatMap {
                try $0.contains(entry.username) ? try $0.user(entry.username).state : nil
            }
            let action: String =
                switch (state, entry.method) {
                case (nil, .app), (.pending?, .app), (.seeded?, .app):
                    "new seed, QR code and \(entry.language.rawValue) letter"
                case (nil, .token), (.pending?, .token), (.seeded?, .token):
                    "new seed programmed into \(entry.tokenSerial.map { "token \($0)" } ?? "the next token inserted")"
                case (.revoked?, _): "skipped: revoked"
                case (let state?, _): "already issued (\(state.rawValue)): only exported"
                }
            return PlannedStep(username: entry.username, action: action)
        }
    }

    /// Runs the whole flow for `roster`.
    public func run(_ roster: [RosterEntry]) throws {
        let unfinished = try roster.filter {
            try register.contains($0.username) && [.pending, .seeded].contains(try register.user($0.username).state)
        }
        if !unfinished.isEmpty, !options.resume { throw IssueError.unfinished(unfinished.map(\.username)) }
        if options.exports.contains(.pskc), options.exportPassphrase == nil, !plaintextAllowed {
            throw IssueError.noExportPassphrase
        }
        // Every app user's parameters suit their app before anything is issued.
        for entry in roster where entry.method == .app {
            let parameters = parameters(for: entry)
            let probe = Secret(
                bytes: [UInt8](repeating: 0, count: AppProfile.secretByteCount(for: parameters.algorithm)))
            do {
                try (entry.appProfile ?? .any).check(uri(for: entry, secret: probe, parameters: parameters))
            } catch let error as AppCompatibilityError {
                throw IssueError.appIncompatible(username: entry.username, error)
            }
        }
        progress(.started(total: roster.count))
        var done = 0
        var start = 0
        while start < roster.count {
            let batch = Array(roster[start..<min(start + Self.batchSize, roster.count)])
            try issue(batch) { username, outcome in
                done += 1
                progress(.userDone(index: done, username: username, outcome: outcome))
            }
            start += batch.count
        }
        try writeExports()
    }

    /// Users handled per register transaction: the files of a batch are synced once, then the batch
    /// is committed as issued.
    static let batchSize = 256

    private func issue(_ batch: [RosterEntry], report: (String, String) -> Void) throws {
        try register.add(batch)
        let registered = try register.users(named: batch.map(\.username))
        let pending = batch.filter { registered[$0.username]?.state == .pending }
        if !pending.isEmpty {
            try commit {
                try register.seed(
                    pending.map { entry in
                        let parameters = parameters(for: entry)
                        return Register.NewSeed(
                            username: entry.username,
                            secret: Secret.random(byteCount: AppProfile.secretByteCount(for: parameters.algorithm)),
                            algorithm: parameters.algorithm, digits: parameters.digits, period: parameters.period)
                    })
            }
        }
        let current = try register.users(named: batch.map(\.username))
        let users = batch.compactMap { current[$0.username] }
        let letters = users.filter { $0.state == .seeded && $0.entry.method == .app }
        if !letters.isEmpty {
            let batch = DurableBatch()
            try writeLetters(for: letters, batch: batch)
            try batch.sync()
            try commit { try register.setState(letters.map(\.entry.username), .letterIssued, from: [.seeded]) }
        }
        for user in users {
            let outcome: String
            switch (user.state, user.entry.method) {
            case (.seeded, .app): outcome = "letter written"
            case (.seeded, .token): outcome = "token \(try programToken(for: user)) programmed and verified"
            case (.revoked, _): outcome = "revoked: skipped"
            default: outcome = "already issued"
            }
            report(user.entry.username, outcome)
        }
    }

    /// Set by the CLI when the administrator asked for a plaintext PSKC file.
    public var plaintextAllowed = false

    // MARK: Steps

    private func commit(_ change: () throws -> Void) throws {
        try change()
        steps += 1
        options.afterCommit(steps)
    }

    struct SeedParameters {
        let algorithm: OTPAlgorithm
        let digits: Int
        let period: Int
    }

    /// The safe profile for every app: TOTP, SHA1, 6 digits, 30 s; tokens get the same.
    func parameters(for entry: RosterEntry) -> SeedParameters {
        SeedParameters(algorithm: .sha1, digits: 6, period: 30)
    }

    func uri(for entry: RosterEntry, secret: Secret, parameters: SeedParameters) throws -> OTPAuthURI {
        try OTPAuthURI(
            kind: .totp(period: parameters.period), account: entry.email, issuer: options.issuer, secret: secret,
            algorithm: parameters.algorithm, digits: parameters.digits)
    }

    func uri(for user: RegisteredUser) throws -> OTPAuthURI {
        try uri(
            for: user.entry, secret: try register.seed(of: user),
            parameters: SeedParameters(algorithm: user.algorithm, digits: user.digits, period: user.period))
    }

    /// Renders the QR codes and letters of `users` on every core, then writes them (unsynced).
    private func writeLetters(for users: [RegisteredUser], batch: DurableBatch) throws {
        let uris = try users.map { try uri(for: $0) }
        for (user, uri) in zip(users, uris) {
            do { try (user.entry.appProfile ?? .any).check(uri) } catch {
                throw IssueError.appIncompatible(username: user.entry.username, error)
            }
        }
        let rendered = ConcurrentResults<(png: [UInt8], svg: String, letter: String)>(count: users.count)
        let letters = options.letters
        let issuer = options.issuer
        DispatchQueue.concurrentPerform(iterations: users.count) { index in
            rendered.store(index) {
                let code = try QRCode(encoding: uris[index].uriString)
                let png = try code.pngData(scale: 6, margin: 4)
                let svg = code.svgDocument(scale: 6, margin: 4)
                let letter = letters.render(
                    for: users[index].entry, issuer: issuer, uri: uris[index], png: png, svg: svg)
                return (png, svg, letter)
            }
        }
        let base = options.outputDirectory
        for (user, result) in zip(users, try rendered.values()) {
            let name = user.entry.username
            try Self.writeOutput(result.png, to: "\(base)/qr/\(name).png", batch: batch)
            try Self.writeOutput(Array(result.svg.utf8), to: "\(base)/qr/\(name).svg", batch: batch)
            try Self.writeOutput(
                Array(result.letter.utf8), to: "\(base)/letters/\(name).\(user.entry.language.rawValue).html",
                batch: batch)
        }
    }

    /// Writes one output file: mode 0600 in a 0700 directory, replacing the previous run's.
    static func writeOutput(_ bytes: [UInt8], to path: String, batch: DurableBatch? = nil) throws(DurableFileError) {
        try DurableFile.write(
            bytes, to: FilePath(path), existing: .replaceRegularFile, directoryPermissions: [.ownerReadWriteExecute],
            batch: batch)
    }

    /// Programs the user's seed into a token and verifies it; returns the token's serial.
    private func programToken(for user: RegisteredUser) throws -> String {
        guard let tokens else {
            throw IssueError.tokenFailed(username: user.entry.username, .unsupported("no token source was given"))
        }
        let username = user.entry.username
        do {
            progress(.waitingForToken(username: username, serial: user.tokenSerial))
            let driver = try tokens.token(
                serial: user.tokenSerial, prompt: "insert the token for \(user.entry.displayName)")
            let serial = try driver.serialNumber()
            let slot: Int
            if let planned = user.slot, user.tokenSerial == serial {
                slot = planned  // a resumed run writes the same seed into the same slot
            } else {
                slot = Int(
                    try driver.chooseSlot(nil, for: .totp(period: UInt32(user.period)), overwrite: false).rawValue)
                try register.plan(username, tokenSerial: serial, slot: slot)
            }
            var programming = tokens.programmingOptions
            programming.overwrite = true
            let uri = try uri(for: user)
            let configuration = SlotConfiguration(uri, truncatingNamesTo: try driver.capabilities().nameBytes)
            _ = try SlotProgrammer(driver: driver, options: programming).program(
                uri.secret, configuration: configuration, slot: SlotIndex(slot), now: options.now())
            try commit { try register.setState(username, .programmed, from: [.seeded]) }
            return serial
        } catch let error as TokenError {
            throw IssueError.tokenFailed(username: username, error)
        } catch let error as DiscoveryError {
            throw IssueError.tokenNotFound(username: username, error)
        }
    }

    // MARK: Exports

    /// Writes every export from the register's issued, enabled users, then marks them exported.
    private func writeExports() throws {
        let users = try register.users().filter { $0.state.isIssued && $0.enabled }
        let records = try users.map { user -> ExportRecord in
            let secret = try register.seed(of: user)
            return try ExportRecord(
                username: user.entry.username, serial: user.tokenSerial ?? "APP-\(user.entry.username)", secret: secret,
                algorithm: user.algorithm, digits: user.digits, kind: .totp(period: user.period),
                issuer: options.issuer,
                account: user.entry.email, manufacturer: user.entry.method == .token ? "TokenForge" : nil)
        }
        let base = options.outputDirectory + "/exports"
        for format in IssueRun.ExportFormat.allCases where options.exports.contains(format) {
            let (name, content): (String, String)
            do {
                switch format {
                case .pskc:
                    let protection: PSKCDocument.Protection =
                        options.exportPassphrase.map { .password($0, iterationCount: options.pskcIterations) }
                        ?? .plaintext
                    content = try PSKCDocument.export(records, protection: protection)
                    name = "seeds.pskc"
                case .entra:
                    content = try EntraCSV.export(records)
                    name = "entra-oath-tokens.csv"
                case .privacyidea:
                    content = try PrivacyIDEACSV.export(
                        records, resolver: options.privacyIDEAResolver, realm: options.privacyIDEARealm)
                    name = "privacyidea-tokens.csv"
                case .uris:
                    content = try URIList.export(records)
                    name = "otpauth-uris.txt"
                }
            } catch {
                throw IssueError.export(format, "\(error)")
            }
            try Self.writeOutput(Array(content.utf8), to: "\(base)/\(name)")
            progress(.exported(path: "\(base)/\(name)", users: records.count))
        }
        let newlyExported = users.filter { [.programmed, .letterIssued].contains($0.state) }.map(\.entry.username)
        if !newlyExported.isEmpty {
            try commit { try register.setState(newlyExported, .exported, from: [.programmed, .letterIssued]) }
        }
    }
}

/// Results filled in by concurrent work, each slot written by exactly one iteration.
final class ConcurrentResults<Value>: @unchecked Sendable {
    private var results: [Result<Value, any Error>?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func store(_ index: Int, _ body: () throws -> Value) {
        let result = Result { try body() }
        lock.lock()
        results[index] = result
        lock.unlock()
    }

    /// Every value in order, or the first error.
    func values() throws -> [Value] { try results.map { try $0!.get() } }
}
