import Foundation
import GRDB
import Issuance
import OTPCore
import Testing

/// The register's inventory of display tokens: sealed seeds, checked rows, one holder each,
/// retired with their user.
struct DisplayTokenRegisterTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-display-\(UUID().uuidString)")
        .path
    var path: String { directory + "/register.sqlite" }
    static let passphrase = "correct horse battery"
    static let time: Int64 = 1_800_000_000
    static let secret = Secret(bytes: Array("12345678901234567890123456789012".utf8))
    static let token = NewDisplayToken(
        serial: "FT0001", manufacturer: "Feitian", model: "c200", kind: .totp(period: 60), algorithm: .sha256,
        digits: 8, secret: secret)
    static let luca = RosterEntry(
        username: "lrossi", displayName: "Luca Rossi", email: "luca.rossi@example.org", language: .it, method: .token,
        tokenSerial: "FT0001")
    static let bruno = RosterEntry(
        username: "bkeller", displayName: "Bruno Keller", email: "bruno.keller@example.org", language: .de,
        method: .token, tokenSerial: "FT0001")

    func register() throws -> Register {
        try Register(
            path: path, passphrase: Self.passphrase, newKey: .lowCost(), now: { Self.time }, wait: .milliseconds(300))
    }

    func tamper(_ sql: String) throws {
        try DatabaseQueue(path: path).write { try $0.execute(sql: sql) }
    }

    @Test func anAssignedTokenGivesItsUserItsSeedAndParameters() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        try register.importDisplayTokens([Self.token], file: "vendor.pskc")
        try register.add([Self.luca, Self.bruno])
        let user = try register.assignDisplayToken("FT0001", to: "lrossi")
        #expect(user.state == .programmed)
        #expect(user.algorithm == .sha256 && user.digits == 8 && user.period == 60)
        #expect(user.tokenSerial == "FT0001" && user.slot == nil && user.tokenModel == "Feitian c200")
        #expect(try register.seed(of: register.user("lrossi")) == Self.secret)
        #expect(try register.displayToken("FT0001")?.status == .assigned(to: "lrossi", at: Self.time))
        #expect(try register.assignDisplayToken("FT0001", to: "lrossi") == register.user("lrossi"), "a resumed run")
        #expect(throws: DisplayTokenError.assigned(serial: "FT0001", holder: "lrossi", user: "bkeller")) {
            try register.assignDisplayToken("FT0001", to: "bkeller")
        }
        #expect(try register.user("bkeller").state == .pending)
    }

    @Test func theSeedIsStoredOnlySealed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let register = try register()
            try register.importDisplayTokens([Self.token], file: "vendor.pskc")
            #expect(try register.seed(ofDisplayToken: "FT0001") == Self.secret)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.range(of: Data("12345678901234567890123456789012".utf8)) == nil)
    }

    @Test func aSerialAlreadyInTheInventoryRefusesTheWholeImport() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        try register.importDisplayTokens([Self.token], file: "first.pskc")
        let other = NewDisplayToken(
            serial: "FT0002", manufacturer: nil, model: nil, kind: .hotp(counter: 0), algorithm: .sha1, digits: 6,
            secret: Self.secret)
        #expect(throws: DisplayTokenError.alreadyImported(file: "second.pskc", serial: "FT0001", from: "first.pskc")) {
            try register.importDisplayTokens([other, Self.token], file: "second.pskc")
        }
        #expect(try register.displayTokens().map(\.serial) == ["FT0001"])
    }

    @Test(arguments: [
        ("digits = 99", "digits", RegisterError.Damage.outOfRange(99, allowed: 6...10)),
        ("algorithm = 'MD5'", "algorithm", .unknownValue),
        ("period = NULL", "period", .unreadable),
        ("sealed_seed = NULL", "sealed_seed", .missing),
        ("imported_at = 'yesterday'", "imported_at", .wrongType(expected: .integer, found: .text)),
    ])
    func aDamagedInventoryRowIsAnErrorNamingTheToken(assignment: String, column: String, damage: RegisterError.Damage)
        throws
    {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try register().importDisplayTokens([Self.token], file: "vendor.pskc")
        try tamper("UPDATE display_tokens SET \(assignment) WHERE serial = 'FT0001'")
        #expect(
            throws: RegisterError.damaged(
                file: path, user: nil, column: "display_tokens (token FT0001).\(column)", damage)
        ) { try register().displayTokens() }
    }

    @Test func revokingItsUserRetiresTheTokenAndDestroysItsSeed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        try register.importDisplayTokens([Self.token], file: "vendor.pskc")
        try register.add([Self.luca])
        try register.assignDisplayToken("FT0001", to: "lrossi")
        #expect(try register.revoke("lrossi", reason: "left"))
        #expect(try register.displayToken("FT0001")?.status == .retired(at: Self.time, user: "lrossi"))
        #expect(try register.seed(ofDisplayToken: "FT0001") == nil)
        #expect(try register.displayToken(heldBy: "lrossi") == nil)
        let token = try #require(try register.displayToken("FT0001"))
        #expect(Register.assignmentProblem(token, to: "bkeller") == .retired(serial: "FT0001", user: "bkeller"))
        #expect(try register.log("lrossi").map(\.action).suffix(2) == ["revoked", "display-token-retired"])
    }

    @Test func aRegisterFromBeforeTheInventoryGetsItWhenOpenedForAChange() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try register().add([Self.luca])
        try tamper("DROP TABLE display_tokens; DELETE FROM grdb_migrations WHERE identifier = 'v5: display tokens'")
        #expect(try Register(path: path, passphrase: nil).displayTokens().isEmpty, "read-only: no table, no tokens")
        try register().importDisplayTokens([Self.token], file: "vendor.pskc")
        #expect(try Register(path: path, passphrase: nil).displayTokens().map(\.serial) == ["FT0001"])
    }
}
