import Foundation
import GRDB
import OTPCore

/// One row of the register's `display_tokens` table: the inventory of pre-seeded tokens. The
/// seed is sealed with the register key like a user's; every column is checked when read.
struct DisplayTokenRecord: FetchableRecord, PersistableRecord {
    static let databaseTableName = "display_tokens"

    enum Columns: String, ColumnExpression {
        case serial
        case sealedSeed = "sealed_seed"
        case algorithm, digits, period, counter, manufacturer, model, source
        case importedAt = "imported_at"
        case assignedTo = "assigned_to"
        case assignedAt = "assigned_at"
        case retiredAt = "retired_at"
    }

    /// The v5 migration: the inventory, at most one token in use per user.
    static func createTable(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE display_tokens (
                    serial TEXT PRIMARY KEY, sealed_seed BLOB, algorithm TEXT NOT NULL, digits INTEGER NOT NULL,
                    period INTEGER, counter INTEGER, manufacturer TEXT, model TEXT, source TEXT NOT NULL,
                    imported_at INTEGER NOT NULL, assigned_to TEXT, assigned_at INTEGER, retired_at INTEGER);
                CREATE UNIQUE INDEX display_tokens_in_use ON display_tokens (assigned_to)
                    WHERE assigned_to IS NOT NULL AND retired_at IS NULL;
                """)
    }

    var serial: String
    /// Nil once retired: the seed is destroyed.
    var sealedSeed: [UInt8]?
    var algorithm: OTPAlgorithm
    var digits: Int
    var kind: DisplayToken.Kind
    var manufacturer: String?
    var model: String?
    var source: String
    var importedAt: Int64
    var assignedTo: String?
    var assignedAt: Int64?
    var retiredAt: Int64?

    init(_ token: NewDisplayToken, sealed: [UInt8], source: String, at time: Int64) {
        serial = token.serial
        sealedSeed = sealed
        algorithm = token.algorithm
        digits = token.digits
        kind = token.kind
        manufacturer = token.manufacturer
        model = token.model
        self.source = source
        importedAt = time
    }

    init(row: Row) throws {
        var stored = StoredRow<Columns>(row: row, user: nil, table: Self.databaseTableName)
        serial = try stored.text(.serial)
        stored.table = "\(Self.databaseTableName) (token \(serial))"
        sealedSeed = try stored.optionalBlob(.sealedSeed)
        algorithm = try stored.named(.algorithm)
        digits = Int(try stored.integer(.digits, in: UserRecord.Limits.digits))
        let period = try stored.optionalInteger(.period, in: UserRecord.Limits.period)
        let counter = try stored.optionalInteger(.counter, in: UserRecord.Limits.step)
        switch (period, counter) {
        case (let period?, nil): kind = .totp(period: Int(period))
        case (nil, let counter?): kind = .hotp(counter: UInt64(counter))
        default:
            throw StoredValueError(user: nil, column: "\(stored.table!).period", damage: .unreadable)
        }
        manufacturer = try stored.optionalText(.manufacturer)
        model = try stored.optionalText(.model)
        source = try stored.text(.source)
        importedAt = try stored.integer(.importedAt, in: UserRecord.Limits.time)
        assignedTo = try stored.optionalText(.assignedTo)
        assignedAt = try stored.optionalInteger(.assignedAt, in: UserRecord.Limits.time)
        retiredAt = try stored.optionalInteger(.retiredAt, in: UserRecord.Limits.time)
        if retiredAt == nil, sealedSeed == nil {
            throw StoredValueError(user: nil, column: "\(stored.table!).sealed_seed", damage: .missing)
        }
        if assignedTo != nil, assignedAt == nil {
            throw StoredValueError(user: nil, column: "\(stored.table!).assigned_at", damage: .missing)
        }
    }

    func encode(to container: inout PersistenceContainer) {
        container[Columns.serial] = serial
        container[Columns.sealedSeed] = sealedSeed.map { Data($0) }
        container[Columns.algorithm] = algorithm
        container[Columns.digits] = digits
        switch kind {
        case .totp(let period):
            container[Columns.period] = period
            container[Columns.counter] = nil
        case .hotp(let counter):
            container[Columns.period] = nil
            container[Columns.counter] = Int64(counter)
        }
        container[Columns.manufacturer] = manufacturer
        container[Columns.model] = model
        container[Columns.source] = source
        container[Columns.importedAt] = importedAt
        container[Columns.assignedTo] = assignedTo
        container[Columns.assignedAt] = assignedAt
        container[Columns.retiredAt] = retiredAt
    }

    var token: DisplayToken {
        let status: DisplayToken.Status =
            if let retiredAt {
                .retired(at: retiredAt, user: assignedTo)
            } else if let assignedTo, let assignedAt {
                .assigned(to: assignedTo, at: assignedAt)
            } else {
                .free
            }
        return DisplayToken(
            serial: serial, manufacturer: manufacturer, model: model, kind: kind, algorithm: algorithm, digits: digits,
            source: source, importedAt: importedAt, status: status)
    }

    static func sealingContext(_ serial: String) -> String { "display-token:" + serial }
}

/// The inventory of display tokens: imported from vendors' PSKC files, given to users by
/// `issue`, retired with their user.
extension Register {
    /// Every display token, by serial; empty for a register made before the inventory existed.
    public func displayTokens() throws -> [DisplayToken] {
        try read { db in
            guard try db.tableExists(DisplayTokenRecord.databaseTableName) else { return [] }
            return try DisplayTokenRecord.order(DisplayTokenRecord.Columns.serial).fetchAll(db).map(\.token)
        }
    }

    /// The display token with that serial, if the inventory has one.
    public func displayToken(_ serial: String) throws -> DisplayToken? {
        try read { db in
            guard try db.tableExists(DisplayTokenRecord.databaseTableName) else { return nil }
            return try DisplayTokenRecord.fetchOne(db, key: serial)?.token
        }
    }

    /// The display token given to `username` and not retired, if any.
    public func displayToken(heldBy username: String) throws -> DisplayToken? {
        try read { db in
            guard try db.tableExists(DisplayTokenRecord.databaseTableName) else { return nil }
            return try Self.heldToken(db, by: username)?.token
        }
    }

    private static func heldToken(_ db: Database, by username: String) throws -> DisplayTokenRecord? {
        try DisplayTokenRecord.filter(
            DisplayTokenRecord.Columns.assignedTo == username && DisplayTokenRecord.Columns.retiredAt == nil
        ).fetchOne(db)
    }

    /// The seed of display token `serial`, opened with the register key; nil when it is not in
    /// the inventory or was retired (its seed destroyed).
    public func seed(ofDisplayToken serial: String) throws -> Secret? {
        let key = try requireKey()
        let record = try read { db in
            try db.tableExists(DisplayTokenRecord.databaseTableName)
                ? try DisplayTokenRecord.fetchOne(db, key: serial) : nil
        }
        guard let sealed = record?.sealedSeed else { return nil }
        guard let bytes = key.open(sealed, context: DisplayTokenRecord.sealingContext(serial)) else {
            throw RegisterError.damaged(
                file: path, user: nil, column: "display_tokens.sealed_seed (token \(serial))", .unreadable)
        }
        return Secret(bytes: bytes)
    }

    /// Why `token` cannot be given to `username`, or nil when it can (free, or already theirs).
    public static func assignmentProblem(_ token: DisplayToken, to username: String) -> DisplayTokenError? {
        switch token.status {
        case .retired: return .retired(serial: token.serial, user: username)
        case .assigned(let holder, _) where holder != username:
            return .assigned(serial: token.serial, holder: holder, user: username)
        case .free, .assigned: break
        }
        if case .hotp = token.kind {
            return .notAssignable(
                serial: token.serial, user: username,
                reason:
                    "is an HOTP token: TokenForge issues users TOTP only (activation, exports and the server sync count time steps)"
            )
        }
        return nil
    }

    /// Adds the tokens read from the PSKC file `file` to the inventory, in one transaction, after
    /// checking that no serial is in the inventory already or on a token issued to a user (a
    /// pending user may name it in the roster): else nothing is added.
    public func importDisplayTokens(_ tokens: [NewDisplayToken], file: String) throws {
        let key = try requireKey()
        let serials = tokens.map(\.serial)
        let conflict: DisplayTokenError? = try read { db in
            for start in stride(from: 0, to: serials.count, by: 500) {
                let chunk = Array(serials[start..<min(start + 500, serials.count)])
                if let existing = try DisplayTokenRecord.filter(keys: chunk).order(DisplayTokenRecord.Columns.serial)
                    .fetchOne(db)
                {
                    return .alreadyImported(file: file, serial: existing.serial, from: existing.source)
                }
                if let user = try UserRecord.filter(
                    chunk.contains(UserRecord.Columns.tokenSerial)
                        && UserRecord.Columns.state != UserState.pending.rawValue
                )
                .order(UserRecord.Columns.tokenSerial).fetchOne(db), let serial = user.tokenSerial {
                    return .serialInUse(file: file, serial: serial, user: user.username)
                }
            }
            return nil
        }
        if let conflict { throw conflict }
        let sealed = try tokens.map { token in
            try token.secret.withUnsafeBytes {
                try key.seal(Array($0), context: DisplayTokenRecord.sealingContext(token.serial))
            }
        }
        let time = now()
        try write { db in
            for (token, sealed) in zip(tokens, sealed) {
                try DisplayTokenRecord(token, sealed: sealed, source: file, at: time).insert(db)
                try audit(
                    db, "display-token-imported", user: nil,
                    detail: "token \(token.serial) (\(token.manufacturer ?? "-") \(token.model ?? "-")) from \(file)",
                    at: time)
            }
        }
    }

    /// Gives display token `serial` to the pending or seeded `username` in one transaction: the
    /// token's seed and parameters become the user's (sealed for them), the user is `programmed`
    /// on that token, and the token is theirs. Nothing is written to any device.
    @discardableResult
    public func assignDisplayToken(_ serial: String, to username: String) throws -> RegisteredUser {
        let key = try requireKey()
        guard let token = try displayToken(serial) else {
            throw DisplayTokenError.notInInventory(serial: serial, user: username)
        }
        if let problem = Self.assignmentProblem(token, to: username) { throw problem }
        guard case .totp(let period) = token.kind else { preconditionFailure("assignmentProblem refuses HOTP") }
        let time = now()
        return try write { db in
            guard var tokenRecord = try DisplayTokenRecord.fetchOne(db, key: serial),
                let tokenSealed = tokenRecord.sealedSeed
            else {
                throw RegisterError.damaged(file: path, user: username, column: "display_tokens.sealed_seed", .missing)
            }
            guard var record = try UserRecord.fetchOne(db, key: username) else {
                throw RegisterError.unknownUser(username)
            }
            guard [.pending, .seeded].contains(record.state) else { return record.user }
            guard let bytes = key.open(tokenSealed, context: DisplayTokenRecord.sealingContext(serial)) else {
                throw RegisterError.damaged(
                    file: path, user: username, column: "display_tokens.sealed_seed", .unreadable)
            }
            let seed = NewSeed(
                username: username, secret: Secret(bytes: bytes), algorithm: token.algorithm, digits: token.digits,
                period: period)
            let sealed = try seal(seed)
            try record.updateChanges(db) {
                $0.store(seed, sealed: sealed)
                $0.state = .programmed
                $0.tokenSerial = serial
                $0.tokenModel = token.modelName
                $0.slot = nil
                $0.slotLabel = nil
                $0.issuedAt = time
                $0.updatedAt = time
            }
            try tokenRecord.updateChanges(db) {
                $0.assignedTo = username
                $0.assignedAt = time
            }
            try audit(
                db, "display-token-assigned", user: username,
                detail: "token \(serial) (\(token.modelName)), seed \(record.generation)", at: time)
            return record.user
        }
    }

    /// Retires the display token `username` holds, if any, in `db`'s transaction: its seed is
    /// destroyed and it is never given to anyone again. Returns its serial.
    @discardableResult
    func retireDisplayToken(_ db: Database, heldBy username: String, at time: Int64, reason: String?) throws -> String?
    {
        guard try db.tableExists(DisplayTokenRecord.databaseTableName),
            var record = try Self.heldToken(db, by: username)
        else { return nil }
        try record.updateChanges(db) {
            $0.sealedSeed = nil
            $0.retiredAt = time
        }
        try audit(
            db, "display-token-retired", user: username, detail: "token \(record.serial): seed destroyed",
            reason: reason, at: time)
        return record.serial
    }
}
