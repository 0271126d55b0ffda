import Foundation
import GRDB
import Issuance
import OTPCore
import Testing

struct RegisterTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-register-\(UUID().uuidString)")
        .path
    var path: String { directory + "/register.sqlite" }
    static let passphrase = "correct horse battery"
    static let time: Int64 = 1_800_000_000
    static let secret = Secret(bytes: Array("12345678901234567890".utf8))
    static let zoe = RosterEntry(
        username: "zmuller", displayName: "Zoë Müller", email: "zoe.muller@example.org", language: .de, method: .app,
        appProfile: .microsoft)
    static let luca = RosterEntry(
        username: "lrossi", displayName: "Luca Rossi", email: "luca.rossi@example.org", language: .it, method: .token)

    func register(at time: Int64 = Self.time) throws -> Register {
        try Register(
            path: path, passphrase: Self.passphrase, newKey: .lowCost(), now: { time }, wait: .milliseconds(300))
    }

    /// A register with zmuller seeded (SHA256, 8 digits, 60 s) and lrossi pending.
    func seededRegister() throws -> Register {
        let register = try register()
        try register.add([Self.zoe, Self.luca])
        try register.seed("zmuller", secret: Self.secret, algorithm: .sha256, digits: 8, period: 60)
        return register
    }

    /// Changes the file behind the register's back, as another program or a damaged disk would.
    func tamper(_ sql: String) throws {
        try DatabaseQueue(path: path).write { try $0.execute(sql: sql) }
    }

    @Test func aUserReadsBackWithEveryColumnAsWritten() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        try register.plan("zmuller", tokenSerial: "TF00012345", slot: 3, label: "ACME:zoe.muller@example.org")
        try register.recordActivation("zmuller", step: 30_000_000, drift: -1)

        let user = try Register(path: path, passphrase: Self.passphrase).user("zmuller")
        var entry = Self.zoe
        entry.tokenSerial = "TF00012345"
        #expect(user.entry == entry)
        #expect(user.state == .active)
        #expect(user.enabled)
        #expect(user.algorithm == .sha256)
        #expect(user.digits == 8)
        #expect(user.period == 60)
        #expect(user.tokenSerial == "TF00012345")
        #expect(user.slot == 3)
        #expect(user.slotLabel == "ACME:zoe.muller@example.org")
        #expect(user.drift == -1)
        #expect(user.lastStep == 30_000_000)
        #expect(user.updatedAt == Self.time)
        #expect(try register.seed(of: user) == Self.secret)
    }

    @Test func aNewUserIsPendingWithoutSeedOrToken() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        let user = try register.user("lrossi")
        #expect(user.entry == Self.luca)
        #expect(user.state == .pending)
        #expect(user.enabled)
        #expect(user.sealedSeed == nil)
        #expect(user.algorithm == .sha1)
        #expect(user.digits == 6)
        #expect(user.period == 30)
        #expect(user.slot == nil)
        #expect(user.drift == 0)
        #expect(user.lastStep == nil)
        #expect(try register.users().map(\.entry.username) == ["lrossi", "zmuller"])
    }

    @Test func changesAreStampedWithTheInjectedClock() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try seededRegister()
        let later = try register(at: Self.time + 3_600)
        try later.setEnabled("lrossi", false)
        #expect(try later.user("lrossi").updatedAt == Self.time + 3_600)
        #expect(try later.user("zmuller").updatedAt == Self.time)
    }

    @Test func revokingDestroysTheSealedSeed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        try register.revoke("zmuller")
        let user = try register.user("zmuller")
        #expect(user.state == .revoked)
        #expect(!user.enabled)
        #expect(user.sealedSeed == nil)
        #expect(throws: RegisterError.noSeed("zmuller")) { try register.seed(of: user) }
    }

    @Test func aUserSeededTwiceInOneBatchKeepsTheFirstSeed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        try register.add(Self.zoe)
        let other = Secret(bytes: Array("abcdefghijabcdefghij".utf8))
        try register.seed([
            Register.NewSeed(username: "zmuller", secret: Self.secret, algorithm: .sha1, digits: 6, period: 30),
            Register.NewSeed(username: "zmuller", secret: other, algorithm: .sha256, digits: 8, period: 60),
        ])
        let user = try register.user("zmuller")
        #expect(try register.seed(of: user) == Self.secret)
        #expect(user.algorithm == .sha1)
    }

    @Test func aStateChangeFromAllowedStatesSkipsUsersInOthers() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        try register.setState(["zmuller", "lrossi", "nobody"], .letterIssued, from: [.seeded])
        #expect(try register.user("zmuller").state == .letterIssued)
        #expect(try register.user("lrossi").state == .pending)
        #expect(throws: RegisterError.unknownUser("nobody")) { try register.setState(["nobody"], .active) }
    }

    struct Damage: Sendable, CustomTestStringConvertible {
        let assignment: String
        let column: String
        let damage: RegisterError.Damage
        var testDescription: String { assignment }
    }

    static let damages: [Damage] = [
        Damage(assignment: "state = 'zombie'", column: "state", damage: .unknownValue),
        Damage(assignment: "algorithm = 'MD5'", column: "algorithm", damage: .unknownValue),
        Damage(assignment: "language = 'xx'", column: "language", damage: .unknownValue),
        Damage(assignment: "method = 'sms'", column: "method", damage: .unknownValue),
        Damage(assignment: "app_profile = 'authy'", column: "app_profile", damage: .unknownValue),
        Damage(
            assignment: "digits = 'six'", column: "digits", damage: .wrongType(expected: .integer, found: .text)),
        Damage(assignment: "drift = 2.5", column: "drift", damage: .wrongType(expected: .integer, found: .real)),
        Damage(
            assignment: "sealed_seed = 'sealed'", column: "sealed_seed",
            damage: .wrongType(expected: .blob, found: .text)),
        Damage(
            assignment: "display_name = x'00ff'", column: "display_name",
            damage: .wrongType(expected: .text, found: .blob)),
        Damage(assignment: "last_step = -5", column: "last_step", damage: .outOfRange(-5, allowed: 0...Int64.max)),
        Damage(assignment: "slot = 300", column: "slot", damage: .outOfRange(300, allowed: 0...254)),
        Damage(assignment: "digits = 4", column: "digits", damage: .outOfRange(4, allowed: 6...10)),
        Damage(assignment: "period = 0", column: "period", damage: .outOfRange(0, allowed: 1...4_294_967_295)),
        Damage(assignment: "enabled = 2", column: "enabled", damage: .outOfRange(2, allowed: 0...1)),
    ]

    @Test(arguments: damages)
    func aDamagedRowIsAnErrorNamingTheFileUserAndColumn(_ damage: Damage) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        try tamper("UPDATE users SET \(damage.assignment) WHERE username = 'zmuller'")
        let expected = RegisterError.damaged(file: path, user: "zmuller", column: damage.column, damage.damage)
        #expect(throws: expected) { try register.user("zmuller") }
        #expect(throws: expected) { try register.users() }
        #expect(throws: expected) { try register.users(named: ["lrossi", "zmuller"]) }
        #expect(throws: expected) { try register.setEnabled("zmuller", false) }
        #expect(throws: expected) { try Register(path: path, passphrase: nil).users() }
        #expect(try register.user("lrossi").state == .pending)
    }

    @Test func theDamageMessageSaysWhatIsWrongAndWhatToDo() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        try tamper("UPDATE users SET state = 'zombie' WHERE username = 'zmuller'")
        let error = try #require(throws: RegisterError.self) { try register.user("zmuller") }
        #expect(
            error.description
                == "\(path) is damaged: column state of user zmuller holds a value TokenForge does not know; "
                + "restore the register from a backup")
    }

    @Test(arguments: ["state = sealed_seed", "digits = hex(sealed_seed)"])
    func theDamageMessageHoldsNoSeedBytes(_ assignment: String) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        let sealed = try #require(try register.user("zmuller").sealedSeed)
        try tamper("UPDATE users SET \(assignment) WHERE username = 'zmuller'")
        let error = try #require(throws: RegisterError.self) { try register.users() }
        let text = error.description
        let hex = sealed.map { String(format: "%02X", $0) }.joined()
        #expect(!text.uppercased().contains(hex))
        #expect(!text.contains(Data(sealed).base64EncodedString()))
        #expect(!text.contains(String(decoding: sealed.prefix(8), as: UTF8.self)))
        #expect(!text.contains("12345678901234567890"))
        #expect(!text.contains("\(sealed.count) bytes"))
    }

    @Test func damagedKeyParametersAreAnErrorNotAFreshKey() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try seededRegister()
        try tamper("UPDATE admins SET kdf = x'7b7d'")
        #expect(throws: RegisterError.damaged(file: path, user: nil, column: "admins.kdf", .unreadable)) {
            try Register(path: path, passphrase: Self.passphrase)
        }
    }

    @Test func aMissingPassphraseCheckIsDamageNotAWrongPassphrase() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try seededRegister()
        try tamper("DELETE FROM meta WHERE key = 'check'")
        #expect(throws: RegisterError.damaged(file: path, user: nil, column: "meta.check", .missing)) {
            try Register(path: path, passphrase: Self.passphrase)
        }
    }

    @Test func aRegisterLockedByAnotherProcessIsInUse() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try seededRegister()
        let other = try DatabaseQueue(path: path)
        try other.inTransaction(.exclusive) { _ in
            #expect(throws: RegisterError.inUse(file: path)) { try register.users() }
            #expect(throws: RegisterError.inUse(file: path)) { try register.setEnabled("zmuller", false) }
            #expect(throws: RegisterError.inUse(file: path)) {
                try Register(path: path, passphrase: nil, wait: .milliseconds(200)).users()
            }
            #expect(throws: RegisterError.inUse(file: path)) {
                try Register(path: path, passphrase: Self.passphrase, wait: .milliseconds(200))
            }
            return .rollback
        }
        #expect(try register.user("zmuller").enabled)
    }

    @Test func aFileThatIsNotADatabaseIsNotARegister() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4_096).write(to: URL(fileURLWithPath: path))
        #expect(throws: RegisterError.notARegister(path)) { try Register(path: path, passphrase: Self.passphrase) }
        #expect(throws: RegisterError.notARegister(path)) { try Register(path: path, passphrase: nil) }
    }

    @Test func aLowCostRegisterOpensWithItsStoredParametersAndRefusesAWrongPassphrase() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try seededRegister()
        let reopened = try Register(path: path, passphrase: Self.passphrase)
        #expect(try reopened.seed(of: reopened.user("zmuller")) == Self.secret)
        #expect(throws: RegisterError.wrongPassphrase) { try Register(path: path, passphrase: "not the passphrase") }
    }
}
