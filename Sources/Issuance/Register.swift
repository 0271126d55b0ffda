import Activation
import Foundation
import GRDB
import OTPCore

/// Where a user is in the issuance flow (the register is the journal: each step is committed
/// before the next begins, so a run killed anywhere resumes where it stopped).
public enum UserState: String, Sendable, Codable, CaseIterable {
    case pending
    case seeded
    case programmed
    case letterIssued = "letter-issued"
    case exported
    case active
    case revoked

    /// Issued to the user: a programmed token or a letter with the QR code.
    public var isIssued: Bool { [.programmed, .letterIssued, .exported, .active].contains(self) }
}

/// A user as the register holds them; the seed stays sealed until asked for with the admin key.
public struct RegisteredUser: Equatable, Sendable {
    public var entry: RosterEntry
    public var state: UserState
    public var enabled: Bool
    public var sealedSeed: [UInt8]?
    public var algorithm: OTPAlgorithm
    public var digits: Int
    public var period: Int
    public var tokenSerial: String?
    public var slot: Int?
    public var drift: Int
    public var lastStep: UInt64?
    public var updatedAt: Int64
}

/// Errors of the register, with what to do.
public enum RegisterError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongPassphrase
    case notARegister(String)
    case unknownUser(String)
    case noSeed(String)
    /// A stored value is not one the register can hold: the register `file`, the `user` whose row
    /// it is (nil for the register's own parameters), the `column`, and what is wrong.
    case damaged(file: String, user: String?, column: String, Damage)
    /// Another process (another tokenforge) holds the register at `file`.
    case inUse(file: String)
    case database(String)

    /// What is wrong with a stored value; never the value itself, which may be a sealed seed.
    public enum Damage: Equatable, Sendable, CustomStringConvertible {
        /// Empty (NULL) where a value is required.
        case missing
        /// A value of another SQLite storage class than the column holds.
        case wrongType(expected: StorageClass, found: StorageClass)
        /// A name (state, language, method, app, algorithm) TokenForge does not know.
        case unknownValue
        /// A number outside the values the column may hold.
        case outOfRange(Int64, allowed: ClosedRange<Int64>)
        /// Parameters that cannot be decoded or are not ones TokenForge uses.
        case unreadable

        public var description: String {
            switch self {
            case .missing: "is empty"
            case .wrongType(let expected, let found): "holds \(found.phrase) where \(expected.phrase) belongs"
            case .unknownValue: "holds a value TokenForge does not know"
            case .outOfRange(let value, let allowed):
                "holds \(value), outside \(allowed.lowerBound)...\(allowed.upperBound)"
            case .unreadable: "cannot be read"
            }
        }
    }

    /// SQLite's storage classes (sqlite.org/datatype3.html §2).
    public enum StorageClass: String, Equatable, Sendable {
        case null, integer, real, text, blob

        var phrase: String {
            switch self {
            case .null: "NULL"
            case .integer: "an integer"
            case .real: "a real number"
            case .text: "text"
            case .blob: "a blob"
            }
        }
    }

    public var description: String {
        switch self {
        case .wrongPassphrase: "wrong admin passphrase for this register"
        case .notARegister(let path): "\(path) is not a TokenForge register"
        case .unknownUser(let name): "no user \(name) in the register"
        case .noSeed(let name): "user \(name) has no seed (not issued yet, or revoked)"
        case .damaged(let file, let user, let column, let damage):
            "\(file) is damaged: column \(column)\(user.map { " of user \($0)" } ?? "") \(damage); "
                + "restore the register from a backup"
        case .inUse(let file): "\(file) is in use by another tokenforge: try again when it has finished"
        case .database(let detail): "register: \(detail)"
        }
    }
}

/// The register: one SQLite file (GRDB) with every user's method, state, token, drift, last
/// accepted step and sealed seed. Opening it for changes needs the admin passphrase.
public final class Register {
    public let path: String
    let database: DatabaseQueue
    let key: AdminKey?
    private let now: @Sendable () -> Int64

    static let checkContext = "tokenforge register v1"

    /// The default location: `$XDG_DATA_HOME/tokenforge/register.sqlite`, else `~/.local/share/…`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/tokenforge/register.sqlite" }
        return (environment["HOME"] ?? "/root") + "/.local/share/tokenforge/register.sqlite"
    }

    /// Opens (creating if needed) the register at `path` with `passphrase`; nil opens it read-only
    /// for listing, without access to seeds. An existing register derives its key with the
    /// parameters it stores; `newKey` applies only to a register created here (tests pass
    /// `AdminKey.Parameters.lowCost()`). `now` is the clock for `updated_at`, in Unix seconds.
    public init(
        path: String, passphrase: String?, newKey: AdminKey.Parameters = .fresh(),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws {
        self.path = path
        self.now = now
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
        } catch {
            throw RegisterError.database("cannot create the directory \(directory)")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed, passphrase == nil { throw RegisterError.notARegister(path) }
        var configuration = Configuration()
        configuration.readonly = passphrase == nil
        let database: DatabaseQueue
        do {
            database = try Self.access(path) { try DatabaseQueue(path: path, configuration: configuration) }
        } catch .database {
            throw RegisterError.notARegister(path)
        }
        self.database = database
        if !existed { chmod(path, 0o600) }
        guard let passphrase else {
            key = nil
            guard try Self.access(path, { try database.read { try $0.tableExists(UserRecord.databaseTableName) } })
            else { throw RegisterError.notARegister(path) }
            return
        }
        try Self.access(path) { try Self.migrate(database) }
        if let parameters = try Self.access(path, { try database.read(Self.storedParameters) }) {
            let key = try Self.storedKey(passphrase: passphrase, parameters: parameters, path: path)
            let check = try Self.access(path) { try database.read { try Self.meta("check", in: $0) } }
            guard let check else { throw RegisterError.damaged(file: path, user: nil, column: "meta.check", .missing) }
            guard key.open(check, context: Self.checkContext) != nil else { throw RegisterError.wrongPassphrase }
            self.key = key
        } else {
            let key = try AdminKey(passphrase: passphrase, parameters: newKey)
            let check = try key.seal(Array("ok".utf8), context: Self.checkContext)
            let parameters = try JSONEncoder().encode(newKey)
            try Self.access(path) {
                try database.write { db in
                    try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('kdf', ?)", arguments: [parameters])
                    try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('check', ?)", arguments: [Data(check)])
                }
            }
            self.key = key
        }
    }

    static func migrate(_ database: DatabaseQueue) throws {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                    CREATE TABLE users (
                        username TEXT PRIMARY KEY, display_name TEXT NOT NULL, email TEXT NOT NULL,
                        language TEXT NOT NULL, method TEXT NOT NULL, app_profile TEXT,
                        state TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, sealed_seed BLOB,
                        algorithm TEXT NOT NULL DEFAULT 'SHA1', digits INTEGER NOT NULL DEFAULT 6,
                        period INTEGER NOT NULL DEFAULT 30, token_serial TEXT, slot INTEGER,
                        drift INTEGER NOT NULL DEFAULT 0, last_step INTEGER,
                        created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
                    """)
        }
        try migrator.migrate(database)
    }

    /// A value of the `meta` table, which must be a blob.
    private static func meta(_ name: String, in db: Database) throws -> [UInt8]? {
        switch try DatabaseValue.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [name])?.storage {
        case nil, .null?: return nil
        case .blob(let data)?: return Array(data)
        case let storage?:
            throw StoredValueError(
                user: nil, column: "meta." + name, damage: .wrongType(expected: .blob, found: .init(storage)))
        }
    }

    /// The key derivation parameters the register was created with; nil for a new register.
    private static func storedParameters(_ db: Database) throws -> AdminKey.Parameters? {
        guard let stored = try meta("kdf", in: db) else { return nil }
        guard let parameters = try? JSONDecoder().decode(AdminKey.Parameters.self, from: Data(stored)),
            parameters.isSupported
        else {
            throw StoredValueError(user: nil, column: "meta.kdf", damage: .unreadable)
        }
        return parameters
    }

    private static func storedKey(
        passphrase: String, parameters: AdminKey.Parameters, path: String
    ) throws -> AdminKey {
        do { return try AdminKey(passphrase: passphrase, parameters: parameters) } catch {
            throw RegisterError.damaged(file: path, user: nil, column: "meta.kdf", .unreadable)
        }
    }

    private func requireKey() throws -> AdminKey {
        guard let key else { throw RegisterError.database("opened without the admin passphrase") }
        return key
    }

    // MARK: The database boundary

    /// Runs `body` against the database, turning every database error into a `RegisterError`:
    /// this is the only way in, so no GRDB error leaves the register.
    private static func access<T>(_ path: String, _ body: () throws -> T) throws(RegisterError) -> T {
        do { return try body() } catch let error as RegisterError {
            throw error
        } catch let error as StoredValueError {
            throw .damaged(file: path, user: error.user, column: error.column, error.damage)
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: throw .inUse(file: path)
            case .SQLITE_NOTADB: throw .notARegister(path)
            default: throw .database("SQLite error \(error.resultCode.rawValue): \(error.message ?? "no detail")")
            }
        } catch {
            throw .database("unexpected \(type(of: error))")
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        try Self.access(path) { try database.read(body) }
    }

    private func write<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        try Self.access(path) { try database.write(body) }
    }

    // MARK: Reading

    /// Every user, by username; a damaged row is an error, never left out.
    public func users() throws -> [RegisteredUser] {
        try read { db in try UserRecord.order(UserRecord.Columns.username).fetchAll(db).map(\.user) }
    }

    /// One user; `RegisterError.unknownUser` when there is none by that name.
    public func user(_ username: String) throws -> RegisteredUser {
        guard let record = try read({ try UserRecord.fetchOne($0, key: username) }) else {
            throw RegisterError.unknownUser(username)
        }
        return record.user
    }

    /// Whether the register has a user by that name.
    public func contains(_ username: String) throws -> Bool {
        try read { try UserRecord.exists($0, key: username) }
    }

    /// The users among `usernames` that are in the register.
    public func users(named usernames: [String]) throws -> [String: RegisteredUser] {
        try read { try Self.records(named: usernames, in: $0) }.mapValues(\.user)
    }

    /// The rows of the users among `usernames`, a few hundred per query (SQLite limits the
    /// parameters of one statement).
    private static func records(named usernames: [String], in db: Database) throws -> [String: UserRecord] {
        var records: [String: UserRecord] = [:]
        for start in stride(from: 0, to: usernames.count, by: 500) {
            let chunk = usernames[start..<min(start + 500, usernames.count)]
            for record in try UserRecord.filter(keys: Array(chunk)).fetchAll(db) { records[record.username] = record }
        }
        return records
    }

    /// The user's seed, opened with the admin key.
    public func seed(of user: RegisteredUser) throws -> Secret {
        guard let sealed = user.sealedSeed else { throw RegisterError.noSeed(user.entry.username) }
        guard let bytes = try requireKey().open(sealed, context: "seed:" + user.entry.username) else {
            throw RegisterError.wrongPassphrase
        }
        return Secret(bytes: bytes)
    }

    // MARK: Changes (each one transaction)

    /// Adds roster entries as `pending`, in one transaction; users already there are left as they are.
    public func add(_ entries: [RosterEntry]) throws {
        _ = try requireKey()
        let time = now()
        try write { db in
            for entry in entries { try UserRecord(entry: entry, at: time).insert(db, onConflict: .ignore) }
        }
    }

    public func add(_ entry: RosterEntry) throws { try add([entry]) }

    /// A seed to store, and the parameters it is used with.
    public struct NewSeed {
        public let username: String
        public let secret: Secret
        public let algorithm: OTPAlgorithm
        public let digits: Int
        public let period: Int

        public init(username: String, secret: Secret, algorithm: OTPAlgorithm, digits: Int, period: Int) {
            self.username = username
            self.secret = secret
            self.algorithm = algorithm
            self.digits = digits
            self.period = period
        }
    }

    /// Stores new seeds, sealed, and moves their users from pending to seeded, in one transaction.
    /// A user that already has a seed keeps it: a resumed run never issues a second one.
    public func seed(_ seeds: [NewSeed]) throws {
        let key = try requireKey()
        let sealed = try seeds.map { seed in
            try seed.secret.withUnsafeBytes { try key.seal(Array($0), context: "seed:" + seed.username) }
        }
        let time = now()
        try write { db in
            var records = try Self.records(named: seeds.map(\.username), in: db)
            for (seed, sealed) in zip(seeds, sealed) {
                guard var record = records[seed.username], record.state == .pending, record.sealedSeed == nil
                else { continue }
                try record.updateChanges(db) {
                    $0.sealedSeed = sealed
                    $0.algorithm = seed.algorithm
                    $0.digits = seed.digits
                    $0.period = seed.period
                    $0.state = .seeded
                    $0.updatedAt = time
                }
                records[seed.username] = record
            }
        }
    }

    public func seed(_ username: String, secret: Secret, algorithm: OTPAlgorithm, digits: Int, period: Int) throws {
        try seed([NewSeed(username: username, secret: secret, algorithm: algorithm, digits: digits, period: period)])
    }

    /// Records the token and slot a user's seed is going to, before it is written.
    public func plan(_ username: String, tokenSerial: String, slot: Int) throws {
        try update(username) {
            $0.tokenSerial = tokenSerial
            $0.slot = slot
        }
    }

    /// Moves users to `state` in one transaction; with `allowed`, only those in one of those states.
    public func setState(_ usernames: [String], _ state: UserState, from allowed: [UserState]? = nil) throws {
        _ = try requireKey()
        let time = now()
        try write { db in
            var records = try Self.records(named: usernames, in: db)
            for username in usernames {
                guard var record = records[username] else {
                    if allowed == nil { throw RegisterError.unknownUser(username) }
                    continue
                }
                if let allowed, !allowed.contains(record.state) { continue }
                try record.updateChanges(db) {
                    $0.state = state
                    $0.updatedAt = time
                }
                records[username] = record
            }
        }
    }

    public func setState(_ username: String, _ state: UserState, from allowed: [UserState]? = nil) throws {
        try setState([username], state, from: allowed)
    }

    public func setEnabled(_ username: String, _ enabled: Bool) throws {
        try update(username) { $0.enabled = enabled }
    }

    /// Records an accepted code: its step and the drift seen.
    public func recordActivation(_ username: String, step: UInt64, drift: Int) throws {
        try update(username) {
            $0.lastStep = step
            $0.drift = drift
            $0.state = .active
        }
    }

    /// Revokes a user and destroys their sealed seed.
    public func revoke(_ username: String) throws {
        try update(username) {
            $0.state = .revoked
            $0.sealedSeed = nil
            $0.enabled = false
        }
    }

    /// Changes one user's row in one transaction, stamping `updated_at`.
    private func update(_ username: String, _ change: (inout UserRecord) -> Void) throws {
        _ = try requireKey()
        let time = now()
        try write { db in
            guard var record = try UserRecord.fetchOne(db, key: username) else {
                throw RegisterError.unknownUser(username)
            }
            try record.updateChanges(db) {
                change(&$0)
                $0.updatedAt = time
            }
        }
    }
}
