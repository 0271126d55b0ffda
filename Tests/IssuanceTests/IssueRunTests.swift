import Exports
import Foundation
import Issuance
import OTPCore
import Provisioning
import TestSupport
import Testing
import TokenDrivers
import TokenModel
import TokenTesting

struct IssueRunTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-issue-\(UUID().uuidString)").path
    static let passphrase = "correct horse battery"

    func register() throws -> Register {
        try Register(path: directory + "/register.sqlite", passphrase: Self.passphrase, newKey: .lowCost())
    }

    func options() throws -> IssueRun.Options {
        var options = IssueRun.Options(
            issuer: "ACME", outputDirectory: directory + "/out", letters: try LetterRenderer())
        options.exports = Set(IssueRun.ExportFormat.allCases)
        options.exportPassphrase = "export passphrase"
        options.pskcIterations = 1_000
        return options
    }

    @Test func issuesLettersTokensAndExportsThatDecryptToTheRegistersSeeds() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        let tokens = VirtualTokenSource()
        let roster = try Roster.parse(SampleRoster.csv, file: "sample")
        try IssueRun(register: register, options: options(), tokens: tokens).run(roster)

        let users = try register.users()
        #expect(users.allSatisfy { $0.state == .exported })
        for user in users where user.entry.method == .app {
            let letter = directory + "/out/letters/\(user.entry.username).\(user.entry.language.rawValue).html"
            let attributes = try FileManager.default.attributesOfItem(atPath: letter)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(try String(contentsOfFile: letter, encoding: .utf8).contains(user.entry.displayName))
        }
        let pskc = try String(contentsOfFile: try ExportDirectories.latest(directory + "/out/exports") + "/seeds.pskc", encoding: .utf8)
        let keys = try PSKCDocument.decrypt(xml: pskc, password: "export passphrase")
        #expect(keys.count == 6)
        for user in users {
            let key = try #require(keys.first { $0.serial == (user.tokenSerial ?? "APP-\(user.entry.username)") })
            #expect(key.secret == (try register.seed(of: user)))
        }
        for (serial, driver) in tokens.drivers {
            let user = try #require(users.first { $0.tokenSerial == serial })
            let expected = try TOTPGenerator(secret: register.seed(of: user)).code(at: 1_800_000_000)
            #expect(try driver.calculate(SlotIndex(user.slot!), at: 1_800_000_000).code == expected)
        }
    }

    @Test func theRegisterHoldsSeedsOnlySealed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        let roster = try Roster.parse(SampleRoster.csv, file: "sample").filter { $0.method == .app }
        try IssueRun(register: register, options: options(), tokens: nil).run(roster)
        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: register.path)))
        for user in try register.users() {
            let seed = try register.seed(of: user).withUnsafeBytes { Array($0) }
            #expect(!(0...(file.count - seed.count)).contains { file[$0..<($0 + seed.count)].elementsEqual(seed) })
        }
        #expect(throws: RegisterError.wrongPassphrase) {
            try Register(path: register.path, passphrase: "not the passphrase")
        }
    }

    @Test func anUnfinishedRunNeedsResumeAndKeepsItsSeeds() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        let roster = try Roster.parse(SampleRoster.csv, file: "sample").filter { $0.method == .app }
        try register.add(roster[0])
        try register.seed(
            roster[0].username, secret: Secret(bytes: Array("12345678901234567890".utf8)), algorithm: .sha1, digits: 6,
            period: 30)
        #expect(throws: IssueRun.IssueError.self) {
            try IssueRun(register: register, options: options(), tokens: nil).run(roster)
        }
        var resuming = try options()
        resuming.resume = true
        try IssueRun(register: register, options: resuming, tokens: nil).run(roster)
        #expect(
            try register.seed(of: register.user(roster[0].username))
                == Secret(bytes: Array("12345678901234567890".utf8)))
    }

    @Test func revokedAndDisabledUsersAreLeftOutOfExports() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        let roster = try Roster.parse(SampleRoster.csv, file: "sample").filter { $0.method == .app }
        try IssueRun(register: register, options: options(), tokens: nil).run(roster)
        try register.revoke("zmuller")
        try register.setEnabled("lrossi", false)
        #expect(throws: RegisterError.noSeed("zmuller")) { try register.seed(of: register.user("zmuller")) }
        try IssueRun(register: register, options: options(), tokens: nil).run(roster)
        let uris = try String(contentsOfFile: try ExportDirectories.latest(directory + "/out/exports") + "/otpauth-uris.txt", encoding: .utf8)
        #expect(!uris.contains("zoe.muller"))
        #expect(!uris.contains("luca.rossi"))
        #expect(uris.contains("claire.rochat"))
    }

    @Test func activationChecksTheFirstCodeAndRefusesAReplay() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        let roster = try Roster.parse(SampleRoster.csv, file: "sample").filter { $0.method == .app }
        #expect(throws: RegisterError.unknownUser("zmuller")) {
            try UserActivation.activate("zmuller", code: "000000", at: 0, in: register)
        }
        try IssueRun(register: register, options: options(), tokens: nil).run(roster)
        let user = try register.user("zmuller")
        let generator = try TOTPGenerator(secret: register.seed(of: user))
        let now: Int64 = 1_800_000_000
        #expect(throws: UserActivation.Failure.clockOff("zmuller", seconds: 300, window: 10, attemptsLeft: 4)) {
            try UserActivation.activate("zmuller", code: generator.code(at: now + 300), at: now, in: register)
        }
        let late = try generator.code(at: now - 30)
        #expect(
            try UserActivation.activate("zmuller", code: late, at: now, in: register)
                == .activated(step: 59_999_999, drift: -1, wasActive: false))
        #expect(throws: UserActivation.Failure.replayed("zmuller")) {
            try UserActivation.activate("zmuller", code: late, at: now, in: register)
        }
        #expect(try register.user("zmuller").state == .active)
        #expect(try register.user("zmuller").drift == -1)
    }

    @Test func aDryRunPlanWritesNothing() throws {
        let roster = try Roster.parse(SampleRoster.csv, file: "sample")
        let plan = try IssueRun.plan(roster, register: nil)
        #expect(plan.map(\.username) == roster.map(\.username))
        #expect(plan[0].action == "new seed, QR code and de letter")
        #expect(plan[4].action == "new seed programmed into token TFDEMO0001")
        #expect(!FileManager.default.fileExists(atPath: directory))
    }
}
