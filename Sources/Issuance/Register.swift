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
    case database(String)

    public var description: String {
        switch self {
        case .wrongPassphrase: "wrong admin passphrase for this register"
        case .notARegister(let path): "\(path) is not a TokenForge register"
        case .unknownUser(let name): "no user \(name) in the register"
        case .noSeed(let name): "user \(name) has no seed (not issued yet, or revoked)"
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
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed, passphrase == nil { throw RegisterError.notARegister(path) }
        var configuration = Configuration()
        configuration.readonly = passphrase == nil
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw RegisterError.notARegister(path)
        }
        if !existed { chmod(path, 0o600) }
        if passphrase != nil { try Self.migrate(database) }
        guard let passphrase else {
            key = nil
            guard (try? database.read({ try $0.tableExists("users") })) == true else {
                throw RegisterError.notARegister(path)
            }
            return
        }
        let stored = try database.read { try Data.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'kdf'") }
        if let stored {
            let parameters = try JSONDecoder().decode(AdminKey.Parameters.self, from: stored)
            let key = try AdminKey(passphrase: passphrase, parameters: parameters)
            let check = try database.read { try Data.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'check'") }
            guard let check, key.open(Array(check), context: Self.checkContext) != nil else {
                throw RegisterError.wrongPassphrase
            }
            self.key = key
        } else {
            let key = try AdminKey(passphrase: passphrase, parameters: newKey)
            let check = try key.seal(Array("ok".utf8), context: Self.checkContext)
            try database.write { db in
                try db.execute(
                    sql: "INSERT INTO meta (key, value) VALUES ('kdf', ?)",
                    arguments: [try JSONEncoder().encode(newKey)])
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('check', ?)", arguments: [Data(check)])
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

    private func requireKey() throws -> AdminKey {
        guard let key else { throw RegisterError.database("opened without the admin passphrase") }
        return key
    }

    // MARK: Reading

    public func users() throws -> [RegisteredUser] {
        try database.read { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY username").map(Self.user) }
    }

    public func user(_ username: String) throws -> RegisteredUser {
        guard
            let user = try database.read({
                try Row.fetchOne($0, sql: "SELECT * FROM users WHERE username = ?", arguments: [username])
            })
        else {
            throw RegisterError.unknownUser(username)
        }
        return Self.user(user)
    }

    public func contains(_ username: String) throws -> Bool { (try? user(username)) != nil }

    /// The users among `usernames` that are in the register, in one query.
    public func users(named usernames: [String]) throws -> [String: RegisteredUser] {
        guard !usernames.isEmpty else { return [:] }
        let rows = try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM users WHERE username IN (\(usernames.map { _ in "?" }.joined(separator: ",")))",
                arguments: StatementArguments(usernames))
        }
        return Dictionary(uniqueKeysWithValues: rows.map(Self.user).map { ($0.entry.username, $0) })
    }

    static func user(_ row: Row) -> RegisteredUser {
        RegisteredUser(
            entry: RosterEntry(
                username: row["username"], displayName: row["display_name"], email: row["email"],
                language: Language(rawValue: row["language"]) ?? .en,
                method: RosterEntry.Method(rawValue: row["method"]) ?? .app,
                appProfile: (row["app_profile"] as String?).flatMap { AppProfile(rawValue: $0) },
                tokenSerial: row["token_serial"]),
            state: UserState(rawValue: row["state"]) ?? .pending, enabled: row["enabled"],
            sealedSeed: (row["sealed_seed"] as Data?).map(Array.init),
            algorithm: OTPAlgorithm(rawValue: row["algorithm"]) ?? .sha1, digits: row["digits"], period: row["period"],
            tokenSerial: row["token_serial"], slot: row["slot"], drift: row["drift"],
            lastStep: (row["last_step"] as Int64?).map { UInt64($0) }, updatedAt: row["updated_at"])
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
        try database.write { db in
            for entry in entries {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO users (username, display_name, email, language, method, app_profile, state,
                            token_serial, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)
                        """,
                    arguments: [
                        entry.username, entry.displayName, entry.email, entry.language.rawValue, entry.method.rawValue,
                        entry.appProfile?.rawValue, entry.tokenSerial, time, time,
                    ])
            }
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
        try database.write { db in
            for (seed, sealed) in zip(seeds, sealed) {
                try db.execute(
                    sql: """
                        UPDATE users SET sealed_seed = ?, algorithm = ?, digits = ?, period = ?, state = 'seeded', updated_at = ?
                        WHERE username = ? AND state = 'pending' AND sealed_seed IS NULL
                        """,
                    arguments: [
                        Data(sealed), seed.algorithm.rawValue, seed.digits, seed.period, time, seed.username,
                    ])
            }
        }
    }

    public func seed(_ username: String, secret: Secret, algorithm: OTPAlgorithm, digits: Int, period: Int) throws {
        try seed([NewSeed(username: username, secret: secret, algorithm: algorithm, digits: digits, period: period)])
    }

    /// Records the token and slot a user's seed is going to, before it is written.
    public func plan(_ username: String, tokenSerial: String, slot: Int) throws {
        try update(username, "token_serial = ?, slot = ?", [tokenSerial, slot])
    }

    /// Moves users to `state` in one transaction; with `allowed`, only those in one of those states.
    public func setState(_ usernames: [String], _ state: UserState, from allowed: [UserState]? = nil) throws {
        _ = try requireKey()
        let time = now()
        try database.write { db in
            for username in usernames {
                var sql = "UPDATE users SET state = ?, updated_at = ? WHERE username = ?"
                var arguments: [any DatabaseValueConvertible] = [state.rawValue, time, username]
                if let allowed {
                    sql += " AND state IN (\(allowed.map { _ in "?" }.joined(separator: ",")))"
                    arguments += allowed.map(\.rawValue)
                }
                try db.execute(sql: sql, arguments: StatementArguments(arguments))
                guard db.changesCount == 1 || allowed != nil else { throw RegisterError.unknownUser(username) }
            }
        }
    }

    public func setState(_ username: String, _ state: UserState, from allowed: [UserState]? = nil) throws {
        try setState([username], state, from: allowed)
    }

    public func setEnabled(_ username: String, _ enabled: Bool) throws {
        try update(username, "enabled = ?", [enabled])
    }

    /// Records an accepted code: its step and the drift seen.
    public func recordActivation(_ username: String, step: UInt64, drift: Int) throws {
        try update(username, "last_step = ?, drift = ?, state = 'active'", [Int64(step), drift])
    }

    /// Revokes a user and destroys their sealed seed.
    public func revoke(_ username: String) throws {
        try update(username, "state = 'revoked', sealed_seed = NULL, enabled = 0", [])
    }

    private func update(_ username: String, _ assignments: String, _ values: [any DatabaseValueConvertible]) throws {
        _ = try requireKey()
        let time = now()
        try database.write { db in
            try db.execute(
                sql: "UPDATE users SET \(assignments), updated_at = ? WHERE username = ?",
                arguments: StatementArguments(values + [time, username]))
            guard db.changesCount == 1 else { throw RegisterError.unknownUser(username) }
        }
    }
}
