import Foundation
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
        try Register(path: path, passphrase: Self.passphrase, newKey: .lowCost(), now: { time })
    }

    /// A register with zmuller seeded (SHA256, 8 digits, 60 s) and lrossi pending.
    func seededRegister() throws -> Register {
        let register = try register()
        try register.add([Self.zoe, Self.luca])
        try register.seed("zmuller", secret: Self.secret, algorithm: .sha256, digits: 8, period: 60)
        return register
    }

    @Test func changesAreStampedWithTheInjectedClock() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try seededRegister()
        let later = try register(at: Self.time + 3_600)
        try later.setEnabled("lrossi", false)
        #expect(try later.user("lrossi").updatedAt == Self.time + 3_600)
        #expect(try later.user("zmuller").updatedAt == Self.time)
    }

    @Test func aLowCostRegisterOpensWithItsStoredParametersAndRefusesAWrongPassphrase() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try seededRegister()
        let reopened = try Register(path: path, passphrase: Self.passphrase)
        #expect(try reopened.seed(of: reopened.user("zmuller")) == Self.secret)
        #expect(throws: RegisterError.wrongPassphrase) { try Register(path: path, passphrase: "not the passphrase") }
    }
}
