import Exports
import Foundation
import GRDB

/// One export run as the register's history keeps it: when, by whom, into which directory, and
/// per format what the server holds once the run's files are applied.
public struct ExportRunRecord: Equatable, Sendable {
    /// The run's name, which is also its directory's name (`2026-12-03T172800Z`, `-2` on a clash).
    public var name: String
    public var time: Int64
    public var osUser: String
    public var admin: String?
    /// Written with `--changes-since-last`: only what changed, and the removals.
    public var changesOnly: Bool
    public var directory: String
    public var formats: [Format]

    /// One format of a run.
    public struct Format: Equatable, Sendable {
        public var format: ExportFormat
        /// The run the changes were counted from; nil for the format's first export.
        public var since: String?
        /// The files written for the format, by name within the run's directory.
        public var files: [String]
        /// Every token the server holds for the format after this run, and whether this run
        /// wrote it (`added`, `replaced`) or an earlier one did (`unchanged`).
        public var held: [HeldToken]
        public var removals: [Removal]

        public init(format: ExportFormat, since: String?, files: [String], held: [HeldToken], removals: [Removal]) {
            self.format = format
            self.since = since
            self.files = files
            self.held = held
            self.removals = removals
        }
    }

    public init(
        name: String, time: Int64, osUser: String, admin: String?, changesOnly: Bool, directory: String,
        formats: [Format]
    ) {
        self.name = name
        self.time = time
        self.osUser = osUser
        self.admin = admin
        self.changesOnly = changesOnly
        self.directory = directory
        self.formats = formats
    }
}

/// A user's token as an export left it on the server: serial, seed generation, and the user's
/// state and whether they were enabled when it was exported.
public struct HeldToken: Equatable, Sendable {
    public enum Change: String, Sendable, CaseIterable, Codable {
        /// New to the format: the user had no token in its last export.
        case added
        /// A new serial or seed (reissued) since the format's last export.
        case replaced
        /// As the last export left it: not written again by a change-only run.
        case unchanged
    }

    public var username: String
    public var serial: String
    public var generation: Int
    public var state: UserState
    public var enabled: Bool
    public var change: Change

    public init(username: String, serial: String, generation: Int, state: UserState, enabled: Bool, change: Change) {
        self.username = username
        self.serial = serial
        self.generation = generation
        self.state = state
        self.enabled = enabled
        self.change = change
    }
}

/// The formats TokenForge exports the register to.
public enum ExportFormat: String, CaseIterable, Sendable, Codable, Comparable {
    case pskc, entra, privacyidea, uris

    public static func < (a: ExportFormat, b: ExportFormat) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

extension Register {
    /// The export history tables (migration "v6: export history").
    static func registerExportHistory(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE export_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, time INTEGER NOT NULL,
                    os_user TEXT NOT NULL, admin TEXT, changes_only INTEGER NOT NULL, directory TEXT NOT NULL);
                CREATE TABLE export_formats (
                    run INTEGER NOT NULL REFERENCES export_runs (id), format TEXT NOT NULL, since TEXT,
                    files TEXT NOT NULL, PRIMARY KEY (run, format));
                CREATE TABLE export_tokens (
                    run INTEGER NOT NULL REFERENCES export_runs (id), format TEXT NOT NULL, username TEXT NOT NULL,
                    serial TEXT NOT NULL, generation INTEGER NOT NULL, state TEXT NOT NULL, enabled INTEGER NOT NULL,
                    held INTEGER NOT NULL, change TEXT NOT NULL, PRIMARY KEY (run, format, username, held));
                CREATE INDEX export_formats_by_format ON export_formats (format, run);
                """)
    }

    /// The last export of `format`: its run's name and the tokens the server holds after it.
    public func lastExport(of format: ExportFormat) throws -> (run: String, held: [HeldToken])? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT r.id, r.name FROM export_formats f JOIN export_runs r ON r.id = f.run
                        WHERE f.format = ? ORDER BY r.id DESC LIMIT 1
                        """, arguments: [format.rawValue])
            else { return nil }
            let id: Int64 = try Self.stored(row, "id", table: "export_runs")
            let name: String = try Self.stored(row, "name", table: "export_runs")
            let tokens = try Self.tokens(db, run: id, format: format)
            return (name, tokens.held)
        }
    }

    /// Whether the history has a run of that name (in any exports directory).
    public func hasExportRun(named name: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM export_runs WHERE name = ?)", arguments: [name])
                ?? false
        }
    }

    /// Every export run, oldest first, with what each wrote and removed.
    public func exportRuns() throws -> [ExportRunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM export_runs ORDER BY id").map { row in
                let id: Int64 = try Self.stored(row, "id", table: "export_runs")
                let formats = try Row.fetchAll(
                    db, sql: "SELECT * FROM export_formats WHERE run = ?", arguments: [id]
                ).map { formatRow in
                    let name: String = try Self.stored(formatRow, "format", table: "export_formats")
                    guard let format = ExportFormat(rawValue: name) else {
                        throw StoredValueError(user: nil, column: "export_formats.format", damage: .unknownValue)
                    }
                    let files: String = try Self.stored(formatRow, "files", table: "export_formats")
                    let tokens = try Self.tokens(db, run: id, format: format)
                    return ExportRunRecord.Format(
                        format: format, since: formatRow["since"],
                        files: files.split(separator: "\n").map(String.init), held: tokens.held,
                        removals: tokens.removals)
                }.sorted { $0.format < $1.format }
                let changesOnly: Int64 = try Self.stored(row, "changes_only", table: "export_runs")
                return ExportRunRecord(
                    name: try Self.stored(row, "name", table: "export_runs"),
                    time: try Self.stored(row, "time", table: "export_runs"),
                    osUser: try Self.stored(row, "os_user", table: "export_runs"), admin: row["admin"],
                    changesOnly: changesOnly != 0, directory: try Self.stored(row, "directory", table: "export_runs"),
                    formats: formats)
            }
        }
    }

    /// Records `run` in the history and moves `exported` (users issued since the last export) to
    /// `exported`, in one transaction with its audit entry.
    public func recordExport(_ run: ExportRunRecord, exported: [String]) throws {
        _ = try requireKey()
        let time = now()
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO export_runs (name, time, os_user, admin, changes_only, directory)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [run.name, run.time, run.osUser, run.admin, run.changesOnly ? 1 : 0, run.directory])
            let id = db.lastInsertedRowID
            for format in run.formats {
                try db.execute(
                    sql: "INSERT INTO export_formats (run, format, since, files) VALUES (?, ?, ?, ?)",
                    arguments: [id, format.format.rawValue, format.since, format.files.joined(separator: "\n")])
                for token in format.held {
                    try db.execute(
                        sql: """
                            INSERT INTO export_tokens (run, format, username, serial, generation, state, enabled, held, change)
                            VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
                            """,
                        arguments: [
                            id, format.format.rawValue, token.username, token.serial, token.generation,
                            token.state.rawValue, token.enabled ? 1 : 0, token.change.rawValue,
                        ])
                }
                for removal in format.removals {
                    try db.execute(
                        sql: """
                            INSERT INTO export_tokens (run, format, username, serial, generation, state, enabled, held, change)
                            SELECT ?, ?, ?, ?, COALESCE((SELECT generation FROM users WHERE username = ?), 1),
                                   COALESCE((SELECT state FROM users WHERE username = ?), 'revoked'),
                                   COALESCE((SELECT enabled FROM users WHERE username = ?), 0), 0, ?
                            """,
                        arguments: [
                            id, format.format.rawValue, removal.username, removal.serial, removal.username,
                            removal.username, removal.username, removal.reason.rawValue,
                        ])
                }
            }
            let summary = run.formats.map { format in
                "\(format.format.rawValue) \(format.held.filter { $0.change != .unchanged }.count) written, \(format.removals.count) to remove"
            }.joined(separator: "; ")
            try audit(
                db, "exported", user: nil,
                detail: "\(run.changesOnly ? "changes" : "full") export \(run.name) into \(run.directory): \(summary)",
                at: time)
            var records = try Self.records(named: exported, in: db)
            for username in exported {
                guard var record = records[username], [.programmed, .letterIssued].contains(record.state) else {
                    continue
                }
                try record.updateChanges(db) {
                    $0.state = .exported
                    $0.updatedAt = time
                }
                try audit(db, UserState.exported.rawValue, user: username, detail: "in \(run.name)", at: time)
                records[username] = record
            }
        }
    }

    /// The tokens a run recorded for `format`: those the server holds after it, and its removals.
    private static func tokens(_ db: Database, run: Int64, format: ExportFormat) throws -> (
        held: [HeldToken], removals: [Removal]
    ) {
        var held: [HeldToken] = []
        var removals: [Removal] = []
        let rows = try Row.fetchAll(
            db, sql: "SELECT * FROM export_tokens WHERE run = ? AND format = ? ORDER BY username",
            arguments: [run, format.rawValue])
        for row in rows {
            let username: String = try stored(row, "username", table: "export_tokens")
            let serial: String = try stored(row, "serial", table: "export_tokens")
            let change: String = try stored(row, "change", table: "export_tokens")
            let isHeld: Int64 = try stored(row, "held", table: "export_tokens")
            if isHeld == 0 {
                guard let reason = Removal.Reason(rawValue: change) else {
                    throw StoredValueError(user: username, column: "export_tokens.change", damage: .unknownValue)
                }
                removals.append(Removal(serial: serial, username: username, reason: reason))
                continue
            }
            let stateName: String = try stored(row, "state", table: "export_tokens")
            guard let state = UserState(rawValue: stateName) else {
                throw StoredValueError(user: username, column: "export_tokens.state", damage: .unknownValue)
            }
            guard let kind = HeldToken.Change(rawValue: change) else {
                throw StoredValueError(user: username, column: "export_tokens.change", damage: .unknownValue)
            }
            let generation: Int64 = try stored(row, "generation", table: "export_tokens")
            guard UserRecord.Limits.generation.contains(generation) else {
                throw StoredValueError(
                    user: username, column: "export_tokens.generation",
                    damage: .outOfRange(generation, allowed: UserRecord.Limits.generation))
            }
            let enabled: Int64 = try stored(row, "enabled", table: "export_tokens")
            held.append(
                HeldToken(
                    username: username, serial: serial, generation: Int(generation), state: state,
                    enabled: enabled != 0, change: kind))
        }
        return (held, removals)
    }

    /// A required column of a history row, of the storage class `Value` stands for.
    private static func stored<Value>(_ row: Row, _ column: String, table: String) throws -> Value {
        let value: DatabaseValue = row[column]
        switch (value.storage, Value.self) {
        case (.int64(let number), is Int64.Type): return number as! Value
        case (.string(let text), is String.Type): return text as! Value
        case (.null, _):
            throw StoredValueError(user: nil, column: "\(table).\(column)", damage: .missing)
        default:
            throw StoredValueError(
                user: nil, column: "\(table).\(column)",
                damage: .wrongType(expected: Value.self == String.self ? .text : .integer, found: .init(value.storage)))
        }
    }
}
