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
    /// The name written into the token slot ("issuer:account"), to recognise it later.
    public var slotLabel: String?
    /// The token's family as its driver names it ("Nitrokey Pro"), once programmed.
    public var tokenModel: String?
    /// What the authentication server holds for the user, as TokenForge last pushed it.
    public var server: ServerRecord?
    public var drift: Int
    public var lastStep: UInt64?
    /// 1 for the first seed, one more for each reissue.
    public var generation: Int
    /// Wrong activation codes since the last accepted one.
    public var failedAttempts: Int
    /// Locked after too many wrong codes, until `unlock`.
    public var locked: Bool
    public var createdAt: Int64
    public var issuedAt: Int64?
    public var activatedAt: Int64?
    public var updatedAt: Int64
}

/// A user's token on the authentication server as TokenForge last left it.
public struct ServerRecord: Equatable, Sendable {
    public var serial: String
    /// The seed generation the server's token holds.
    public var generation: Int
    public var enabled: Bool
    public var pushedAt: Int64

    public init(serial: String, generation: Int, enabled: Bool, pushedAt: Int64) {
        self.serial = serial
        self.generation = generation
        self.enabled = enabled
        self.pushedAt = pushedAt
    }
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
    /// Another tokenforge has been changing the register for longer than `waited`.
    case busy(file: String, holder: String?, waited: Duration)
    /// The register has several admins: which one is opening it must be named.
    case adminRequired([String])
    case unknownAdmin(String, known: [String])
    case adminExists(String)
    case lastAdmin(String)
    case invalidAdminName(String)
    /// The user is revoked: only `reissue` gives them OTP again.
    case revoked(String)
    /// The register was made by an earlier TokenForge and is upgraded when opened for a change.
    case needsUpgrade(String)
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
        case .busy(let file, let holder, let waited):
            "\(file) is being changed by another tokenforge (\(holder ?? "holder unknown")); waited \(waited.components.seconds) s: "
                + "try again when it has finished, or wait longer with --wait"
        case .adminRequired(let names):
            "the register has several admins (\(names.joined(separator: ", "))): name yours with --admin or TOKENFORGE_ADMIN"
        case .unknownAdmin(let name, let known):
            "no admin \(name) in the register (admins: \(known.joined(separator: ", ")))"
        case .adminExists(let name): "the register already has an admin \(name)"
        case .lastAdmin(let name): "\(name) is the register's only admin: add another before removing them"
        case .invalidAdminName(let name):
            "admin name \"\(name)\" must be 1 to 64 letters, digits, dots, dashes, underscores or @"
        case .revoked(let name): "\(name) is revoked: give them a new seed with tokenforge reissue \(name)"
        case .needsUpgrade(let path):
            "\(path) was made by an earlier TokenForge: open it once with the admin passphrase (for example tokenforge admins list --passphrase-file F) to upgrade it"
        case .database(let detail): "register: \(detail)"
        }
    }
}

/// The register: one SQLite file (GRDB) with every user's method, state, token, drift, last
/// accepted step and sealed seed, the register's admins and its audit log. Seeds are sealed with
/// the random register key, which each admin's passphrase key wraps (envelope encryption).
/// Opening it for changes needs an admin's passphrase and takes the register's exclusive lock.
public final class Register {
    public let path: String
    let database: DatabaseQueue
    let key: AdminKey?
    /// The admin who opened the register for changes; nil when opened for reading.
    public let admin: String?
    let osUser: String
    let now: @Sendable () -> Int64
    private let lock: RegisterLock?
    /// Set once opening succeeded: only then does `deinit` give the lock back (a failed opening
    /// gives it back itself).
    private var holdsLock = false

    static let checkContext = "tokenforge register v1"
    /// How long a second writer waits for the lock (and a reader for a transaction) by default.
    public static let defaultWait: Duration = .seconds(10)

    /// The default location: `$XDG_DATA_HOME/tokenforge/register.sqlite`, else `~/.local/share/…`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/tokenforge/register.sqlite" }
        return (environment["HOME"] ?? "/root") + "/.local/share/tokenforge/register.sqlite"
    }

    /// Opens (creating if needed) the register at `path` as `admin` with `passphrase`; a nil
    /// passphrase opens it read-only for listing, without access to seeds and without the lock.
    /// `admin` may be nil when the register has one admin; a new register's first admin is
    /// `admin`, else "admin". `newKey` applies only to an admin key made here (tests pass
    /// `AdminKey.Parameters.lowCost()`). `now` is the clock, in Unix seconds. A writer waits up to
    /// `wait` for another to finish, then fails with `RegisterError.busy`.
    public init(
        path: String, passphrase: String?, admin: String? = nil, newKey: AdminKey.Parameters = .fresh(),
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        wait: Duration = Register.defaultWait
    ) throws {
        self.path = path
        self.now = now
        self.osUser = OSUser.current
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
        let lock =
            passphrase == nil
            ? nil
            : try RegisterLock.acquire(
                registerPath: path, timeout: wait, holder: RegisterLock.describeThisProcess(now: now()))
        self.lock = lock
        var opened = false
        defer { if !opened { lock?.release() } }
        var configuration = Configuration()
        configuration.readonly = passphrase == nil
        configuration.busyMode = .timeout(
            TimeInterval(wait.components.seconds) + TimeInterval(wait.components.attoseconds) / 1e18)
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
            self.admin = nil
            let tables = try Self.access(path) {
                try database.read { db in
                    (try db.tableExists(UserRecord.databaseTableName), try db.tableExists("admins"))
                }
            }
            guard tables.0 else { throw RegisterError.notARegister(path) }
            guard tables.1 else { throw RegisterError.needsUpgrade(path) }
            opened = true
            holdsLock = true
            return
        }
        try Self.access(path) { try Self.migrate(database) }
        let opening = try Self.access(path) {
            try database.write { db in
                try Self.unlock(db, path: path, passphrase: passphrase, admin: admin, newKey: newKey)
            }
        }
        self.key = opening.key
        self.admin = opening.admin
        if let created = opening.created {
            try Self.access(path) {
                try database.write { db in
                    try AuditEntry(
                        time: now(), osUser: OSUser.current, admin: opening.admin, action: created, username: nil,
                        detail: "admin \(opening.admin)"
                    ).insert(db)
                }
            }
        }
        opened = true
        holdsLock = true
    }

    deinit { if holdsLock { lock?.release() } }

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
        migrator.registerMigration("v2: lifecycle, admins, audit") { db in
            try db.execute(
                sql: """
                    ALTER TABLE users ADD COLUMN slot_label TEXT;
                    ALTER TABLE users ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE users ADD COLUMN failed_attempts INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE users ADD COLUMN locked INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE users ADD COLUMN issued_at INTEGER;
                    ALTER TABLE users ADD COLUMN activated_at INTEGER;
                    CREATE TABLE admins (
                        name TEXT PRIMARY KEY, kdf BLOB NOT NULL, wrapped_key BLOB NOT NULL,
                        created_at INTEGER NOT NULL);
                    CREATE TABLE audit (
                        id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, os_user TEXT NOT NULL,
                        admin TEXT, action TEXT NOT NULL, username TEXT, detail TEXT NOT NULL DEFAULT '',
                        reason TEXT);
                    CREATE INDEX audit_by_user ON audit (username);
                    CREATE TABLE tokens (serial TEXT PRIMARY KEY, sealed_pin BLOB, updated_at INTEGER NOT NULL);
                    """)
        }
        migrator.registerMigration("v3: principal names and token models") { db in
            try db.execute(
                sql: """
                    ALTER TABLE users ADD COLUMN upn TEXT;
                    ALTER TABLE users ADD COLUMN token_model TEXT;
                    """)
        }
        migrator.registerMigration("v4: authentication server state") { db in
            try db.execute(
                sql: """
                    ALTER TABLE users ADD COLUMN server_serial TEXT;
                    ALTER TABLE users ADD COLUMN server_generation INTEGER;
                    ALTER TABLE users ADD COLUMN server_enabled INTEGER;
                    ALTER TABLE users ADD COLUMN server_pushed_at INTEGER;
                    """)
        }
        migrator.registerMigration("v5: display tokens", migrate: DisplayTokenRecord.createTable)
        migrator.registerMigration("v6: export history") { db in try registerExportHistory(db) }
        try migrator.migrate(database)
    }

    /// What opening with a passphrase found: the register key, the admin, and what was created.
    private struct Opening {
        let key: AdminKey
        let admin: String
        /// The audit action when this opening created the register or upgraded it.
        let created: String?
    }

    /// Unwraps the register key with the admin's passphrase; creates the register key and first
    /// admin for a new register; gives an earlier register (one key from one passphrase) its
    /// first admin, the old key becoming the register key.
    private static func unlock(
        _ db: Database, path: String, passphrase: String, admin: String?, newKey: AdminKey.Parameters
    ) throws -> Opening {
        let admins = try AdminRecord.fetchAll(db)
        if admins.isEmpty {
            let name = admin ?? "admin"
            guard AdminRecord.isValidName(name) else { throw RegisterError.invalidAdminName(name) }
            let registerKey: AdminKey
            let action: String
            if let legacy = try storedParameters(db) {
                registerKey = try storedKey(passphrase: passphrase, parameters: legacy, path: path)
                try checkKey(registerKey, db, path: path)
                try db.execute(sql: "DELETE FROM meta WHERE key = 'kdf'")
                action = "register-upgraded"
            } else {
                registerKey = AdminKey.random()
                let check = try registerKey.seal(Array("ok".utf8), context: checkContext)
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('check', ?)", arguments: [Data(check)])
                action = "register-created"
            }
            try AdminRecord.make(name: name, passphrase: passphrase, parameters: newKey, wrapping: registerKey)
                .insert(db)
            return Opening(key: registerKey, admin: name, created: action)
        }
        let name: String
        if let admin {
            name = admin
        } else if admins.count == 1 {
            name = admins[0].name
        } else {
            throw RegisterError.adminRequired(admins.map(\.name))
        }
        guard let record = admins.first(where: { $0.name == name }) else {
            throw RegisterError.unknownAdmin(name, known: admins.map(\.name))
        }
        let registerKey = try record.unwrap(passphrase: passphrase, path: path)
        try checkKey(registerKey, db, path: path)
        return Opening(key: registerKey, admin: name, created: nil)
    }

    private static func checkKey(_ key: AdminKey, _ db: Database, path: String) throws {
        guard let check = try meta("check", in: db) else {
            throw RegisterError.damaged(file: path, user: nil, column: "meta.check", .missing)
        }
        guard key.open(check, context: checkContext) != nil else { throw RegisterError.wrongPassphrase }
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

    /// The key derivation parameters of an earlier register's single passphrase; nil for others.
    private static func storedParameters(_ db: Database) throws -> AdminKey.Parameters? {
        guard let stored = try meta("kdf", in: db) else { return nil }
        return try AdminRecord.parameters(stored, column: "meta.kdf")
    }

    static func storedKey(
        passphrase: String, parameters: AdminKey.Parameters, path: String
    ) throws -> AdminKey {
        do { return try AdminKey(passphrase: passphrase, parameters: parameters) } catch {
            throw RegisterError.damaged(file: path, user: nil, column: "admins.kdf", .unreadable)
        }
    }

    func requireKey() throws -> AdminKey {
        guard let key else { throw RegisterError.database("opened without the admin passphrase") }
        return key
    }

    // MARK: The database boundary

    /// Runs `body` against the database, turning every database error into a `RegisterError`:
    /// this is the only way in, so no GRDB error leaves the register.
    static func access<T>(_ path: String, _ body: () throws -> T) throws(RegisterError) -> T {
        do { return try body() } catch let error as RegisterError {
            throw error
        } catch let error as StoredValueError {
            throw .damaged(file: path, user: error.user, column: error.column, error.damage)
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: throw .inUse(file: path)
            case .SQLITE_NOTADB: throw .notARegister(path)
            case .SQLITE_CORRUPT: throw .damaged(file: path, user: nil, column: "(file)", .unreadable)
            default: throw .database("SQLite error \(error.resultCode.rawValue): \(error.message ?? "no detail")")
            }
        } catch {
            throw .database("unexpected \(type(of: error))")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        try Self.access(path) { try database.read(body) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(RegisterError) -> T {
        try Self.access(path) { try database.write(body) }
    }

    /// Writes an audit entry for a change made in `db`'s transaction.
    func audit(
        _ db: Database, _ action: String, user: String?, detail: String = "", reason: String? = nil, at time: Int64
    ) throws {
        try AuditEntry(
            time: time, osUser: osUser, admin: admin, action: action, username: user, detail: detail, reason: reason
        ).insert(db)
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

    /// The users, other than revoked ones, whom the register records in `slot` of token `serial`.
    public func holders(ofSlot slot: Int, onToken serial: String) throws -> [String] {
        try read {
            try String.fetchAll(
                $0, sql: "SELECT username FROM users WHERE token_serial = ? AND slot = ? AND state != ? ORDER BY username",
                arguments: [serial, slot, UserState.revoked.rawValue])
        }
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
    static func records(named usernames: [String], in db: Database) throws -> [String: UserRecord] {
        var records: [String: UserRecord] = [:]
        for start in stride(from: 0, to: usernames.count, by: 500) {
            let chunk = usernames[start..<min(start + 500, usernames.count)]
            for record in try UserRecord.filter(keys: Array(chunk)).fetchAll(db) { records[record.username] = record }
        }
        return records
    }

    /// The user's seed, opened with the register key.
    public func seed(of user: RegisteredUser) throws -> Secret {
        guard let sealed = user.sealedSeed else { throw RegisterError.noSeed(user.entry.username) }
        guard let bytes = try requireKey().open(sealed, context: "seed:" + user.entry.username) else {
            throw RegisterError.wrongPassphrase
        }
        return Secret(bytes: bytes)
    }

    /// The audit log, oldest first; only `username`'s entries when given.
    public func log(_ username: String? = nil) throws -> [AuditEntry] {
        try read { try AuditEntry.fetch($0, username: username) }
    }
}
