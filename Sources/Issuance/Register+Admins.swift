import Foundation
import GRDB

/// One admin of a register: their name, the scrypt parameters of their passphrase key, and the
/// register key wrapped under it. Adding or removing an admin touches only this row.
struct AdminRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "admins"

    var name: String
    var kdf: Data
    var wrappedKey: Data
    var createdAt: Int64

    enum CodingKeys: String, CodingKey {
        case name, kdf
        case wrappedKey = "wrapped_key"
        case createdAt = "created_at"
    }

    init(row: Row) throws {
        func blob(_ column: String) throws -> Data {
            guard case .blob(let data) = (row[column] as DatabaseValue).storage else {
                throw StoredValueError(user: nil, column: "admins." + column, damage: .missing)
            }
            return data
        }
        guard case .string(let name) = (row["name"] as DatabaseValue).storage else {
            throw StoredValueError(user: nil, column: "admins.name", damage: .missing)
        }
        guard case .int64(let created) = (row["created_at"] as DatabaseValue).storage else {
            throw StoredValueError(user: nil, column: "admins.created_at", damage: .missing)
        }
        self.name = name
        kdf = try blob("kdf")
        wrappedKey = try blob("wrapped_key")
        createdAt = created
    }

    init(name: String, kdf: Data, wrappedKey: Data, createdAt: Int64) {
        self.name = name
        self.kdf = kdf
        self.wrappedKey = wrappedKey
        self.createdAt = createdAt
    }

    func encode(to container: inout PersistenceContainer) {
        container["name"] = name
        container["kdf"] = kdf
        container["wrapped_key"] = wrappedKey
        container["created_at"] = createdAt
    }

    /// 1 to 64 ASCII letters, digits, `.`, `-`, `_` or `@`.
    static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-_@".unicodeScalars.contains($0))
            }
    }

    /// A new admin `name` whose passphrase key (fresh `parameters`) wraps `registerKey`.
    static func make(
        name: String, passphrase: String, parameters: AdminKey.Parameters, wrapping registerKey: AdminKey,
        at time: Int64 = Int64(Date().timeIntervalSince1970)
    ) throws -> AdminRecord {
        let adminKey = try AdminKey(passphrase: passphrase, parameters: parameters)
        return AdminRecord(
            name: name, kdf: try JSONEncoder().encode(parameters),
            wrappedKey: Data(try registerKey.wrapped(under: adminKey, admin: name)), createdAt: time)
    }

    /// Decoded key derivation parameters; anything TokenForge does not use is damage.
    static func parameters(_ stored: [UInt8], column: String) throws -> AdminKey.Parameters {
        guard let parameters = try? JSONDecoder().decode(AdminKey.Parameters.self, from: Data(stored)),
            parameters.isSupported
        else {
            throw StoredValueError(user: nil, column: column, damage: .unreadable)
        }
        return parameters
    }

    /// The register key, unwrapped with `passphrase`; `wrongPassphrase` when it does not open.
    func unwrap(passphrase: String, path: String) throws -> AdminKey {
        let parameters = try Self.parameters(Array(kdf), column: "admins.kdf")
        let adminKey = try Register.storedKey(passphrase: passphrase, parameters: parameters, path: path)
        guard let key = AdminKey.unwrap(Array(wrappedKey), under: adminKey, admin: name) else {
            throw RegisterError.wrongPassphrase
        }
        return key
    }
}

/// An admin as `admins list` shows them.
public struct RegisterAdmin: Equatable, Sendable, Codable {
    public let name: String
    public let createdAt: Int64
}

extension Register {
    /// The register's admins, by name.
    public func admins() throws -> [RegisterAdmin] {
        try read { db in
            try AdminRecord.order(Column("name")).fetchAll(db).map {
                RegisterAdmin(name: $0.name, createdAt: $0.createdAt)
            }
        }
    }

    /// Adds an admin with their own passphrase: the register key is wrapped once more, the seeds
    /// are not touched.
    public func addAdmin(
        _ name: String, passphrase: String, parameters: AdminKey.Parameters = .fresh(), reason: String? = nil
    ) throws {
        let key = try requireKey()
        guard AdminRecord.isValidName(name) else { throw RegisterError.invalidAdminName(name) }
        let time = now()
        let record = try AdminRecord.make(
            name: name, passphrase: passphrase, parameters: parameters, wrapping: key, at: time)
        try write { db in
            guard try AdminRecord.fetchOne(db, key: name) == nil else { throw RegisterError.adminExists(name) }
            try record.insert(db)
            try audit(db, "admin-added", user: nil, detail: "admin \(name)", reason: reason, at: time)
        }
    }

    /// Removes an admin's wrapped key: their passphrase no longer opens the register.
    public func removeAdmin(_ name: String, reason: String? = nil) throws {
        _ = try requireKey()
        let time = now()
        try write { db in
            let names = try AdminRecord.fetchAll(db).map(\.name)
            guard names.contains(name) else { throw RegisterError.unknownAdmin(name, known: names) }
            guard names.count > 1 else { throw RegisterError.lastAdmin(name) }
            _ = try AdminRecord.deleteOne(db, key: name)
            try audit(db, "admin-removed", user: nil, detail: "admin \(name)", reason: reason, at: time)
        }
    }
}
