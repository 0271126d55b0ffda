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
        /// Apply the roster's changes to users already in the register (else they are refused).
        public var update = false
        /// The PIN each new token gets.
        public var tokenPIN: TokenPINPolicy = .generate
        /// The PIN of a token that already has one the register does not know (a Nitrokey's
        /// factory admin PIN, say); asked for only then.
        public var currentTokenPIN: () throws -> PIN = { throw TokenError.pin(.required(operation: "unlock a token that already has a PIN")) }
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

    /// Where a new token's PIN comes from.
    public enum TokenPINPolicy {
        /// TokenForge draws a random PIN per token, keeps it sealed in the register and writes a
        /// PIN slip (OUT/pins/USER.LANG.txt) to reach the user separately from the token.
        case generate
        /// The user chooses it at handover: `ask` is called with the user's name and the rule.
        case ask((_ displayName: String, _ rule: PINRule) throws -> PIN)
    }

    /// What a run did that needs the administrator's attention.
    public struct Summary: Equatable, Sendable {
        /// Token users whose token was not found in time: left pending, for the next run.
        public var skipped: [String] = []
        /// Tokens given a new PIN, by username: where the PIN slip is, or nil when the user chose it.
        public var pinSlips: [String: String?] = [:]
    }

    public typealias ExportFormat = Issuance.ExportFormat

    /// Progress, for a bar or plain lines.
    public enum Event {
        case started(total: Int)
        case userDone(index: Int, username: String, outcome: String)
        case waitingForToken(username: String, serial: String?)
        /// A file of the run's exports was written, for `users` users.
        case exported(path: String, users: Int)
    }

    /// What a dry run or a run would do for one user.
    public struct PlannedStep: Equatable, Sendable {
        public let username: String
        public let action: String
    }

    public enum IssueError: Error, CustomStringConvertible {
        case unfinished([String])
        case badIssuer(String)
        /// Roster usernames that differ only by case from users in the register.
        case caseCollision([(roster: String, register: String)])
        /// The roster changes users already in the register; applied only with `update`.
        case changed([Register.EntryChange])
        /// A token the roster names is already recorded for another user.
        case tokenTaken(username: String, serial: String, holder: String)
        case tokenFailed(username: String, TokenError)
        case tokenNotFound(username: String, DiscoveryError)
        case appIncompatible(username: String, AppCompatibilityError)
        case noExportPassphrase
        /// A display token of the inventory cannot be given to the user who names it.
        case displayToken(DisplayTokenError)

        public var description: String {
            switch self {
            case .unfinished(let names):
                "a previous run stopped before finishing \(names.count) user(s) (\(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")): run again with --resume"
            case .badIssuer(let problem): "--issuer: \(problem)"
            case .caseCollision(let pairs):
                pairs.prefix(20).map { "roster user \($0.roster) differs only by case from \($0.register) in the register: use the same spelling" }
                    .joined(separator: "\n")
            case .changed(let changes):
                "the roster changes users already in the register (run again with --update to apply):\n"
                    + changes.prefix(50).map { "  \($0)" }.joined(separator: "\n")
                    + (changes.count > 50 ? "\n  … and \(changes.count - 50) more" : "")
            case .tokenTaken(let username, let serial, let holder):
                "\(username): token \(serial) is already recorded for \(holder): one token per user"
            case .tokenFailed(let username, let error): "token for \(username): \(error)"
            case .tokenNotFound(let username, let error): "token for \(username): \(error)"
            case .appIncompatible(let username, let error): "\(username): \(error)"
            case .noExportPassphrase:
                "the PSKC export is encrypted: give an export passphrase, or choose plaintext explicitly"
            case .displayToken(let error): "\(error)"
            }
        }
    }

    let register: Register
    let options: Options
    let tokens: TokenSource?
    let progress: (Event) -> Void
    private var steps = 0
    private var summary = Summary()
    private var reissuing = false

    /// `tokenforge reissue`: a new seed for `username` (the old one destroyed), then a new QR code
    /// and letter, or their token slot programmed again (the recorded slot when it still holds
    /// their account, else a free one; with `forgetToken`, on the next unused token inserted),
    /// then the exports.
    @discardableResult
    public func reissue(_ username: String, reason: String?, forgetToken: Bool = false) throws -> Summary {
        let user = try register.user(username)
        if !forgetToken, let serial = user.tokenSerial, let token = try register.displayToken(serial) {
            if case .retired = token.status { throw IssueError.displayToken(.retired(serial: serial, user: username)) }
            throw IssueError.displayToken(.fixedSeed(serial: serial, user: username))
        }
        let parameters = parameters(for: user.entry)
        _ = try register.reissue(
            Register.NewSeed(
                username: username,
                secret: Secret.random(byteCount: AppProfile.secretByteCount(for: parameters.algorithm)),
                algorithm: parameters.algorithm, digits: parameters.digits, period: parameters.period),
            reason: reason, forgetToken: forgetToken)
        reissuing = true
        defer { reissuing = false }
        return try run([try register.user(username).entry])
    }

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
        let inventory = Dictionary(try register?.displayTokens().map { ($0.serial, $0) } ?? []) { first, _ in first }
        return try roster.map { entry in
            let state = try register.flatMap {
                try $0.contains(entry.username) ? try $0.user(entry.username).state : nil
            }
            if entry.method == .token, [nil, .pending, .seeded].contains(state), let serial = entry.tokenSerial,
                let token = inventory[serial]
            {
                return PlannedStep(
                    username: entry.username,
                    action: "display token \(serial) (\(token.modelName)) given, its seed from the inventory: nothing programmed")
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

    /// Everything checked against the register before a run writes anything: the issuer, case
    /// variants of known usernames, changed users, tokens recorded for someone else.
    public static func check(_ roster: [RosterEntry], issuer: String, register: Register?, update: Bool) throws {
        if let problem = Roster.issuerProblem(issuer) { throw IssueError.badIssuer(problem) }
        guard let register else { return }
        let known = try register.users()
        let byLowercase = Dictionary(known.map { ($0.entry.username.lowercased(), $0.entry.username) }) { a, _ in a }
        let collisions = roster.compactMap { entry -> (roster: String, register: String)? in
            guard let existing = byLowercase[entry.username.lowercased()], existing != entry.username else { return nil }
            return (entry.username, existing)
        }
        if !collisions.isEmpty { throw IssueError.caseCollision(collisions) }
        var holders: [String: String] = [:]
        for user in known where user.state != .revoked {
            if let serial = user.tokenSerial { holders[serial] = user.entry.username }
        }
        for entry in roster {
            if let serial = entry.tokenSerial, let holder = holders[serial], holder != entry.username {
                throw IssueError.tokenTaken(username: entry.username, serial: serial, holder: holder)
            }
        }
        let inventory = Dictionary(try register.displayTokens().map { ($0.serial, $0) }) { first, _ in first }
        let states = Dictionary(known.map { ($0.entry.username, $0.state) }) { first, _ in first }
        for entry in roster where entry.method == .token && states[entry.username] != .revoked {
            guard let serial = entry.tokenSerial, let token = inventory[serial] else { continue }
            if let problem = Register.assignmentProblem(token, to: entry.username) {
                throw IssueError.displayToken(problem)
            }
            if states[entry.username]?.isIssued == true, token.status == .free {
                throw IssueError.displayToken(.userAlreadyIssued(serial: serial, user: entry.username))
            }
        }
        let changes = try register.changes(in: roster)
        if !changes.isEmpty, !update { throw IssueError.changed(changes) }
    }

    /// Runs the whole flow for `roster`; a token user whose token is not found is skipped and
    /// listed in the summary, and the run goes on.
    @discardableResult
    public func run(_ roster: [RosterEntry]) throws -> Summary {
        try Self.check(roster, issuer: options.issuer, register: register, update: options.update)
        let changes = try register.changes(in: roster)
        if !changes.isEmpty { try register.apply(changes, from: roster) }
        let unfinished = try roster.filter {
            try register.contains($0.username) && [.pending, .seeded].contains(try register.user($0.username).state)
        }
        if !unfinished.isEmpty, !options.resume, !reissuing {
            throw IssueError.unfinished(unfinished.map(\.username))
        }
        if options.exports.contains(.pskc), options.exportPassphrase == nil, !plaintextAllowed {
            throw IssueError.noExportPassphrase
        }
        // Users already issued that an export cannot take are refused before anything is issued;
        // the roster's new users get parameters every format takes.
        try ExportRun.checkFormats(options.exports, users: try register.users())
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
        return summary
    }

    /// Users handled per register transaction: the files of a batch are synced once, then the batch
    /// is committed as issued.
    static let batchSize = 256

    private func issue(_ batch: [RosterEntry], report: (String, String) -> Void) throws {
        try register.add(batch)
        let registered = try register.users(named: batch.map(\.username))
        let inventory = Set(try register.displayTokens().map(\.serial))
        func displayToken(_ user: RegisteredUser) -> String? {
            guard user.entry.method == .token, let serial = user.tokenSerial, inventory.contains(serial) else { return nil }
            return serial
        }
        let pending = batch.filter { entry in
            registered[entry.username].map { $0.state == .pending && displayToken($0) == nil } ?? false
        }
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
            case (.pending, .token), (.seeded, .token):
                if let serial = displayToken(user) {
                    try commit { try register.assignDisplayToken(serial, to: user.entry.username) }
                    outcome = "display token \(serial) given (nothing programmed)"
                } else if user.state == .pending {
                    outcome = "already issued"
                } else if let serial = try programToken(for: user) {
                    outcome = "token \(serial) programmed and verified"
                } else {
                    outcome = "token not found: left pending"
                }
            case (.seeded, .app): outcome = "letter written"
            case (.revoked, _): outcome = "revoked: skipped"
            default: outcome = "already issued"
            }
            report(user.entry.username, outcome)
        }
    }

    /// Set by the CLI when the administrator asked for a plaintext PSKC file.
    public var plaintextAllowed = false

    /// What the run's exports wrote: the run directory and, per format, users and files.
    public private(set) var lastExport: ExportRun.Outcome?

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

    /// Programs the user's seed into a token and verifies it; returns the token's serial, or nil
    /// when no token turned up in time (the seed is taken back: the user is pending again).
    private func programToken(for user: RegisteredUser) throws -> String? {
        guard let tokens else {
            throw IssueError.tokenFailed(username: user.entry.username, .unsupported("no token source was given"))
        }
        let username = user.entry.username
        do {
            progress(.waitingForToken(username: username, serial: user.tokenSerial))
            let driver: any OTPTokenDriver
            do {
                driver = try tokens.token(
                    serial: user.tokenSerial, prompt: "insert the token for \(user.entry.displayName)")
            } catch let error as DiscoveryError {
                guard case .notInserted = error else { throw error }
                try register.unseed(username, reason: "\(error)")
                summary.skipped.append(username)
                return nil
            }
            let serial = try driver.serialNumber()
            try unlock(driver, serial: serial, for: user)
            let uri = try uri(for: user)
            let configuration = SlotConfiguration(uri, truncatingNamesTo: try driver.capabilities().nameBytes)
            let slot: Int
            // A shortened name (a Pro's) can match another user's: the register must not record
            // anyone else in the slot.
            if let planned = user.slot, user.tokenSerial == serial,
                try driver.slots().first(where: { $0.slot == SlotIndex(planned) }).map({
                    driver.holds(user.slotLabel, in: $0)
                }) ?? true,
                try register.holders(ofSlot: planned, onToken: serial).allSatisfy({ $0 == username })
            {
                slot = planned  // a resumed run or a reissue writes into the slot the register recorded
            } else {
                slot = Int(
                    try driver.chooseSlot(nil, for: .totp(period: UInt32(user.period)), overwrite: false).rawValue)
            }
            try register.plan(
                username, tokenSerial: serial, slot: slot, label: configuration.label, model: driver.family.name)
            var programming = tokens.programmingOptions
            programming.overwrite = true
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

    /// Unlocks the token with the PIN the register keeps for it; a token without a PIN, or with
    /// one the register does not know, gets the user's own PIN (never the administrator's): the new
    /// PIN is sealed in the register before the token is given it.
    private func unlock(_ driver: any OTPTokenDriver, serial: String, for user: RegisteredUser) throws {
        let capabilities = try driver.capabilities()
        let pinSet = try capabilities.alwaysHasPIN || driver.tokenInfo().pinSet
        if let known = try register.tokenPIN(serial) {
            if pinSet { return try unlockWithKnownPIN(driver, PIN(bytes: known)) }
            return try TokenMaintenance(driver: driver).setPIN(PIN(bytes: known))
        }
        let current = pinSet ? try options.currentTokenPIN() : nil
        if let current { try driver.verifyPIN(current) }
        let new: PIN
        let slip: String?
        switch options.tokenPIN {
        case .generate:
            new = Self.randomPIN(for: capabilities.pinRule)
            slip = try writePINSlip(new, serial: serial, for: user)
        case .ask(let ask):
            new = try ask(user.entry.displayName, capabilities.pinRule)
            slip = nil
        }
        try register.storeTokenPIN(serial, new.bytes)
        if let current {
            try TokenMaintenance(driver: driver).changePIN(from: current, to: new)
        } else {
            try TokenMaintenance(driver: driver).setPIN(new)
        }
        summary.pinSlips[user.entry.username] = slip
    }

    /// Unlocks with the register's PIN. A run stopped while changing the PIN leaves the token
    /// with its old one (the register keeps the new one first): then the current PIN unlocks it
    /// and the change is made again, while a wrong try cannot block the token.
    private func unlockWithKnownPIN(_ driver: any OTPTokenDriver, _ known: PIN) throws {
        // With one try left a wrong PIN would block the token: leave it to the administrator.
        guard try driver.tokenInfo().pinRetries != 1 else {
            throw TokenError.pin(
                .policy(
                    "the token's PIN has 1 try left, which TokenForge does not risk: check the PIN with `tokenforge pin verify`"
                ))
        }
        do {
            try driver.verifyPIN(known)
            return
        } catch {
            guard case .pin(.wrong(let retriesLeft)) = error, retriesLeft >= 2 else { throw error }
        }
        let current = try options.currentTokenPIN()
        try driver.verifyPIN(current)
        try TokenMaintenance(driver: driver).changePIN(from: current, to: known)
    }

    /// A random PIN of digits, 8 long where the rule allows.
    static func randomPIN(for rule: PINRule) -> PIN {
        let length = min(max(8, rule.lengths.lowerBound), rule.lengths.upperBound)
        var random = SystemRandomNumberGenerator()
        return PIN(String((0..<length).map { _ in Character(String(Int.random(in: 0...9, using: &random))) }))
    }

    /// The PIN slip for the user: 0600 in OUT/pins/, to be delivered apart from the token.
    private func writePINSlip(_ pin: PIN, serial: String, for user: RegisteredUser) throws -> String {
        let path = "\(options.outputDirectory)/pins/\(user.entry.username).\(user.entry.language.rawValue).txt"
        let text = PINSlip.text(pin: String(decoding: pin.bytes, as: UTF8.self), serial: serial, user: user.entry, issuer: options.issuer)
        try Self.writeOutput(Array(text.utf8), to: path)
        return path
    }

    // MARK: Exports

    /// Writes every export from the register's issued, enabled users into a new run directory
    /// under OUT/exports/ (`ExportRun`), then marks the users issued since as exported.
    private func writeExports() throws {
        let newlyExported = try register.users().filter { [.programmed, .letterIssued].contains($0.state) }
            .map(\.entry.username)
        var exportOptions = ExportRun.Options(
            formats: options.exports, directory: options.outputDirectory + "/exports", issuer: options.issuer)
        exportOptions.exportPassphrase = options.exportPassphrase
        exportOptions.pskcIterations = options.pskcIterations
        exportOptions.privacyIDEAResolver = options.privacyIDEAResolver
        exportOptions.privacyIDEARealm = options.privacyIDEARealm
        exportOptions.now = options.now
        var run = ExportRun(register: register, options: exportOptions)
        run.plaintextAllowed = plaintextAllowed
        var outcome: ExportRun.Outcome?
        if newlyExported.isEmpty {
            outcome = try run.run()
        } else {
            try commit { outcome = try run.run(exported: newlyExported) }
        }
        lastExport = outcome
        for format in outcome?.formats ?? [] {
            for file in format.files where !file.hasSuffix("-removals.csv") {
                progress(.exported(path: file, users: format.written.count))
            }
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
