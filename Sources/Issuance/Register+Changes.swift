import Foundation
import GRDB
import OTPCore

/// Every change to the register: one transaction each, with its audit entry in it.
extension Register {
    /// Adds roster entries as `pending`, in one transaction; users already there are left as they are.
    public func add(_ entries: [RosterEntry]) throws {
        _ = try requireKey()
        let time = now()
        try write { db in
            for entry in entries {
                try UserRecord(entry: entry, at: time).insert(db, onConflict: .ignore)
                if db.changesCount > 0 { try audit(db, "added", user: entry.username, at: time) }
            }
        }
    }

    public func add(_ entry: RosterEntry) throws { try add([entry]) }

    /// What a roster says differently about a user already in the register.
    public struct EntryChange: Equatable, Sendable, CustomStringConvertible {
        public let username: String
        public let field: String
        public let old: String
        public let new: String

        public var description: String { "\(username): \(field) \"\(old)\" → \"\(new)\"" }
    }

    /// The differences between `entries` and the users the register has by those names.
    public func changes(in entries: [RosterEntry]) throws -> [EntryChange] {
        let known = try users(named: entries.map(\.username))
        return entries.flatMap { entry -> [EntryChange] in
            guard let user = known[entry.username] else { return [] }
            let old = user.entry
            var changes: [EntryChange] = []
            func compare(_ field: String, _ a: String, _ b: String) {
                if a != b { changes.append(EntryChange(username: entry.username, field: field, old: a, new: b)) }
            }
            compare("display_name", old.displayName, entry.displayName)
            compare("email", old.email, entry.email)
            compare("language", old.language.rawValue, entry.language.rawValue)
            compare("method", old.method.rawValue, entry.method.rawValue)
            compare("app", old.appProfile?.rawValue ?? "", entry.appProfile?.rawValue ?? "")
            compare("upn", old.upn ?? "", entry.upn ?? "")
            if user.state == .pending || entry.tokenSerial != nil {
                compare("token_serial", old.tokenSerial ?? "", entry.tokenSerial ?? "")
            }
            return changes
        }
    }

    /// Applies roster `changes` to known users (`issue --update`), each one audited.
    public func apply(_ changes: [EntryChange], from entries: [RosterEntry]) throws {
        _ = try requireKey()
        let byName = Dictionary(entries.map { ($0.username, $0) }, uniquingKeysWith: { first, _ in first })
        let time = now()
        try write { db in
            for (username, fieldChanges) in Dictionary(grouping: changes, by: \.username) {
                guard var record = try UserRecord.fetchOne(db, key: username), let entry = byName[username] else {
                    throw RegisterError.unknownUser(username)
                }
                try record.updateChanges(db) {
                    $0.displayName = entry.displayName
                    $0.email = entry.email
                    $0.language = entry.language
                    $0.method = entry.method
                    $0.appProfile = entry.appProfile
                    $0.upn = entry.upn
                    if let serial = entry.tokenSerial { $0.tokenSerial = serial }
                    $0.updatedAt = time
                }
                try audit(
                    db, "updated", user: username, detail: fieldChanges.map(\.description).joined(separator: "; "),
                    at: time)
            }
        }
    }

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

    /// The seed sealed with the register key for its user (AES-256-GCM, bound to "seed:USER").
    func seal(_ seed: NewSeed) throws -> [UInt8] {
        let key = try requireKey()
        return try seed.secret.withUnsafeBytes { try key.seal(Array($0), context: "seed:" + seed.username) }
    }

    /// Stores new seeds, sealed, and moves their users from pending to seeded, in one transaction.
    /// A user that already has a seed keeps it: a resumed run never issues a second one.
    public func seed(_ seeds: [NewSeed]) throws {
        let sealed = try seeds.map(seal)
        let time = now()
        try write { db in
            var records = try Self.records(named: seeds.map(\.username), in: db)
            for (seed, sealed) in zip(seeds, sealed) {
                guard var record = records[seed.username], record.state == .pending, record.sealedSeed == nil
                else { continue }
                try record.updateChanges(db) {
                    $0.store(seed, sealed: sealed)
                    $0.updatedAt = time
                }
                try audit(db, "seeded", user: seed.username, detail: "seed \(record.generation)", at: time)
                records[seed.username] = record
            }
        }
    }

    public func seed(_ username: String, secret: Secret, algorithm: OTPAlgorithm, digits: Int, period: Int) throws {
        try seed([NewSeed(username: username, secret: secret, algorithm: algorithm, digits: digits, period: period)])
    }

    /// Replaces a user's seed with a new one (a lost phone, a lost token, a revoked user back):
    /// the old seed is destroyed, the user goes back to `seeded` (enabled, unlocked, not active)
    /// for a new letter or token slot, and the generation counts up so exports and servers see
    /// a replacement. The recorded token and slot stay, to be reused when they still hold it.
    public func reissue(_ seed: NewSeed, reason: String?, forgetToken: Bool = false) throws -> RegisteredUser {
        let sealed = try seal(seed)
        let time = now()
        return try write { db in
            guard var record = try UserRecord.fetchOne(db, key: seed.username) else {
                throw RegisterError.unknownUser(seed.username)
            }
            let was = record.state
            if forgetToken { try retireDisplayToken(db, heldBy: seed.username, at: time, reason: reason) }
            try record.updateChanges(db) {
                $0.store(seed, sealed: sealed)
                $0.enabled = true
                $0.locked = false
                $0.failedAttempts = 0
                $0.lastStep = nil
                $0.drift = 0
                $0.activatedAt = nil
                $0.issuedAt = nil
                $0.generation += 1
                if forgetToken {
                    $0.tokenModel = nil
                    $0.tokenSerial = nil
                    $0.slot = nil
                    $0.slotLabel = nil
                }
                $0.updatedAt = time
            }
            try audit(
                db, "reissued", user: seed.username, detail: "seed \(record.generation), was \(was.rawValue)",
                reason: reason, at: time)
            return record.user
        }
    }

    /// Takes back a seed that never left the register (its token was not found): the user is
    /// pending again, with no seed and no planned slot.
    public func unseed(_ username: String, reason: String) throws {
        try update(username, action: "left-pending", detail: reason) { record in
            guard record.state == .seeded else { return false }
            record.sealedSeed = nil
            record.state = .pending
            return true
        }
    }

    /// Records the token, slot and slot name a user's seed is going to, before it is written.
    public func plan(
        _ username: String, tokenSerial: String, slot: Int, label: String, model: String? = nil
    ) throws {
        try update(username, action: "planned", detail: "token \(tokenSerial) slot \(slot)") {
            if let model { $0.tokenModel = model }
            $0.tokenSerial = tokenSerial
            $0.slot = slot
            $0.slotLabel = label
            return true
        }
    }

    /// Forgets the user's slot once it was erased (or found holding something else).
    public func clearSlot(_ username: String, detail: String) throws {
        try update(username, action: "slot-cleared", detail: detail) {
            $0.slot = nil
            return true
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
                    if [.programmed, .letterIssued].contains(state) { $0.issuedAt = time }
                    $0.updatedAt = time
                }
                try audit(db, state.rawValue, user: username, at: time)
                records[username] = record
            }
        }
    }

    public func setState(_ username: String, _ state: UserState, from allowed: [UserState]? = nil) throws {
        try setState([username], state, from: allowed)
    }

    /// Enables or disables a user; returns false when they already were. A revoked user is
    /// refused: only `reissue` gives them OTP again.
    @discardableResult
    public func setEnabled(_ username: String, _ enabled: Bool, reason: String? = nil) throws -> Bool {
        var revoked = false
        let changed = try update(username, action: enabled ? "enabled" : "disabled", reason: reason) { record in
            if record.state == .revoked {
                revoked = true
                return false
            }
            guard record.enabled != enabled else { return false }
            record.enabled = enabled
            return true
        }
        if revoked { throw RegisterError.revoked(username) }
        return changed
    }

    /// Records an accepted code: its step and the drift seen; wrong attempts start again at 0.
    public func recordActivation(_ username: String, step: UInt64, drift: Int) throws {
        let time = now()
        try update(username, action: "activated", detail: "step \(step), drift \(drift)") {
            $0.lastStep = step
            $0.drift = drift
            if $0.state != .active { $0.activatedAt = time }
            $0.state = .active
            $0.failedAttempts = 0
            return true
        }
    }

    /// Counts a wrong code; at `limit` wrong codes the user is locked. Returns the count and lock.
    public func recordFailedAttempt(_ username: String, limit: Int, detail: String) throws -> (Int, Bool) {
        var result = (0, false)
        try update(username, action: "code-refused", detail: detail) {
            $0.failedAttempts += 1
            if $0.failedAttempts >= limit { $0.locked = true }
            result = ($0.failedAttempts, $0.locked)
            return true
        }
        return result
    }

    /// Unlocks a user locked by wrong codes; returns false when they were not locked.
    @discardableResult
    public func unlock(_ username: String, reason: String?) throws -> Bool {
        try update(username, action: "unlocked", reason: reason) {
            guard $0.locked || $0.failedAttempts > 0 else { return false }
            $0.locked = false
            $0.failedAttempts = 0
            return true
        }
    }

    /// Revokes a user and destroys their sealed seed; a display token they hold is retired in the
    /// same transaction (its seed destroyed too). Returns false when they already were revoked.
    @discardableResult
    public func revoke(_ username: String, reason: String? = nil) throws -> Bool {
        _ = try requireKey()
        let time = now()
        return try write { db in
            guard var record = try UserRecord.fetchOne(db, key: username) else {
                throw RegisterError.unknownUser(username)
            }
            var changed = false
            if record.state != .revoked || record.sealedSeed != nil {
                try record.updateChanges(db) {
                    $0.state = .revoked
                    $0.sealedSeed = nil
                    $0.enabled = false
                    $0.updatedAt = time
                }
                try audit(db, "revoked", user: username, reason: reason, at: time)
                changed = true
            }
            try retireDisplayToken(db, heldBy: username, at: time, reason: reason)
            return changed
        }
    }

    /// Records what the authentication server now holds for the user (nil: nothing).
    public func recordServer(_ username: String, _ record: ServerRecord?, action: String) throws {
        try update(username, action: action, detail: record.map { "server token \($0.serial)" } ?? "server token removed") {
            $0.server = record
            return true
        }
    }

    // MARK: Server settings

    /// Where and how `push` reaches the authentication server, as remembered (never a password).
    public struct ServerSettings: Codable, Equatable, Sendable {
        public var url: String
        public var user: String
        public var realm: String
        /// The staff's user resolver; nil: the realm finds them.
        public var resolver: String?
        /// The absolute path of the PEM file of CAs that verify the server; nil: the system's.
        public var caFile: String?

        public init(url: String, user: String, realm: String, resolver: String? = nil, caFile: String? = nil) {
            self.url = url
            self.user = user
            self.realm = realm
            self.resolver = resolver
            self.caFile = caFile
        }

        /// For the audit log and messages: where, as whom, which realm, resolver and CA file.
        public var summary: String {
            "privacyIDEA \(url) as \(user), realm \(realm)" + (resolver.map { ", resolver \($0)" } ?? "")
                + (caFile.map { ", CA file \($0)" } ?? "")
        }
    }

    /// The privacyIDEA settings remembered in the register, if any.
    public func privacyIDEASettings() throws -> ServerSettings? {
        let stored = try read { db in
            try DatabaseValue.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'privacyidea'")
        }
        guard case .blob(let data)? = stored?.storage else { return nil }
        guard let settings = try? JSONDecoder().decode(ServerSettings.self, from: data) else {
            throw RegisterError.damaged(file: path, user: nil, column: "meta.privacyidea", .unreadable)
        }
        return settings
    }

    /// Remembers the privacyIDEA settings for later pushes and `issue --push privacyidea`.
    public func rememberPrivacyIDEA(_ settings: ServerSettings) throws {
        _ = try requireKey()
        let data = try JSONEncoder().encode(settings)
        let time = now()
        try write { db in
            try db.execute(
                sql: "INSERT INTO meta (key, value) VALUES ('privacyidea', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [data])
            try audit(
                db, "server-settings", user: nil, detail: settings.summary, at: time)
        }
    }

    // MARK: Token PINs

    /// The PIN TokenForge set on the token `serial`, opened with the register key.
    public func tokenPIN(_ serial: String) throws -> [UInt8]? {
        let key = try requireKey()
        let stored = try read { db in
            try DatabaseValue.fetchOne(db, sql: "SELECT sealed_pin FROM tokens WHERE serial = ?", arguments: [serial])
        }
        guard case .blob(let sealed)? = stored?.storage else { return nil }
        guard let bytes = key.open(Array(sealed), context: "token-pin:" + serial) else {
            throw RegisterError.damaged(file: path, user: nil, column: "tokens.sealed_pin", .unreadable)
        }
        return bytes
    }

    /// Keeps the PIN set on token `serial`, sealed, so later revokes and reissues can unlock it.
    public func storeTokenPIN(_ serial: String, _ pin: [UInt8]) throws {
        let sealed = try requireKey().seal(pin, context: "token-pin:" + serial)
        let time = now()
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO tokens (serial, sealed_pin, updated_at) VALUES (?, ?, ?)
                    ON CONFLICT (serial) DO UPDATE SET sealed_pin = excluded.sealed_pin, updated_at = excluded.updated_at
                    """, arguments: [serial, Data(sealed), time])
            try audit(db, "token-pin-set", user: nil, detail: "token \(serial)", at: time)
        }
    }

    /// Changes one user's row in one transaction, stamping `updated_at` and writing the audit
    /// entry, when `change` says it changed something. Returns whether it did.
    @discardableResult
    func update(
        _ username: String, action: String, detail: String = "", reason: String? = nil,
        _ change: (inout UserRecord) -> Bool
    ) throws -> Bool {
        _ = try requireKey()
        let time = now()
        return try write { db in
            guard var record = try UserRecord.fetchOne(db, key: username) else {
                throw RegisterError.unknownUser(username)
            }
            var changed = false
            try record.updateChanges(db) {
                changed = change(&$0)
                if changed { $0.updatedAt = time }
            }
            if changed { try audit(db, action, user: username, detail: detail, reason: reason, at: time) }
            return changed
        }
    }
}

extension UserRecord {
    /// Takes a sealed seed and its parameters; the user is then `seeded`.
    mutating func store(_ seed: Register.NewSeed, sealed: [UInt8]) {
        sealedSeed = sealed
        algorithm = seed.algorithm
        digits = seed.digits
        period = seed.period
        state = .seeded
    }
}
