import Foundation
import GRDB

/// One change to the register as its audit log keeps it: when, by which OS user and admin, what,
/// to whom, and why. Written in the same transaction as the change, so the log never misses one.
public struct AuditEntry: Equatable, Sendable, Codable {
    public let time: Int64
    public let osUser: String
    /// The register admin who made the change (nil: a change made without a named admin).
    public let admin: String?
    public let action: String
    public let username: String?
    public let detail: String
    public let reason: String?

    public init(
        time: Int64, osUser: String, admin: String?, action: String, username: String?, detail: String = "",
        reason: String? = nil
    ) {
        self.time = time
        self.osUser = osUser
        self.admin = admin
        self.action = action
        self.username = username
        self.detail = detail
        self.reason = reason
    }

    /// `2026-12-02 11:22:50Z`: the log's and the listings' time format, in UTC.
    public static func format(_ time: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss'Z'"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }

    func insert(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO audit (time, os_user, admin, action, username, detail, reason)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [time, osUser, admin, action, username, detail, reason])
    }

    static func fetch(_ db: Database, username: String?) throws -> [AuditEntry] {
        let rows =
            if let username {
                try Row.fetchAll(db, sql: "SELECT * FROM audit WHERE username = ? ORDER BY id", arguments: [username])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id")
            }
        return try rows.map { row in
            func text(_ name: String) throws -> String {
                guard case .string(let value) = (row[name] as DatabaseValue).storage else {
                    throw StoredValueError(user: nil, column: "audit." + name, damage: .missing)
                }
                return value
            }
            func optionalText(_ name: String) -> String? {
                if case .string(let value) = (row[name] as DatabaseValue).storage { return value }
                return nil
            }
            guard case .int64(let time) = (row["time"] as DatabaseValue).storage else {
                throw StoredValueError(user: nil, column: "audit.time", damage: .missing)
            }
            return AuditEntry(
                time: time, osUser: try text("os_user"), admin: optionalText("admin"), action: try text("action"),
                username: optionalText("username"), detail: optionalText("detail") ?? "", reason: optionalText("reason"))
        }
    }
}
