import Activation
import Foundation
import GRDB
import OTPCore

/// One row of the register's `users` table. Reading a row checks every column: a value of the
/// wrong type, an unknown name or a number out of range is a `StoredValueError`, never a default.
struct UserRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "users"

    enum Columns: String, ColumnExpression {
        case username
        case displayName = "display_name"
        case email, language, method
        case appProfile = "app_profile"
        case state, enabled
        case sealedSeed = "sealed_seed"
        case algorithm, digits, period
        case tokenSerial = "token_serial"
        case slot, drift
        case lastStep = "last_step"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case slotLabel = "slot_label"
        case generation
        case failedAttempts = "failed_attempts"
        case locked
        case issuedAt = "issued_at"
        case activatedAt = "activated_at"
        case upn
        case tokenModel = "token_model"
        case serverSerial = "server_serial"
        case serverGeneration = "server_generation"
        case serverEnabled = "server_enabled"
        case serverPushedAt = "server_pushed_at"
    }

    /// The values each integer column may hold: what OTPCore and the drivers accept.
    enum Limits {
        static let enabled: ClosedRange<Int64> = 0...1
        static let digits =
            Int64(HOTPGenerator.supportedDigits.lowerBound)...Int64(HOTPGenerator.supportedDigits.upperBound)
        static let period: ClosedRange<Int64> = 1...Int64(UInt32.max)
        static let slot: ClosedRange<Int64> = 0...254
        static let drift: ClosedRange<Int64> = Int64(Int32.min)...Int64(Int32.max)
        static let step: ClosedRange<Int64> = 0...Int64.max
        static let time: ClosedRange<Int64> = Int64.min...Int64.max
        static let generation: ClosedRange<Int64> = 1...Int64(Int32.max)
        static let attempts: ClosedRange<Int64> = 0...Int64(Int32.max)
    }

    var username: String
    var displayName: String
    var email: String
    var language: Language
    var method: RosterEntry.Method
    var appProfile: AppProfile?
    var state: UserState
    var enabled: Bool
    var sealedSeed: [UInt8]?
    var algorithm: OTPAlgorithm
    var digits: Int
    var period: Int
    var tokenSerial: String?
    var slot: Int?
    var drift: Int
    var lastStep: UInt64?
    var createdAt: Int64
    var updatedAt: Int64
    var slotLabel: String?
    var generation: Int
    var failedAttempts: Int
    var locked: Bool
    var issuedAt: Int64?
    var activatedAt: Int64?
    var upn: String?
    var tokenModel: String?
    var server: ServerRecord?

    /// A new `pending` user, with the schema's defaults for everything the roster does not give.
    init(entry: RosterEntry, at time: Int64) {
        username = entry.username
        displayName = entry.displayName
        email = entry.email
        language = entry.language
        method = entry.method
        appProfile = entry.appProfile
        state = .pending
        enabled = true
        sealedSeed = nil
        algorithm = .sha1
        digits = 6
        period = 30
        tokenSerial = entry.tokenSerial
        slot = nil
        drift = 0
        lastStep = nil
        createdAt = time
        updatedAt = time
        slotLabel = nil
        generation = 1
        failedAttempts = 0
        locked = false
        issuedAt = nil
        activatedAt = nil
        upn = entry.upn
        tokenModel = nil
        server = nil
    }

    init(row: Row) throws {
        var stored = StoredRow<Columns>(row: row, user: nil)
        username = try stored.text(.username)
        stored.user = username
        displayName = try stored.text(.displayName)
        email = try stored.text(.email)
        language = try stored.named(.language)
        method = try stored.named(.method)
        appProfile = try stored.optionalNamed(.appProfile)
        state = try stored.named(.state)
        enabled = try stored.integer(.enabled, in: Limits.enabled) == 1
        sealedSeed = try stored.optionalBlob(.sealedSeed)
        algorithm = try stored.named(.algorithm)
        digits = Int(try stored.integer(.digits, in: Limits.digits))
        period = Int(try stored.integer(.period, in: Limits.period))
        tokenSerial = try stored.optionalText(.tokenSerial)
        slot = try stored.optionalInteger(.slot, in: Limits.slot).map { Int($0) }
        drift = Int(try stored.integer(.drift, in: Limits.drift))
        lastStep = try stored.optionalInteger(.lastStep, in: Limits.step).map { UInt64($0) }
        createdAt = try stored.integer(.createdAt, in: Limits.time)
        updatedAt = try stored.integer(.updatedAt, in: Limits.time)
        slotLabel = try stored.optionalText(.slotLabel)
        generation = Int(try stored.integer(.generation, in: Limits.generation))
        failedAttempts = Int(try stored.integer(.failedAttempts, in: Limits.attempts))
        locked = try stored.integer(.locked, in: Limits.enabled) == 1
        issuedAt = try stored.optionalInteger(.issuedAt, in: Limits.time)
        activatedAt = try stored.optionalInteger(.activatedAt, in: Limits.time)
        upn = try stored.optionalText(.upn)
        tokenModel = try stored.optionalText(.tokenModel)
        if let serial = try stored.optionalText(.serverSerial) {
            server = ServerRecord(
                serial: serial, generation: Int(try stored.integer(.serverGeneration, in: Limits.generation)),
                enabled: try stored.integer(.serverEnabled, in: Limits.enabled) == 1,
                pushedAt: try stored.integer(.serverPushedAt, in: Limits.time))
        } else {
            server = nil
        }
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.username] = username
        container[Columns.displayName] = displayName
        container[Columns.email] = email
        container[Columns.language] = language
        container[Columns.method] = method
        container[Columns.appProfile] = appProfile
        container[Columns.state] = state
        container[Columns.enabled] = enabled
        container[Columns.sealedSeed] = sealedSeed.map { Data($0) }
        container[Columns.algorithm] = algorithm
        container[Columns.digits] = digits
        container[Columns.period] = period
        container[Columns.tokenSerial] = tokenSerial
        container[Columns.slot] = slot
        container[Columns.drift] = drift
        container[Columns.lastStep] = lastStep.map { Int64($0) }
        container[Columns.createdAt] = createdAt
        container[Columns.updatedAt] = updatedAt
        container[Columns.slotLabel] = slotLabel
        container[Columns.generation] = generation
        container[Columns.failedAttempts] = failedAttempts
        container[Columns.locked] = locked
        container[Columns.issuedAt] = issuedAt
        container[Columns.activatedAt] = activatedAt
        container[Columns.upn] = upn
        container[Columns.tokenModel] = tokenModel
        container[Columns.serverSerial] = server?.serial
        container[Columns.serverGeneration] = server?.generation
        container[Columns.serverEnabled] = server?.enabled
        container[Columns.serverPushedAt] = server?.pushedAt
    }

    /// The user as the rest of TokenForge sees them.
    var user: RegisteredUser {
        RegisteredUser(
            entry: RosterEntry(
                username: username, displayName: displayName, email: email, language: language, method: method,
                appProfile: appProfile, tokenSerial: tokenSerial, upn: upn),
            state: state, enabled: enabled, sealedSeed: sealedSeed, algorithm: algorithm, digits: digits,
            period: period, tokenSerial: tokenSerial, slot: slot, slotLabel: slotLabel, tokenModel: tokenModel, server: server, drift: drift,
            lastStep: lastStep, generation: generation, failedAttempts: failedAttempts, locked: locked,
            createdAt: createdAt, issuedAt: issuedAt, activatedAt: activatedAt, updatedAt: updatedAt)
    }
}

/// A stored value that is not what its column may hold; the register adds its file to make a
/// `RegisterError.damaged`. It carries no stored value, so no sealed seed can reach a message.
struct StoredValueError: Error {
    let user: String?
    let column: String
    let damage: RegisterError.Damage
}

/// Reads the columns of one row, each checked for its storage class and range. `user` names
/// the row in errors; `table` prefixes the column's name in them (none for `users`).
struct StoredRow<Column: RawRepresentable<String>> {
    let row: Row
    var user: String?
    var table: String? = nil

    func text(_ column: Column) throws(StoredValueError) -> String {
        guard let text = try optionalText(column) else { throw error(column, .missing) }
        return text
    }

    func optionalText(_ column: Column) throws(StoredValueError) -> String? {
        switch value(column).storage {
        case .null: return nil
        case .string(let text): return text
        case let storage: throw error(column, .wrongType(expected: .text, found: RegisterError.StorageClass(storage)))
        }
    }

    func named<Value: RawRepresentable<String>>(_ column: Column) throws(StoredValueError) -> Value {
        guard let value: Value = try optionalNamed(column) else { throw error(column, .missing) }
        return value
    }

    func optionalNamed<Value: RawRepresentable<String>>(
        _ column: Column
    ) throws(StoredValueError) -> Value? {
        guard let text = try optionalText(column) else { return nil }
        guard let value = Value(rawValue: text) else { throw error(column, .unknownValue) }
        return value
    }

    func integer(_ column: Column, in range: ClosedRange<Int64>) throws(StoredValueError) -> Int64 {
        guard let integer = try optionalInteger(column, in: range) else { throw error(column, .missing) }
        return integer
    }

    func optionalInteger(
        _ column: Column, in range: ClosedRange<Int64>
    ) throws(StoredValueError) -> Int64? {
        switch value(column).storage {
        case .null: return nil
        case .int64(let integer):
            guard range.contains(integer) else { throw error(column, .outOfRange(integer, allowed: range)) }
            return integer
        case let storage:
            throw error(column, .wrongType(expected: .integer, found: RegisterError.StorageClass(storage)))
        }
    }

    func optionalBlob(_ column: Column) throws(StoredValueError) -> [UInt8]? {
        switch value(column).storage {
        case .null: return nil
        case .blob(let data): return Array(data)
        case let storage: throw error(column, .wrongType(expected: .blob, found: RegisterError.StorageClass(storage)))
        }
    }

    private func value(_ column: Column) -> DatabaseValue {
        row.hasColumn(column.rawValue) ? row[column.rawValue] : .null
    }

    private func error(_ column: Column, _ damage: RegisterError.Damage) -> StoredValueError {
        StoredValueError(user: user, column: table.map { "\($0).\(column.rawValue)" } ?? column.rawValue, damage: damage)
    }
}

extension RegisterError.StorageClass {
    init(_ storage: DatabaseValue.Storage) {
        switch storage {
        case .null: self = .null
        case .int64: self = .integer
        case .double: self = .real
        case .string: self = .text
        case .blob: self = .blob
        }
    }
}

extension UserState: DatabaseValueConvertible {}
extension Language: DatabaseValueConvertible {}
extension RosterEntry.Method: DatabaseValueConvertible {}
extension AppProfile: DatabaseValueConvertible {}
extension OTPAlgorithm: DatabaseValueConvertible {}
