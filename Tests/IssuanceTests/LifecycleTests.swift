import Foundation
import Issuance
import OTPCore
import Provisioning
import TestSupport
import Testing
import TokenDrivers
import TokenModel
import TokenTesting

/// What happens to users after their first issue: admins, reissue, lockout, state answers, audit.
struct LifecycleTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-life-\(UUID().uuidString)").path
    var path: String { directory + "/register.sqlite" }
    static let alice = "alice passphrase"
    static let bob = "bob passphrase"

    func register(admin: String? = "alice", passphrase: String = Self.alice) throws -> Register {
        try Register(path: path, passphrase: passphrase, admin: admin, newKey: .lowCost(), wait: .milliseconds(300))
    }

    func options(_ tokenPIN: IssueRun.TokenPINPolicy = .generate) throws -> IssueRun.Options {
        var options = IssueRun.Options(issuer: "ACME", outputDirectory: directory + "/out", letters: try LetterRenderer())
        options.exports = [.uris]
        options.tokenPIN = tokenPIN
        return options
    }

    func issued() throws -> (Register, VirtualTokenSource) {
        let register = try register()
        let tokens = VirtualTokenSource()
        try IssueRun(register: register, options: options(), tokens: tokens).run(
            try Roster.parse(SampleRoster.csv, file: "sample"))
        return (register, tokens)
    }

    // MARK: Admins

    @Test func twoAdminsOpenOneRegisterAndARemovedAdminNoLongerCan() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued()
        let seed = try register.seed(of: register.user("zmuller"))
        try register.addAdmin("bob", passphrase: Self.bob, parameters: .lowCost(), reason: "second shift")
        #expect(throws: RegisterError.adminExists("bob")) {
            try register.addAdmin("bob", passphrase: Self.bob, parameters: .lowCost())
        }
        #expect(throws: RegisterError.adminRequired(["alice", "bob"])) { try self.register(admin: nil) }
        let asBob = try self.register(admin: "bob", passphrase: Self.bob)
        #expect(try asBob.seed(of: asBob.user("zmuller")) == seed)
        #expect(throws: RegisterError.wrongPassphrase) { try self.register(admin: "bob", passphrase: Self.alice) }

        try asBob.removeAdmin("alice", reason: "left the team")
        #expect(throws: RegisterError.unknownAdmin("alice", known: ["bob"])) { try self.register(admin: "alice") }
        #expect(throws: RegisterError.lastAdmin("bob")) { try asBob.removeAdmin("bob") }
        let again = try self.register(admin: nil, passphrase: Self.bob)
        #expect(again.admin == "bob")
        #expect(try again.seed(of: again.user("zmuller")) == seed)
        let log = try again.log().filter { $0.action.hasPrefix("admin") }
        #expect(log.map(\.action) == ["admin-added", "admin-removed"])
        #expect(log.map(\.admin) == ["alice", "bob"])
        #expect(log.map(\.reason) == ["second shift", "left the team"])
    }

    @Test func anAdminNameOutsideTheRulesIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: RegisterError.invalidAdminName("al ice")) { try self.register(admin: "al ice") }
        let register = try register()
        #expect(throws: RegisterError.invalidAdminName("")) { try register.addAdmin("", passphrase: Self.bob) }
    }

    // MARK: Audit

    @Test func everyChangeIsLoggedWithTheAdminAndReason() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued()
        try register.setEnabled("zmuller", false, reason: "on leave")
        let actions = try register.log("zmuller").map(\.action)
        #expect(actions == ["added", "seeded", "letter-issued", "exported", "disabled"])
        let last = try #require(try register.log("zmuller").last)
        #expect(last.admin == "alice")
        #expect(last.reason == "on leave")
        #expect(!last.osUser.isEmpty)
        #expect(try register.log("bkeller").map(\.action).contains("planned"))
    }

    // MARK: State answers

    @Test func stateChangesSayWhenNothingChangedAndRefuseARevokedUser() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued()
        #expect(try register.setEnabled("zmuller", false))
        #expect(try !register.setEnabled("zmuller", false))
        #expect(try register.revoke("zmuller"))
        #expect(try !register.revoke("zmuller"))
        #expect(throws: RegisterError.revoked("zmuller")) { try register.setEnabled("zmuller", true) }
        #expect(throws: UserActivation.Failure.revoked("zmuller")) {
            try UserActivation.activate("zmuller", code: "000000", at: 1_800_000_000, in: register)
        }
    }

    // MARK: Activation

    @Test func fiveWrongCodesLockTheUserUntilUnlocked() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued()
        let generator = try TOTPGenerator(secret: register.seed(of: register.user("zmuller")))
        let now: Int64 = 1_800_000_000
        let good = try generator.code(at: now)
        let wrong = good == "000000" ? "111111" : "000000"
        for left in (0...4).reversed() {
            #expect(throws: UserActivation.Failure.rejected("zmuller", attemptsLeft: left)) {
                try UserActivation.activate("zmuller", code: wrong, at: now, in: register)
            }
        }
        #expect(throws: UserActivation.Failure.locked("zmuller", attempts: 5)) {
            try UserActivation.activate("zmuller", code: good, at: now, in: register)
        }
        #expect(try register.unlock("zmuller", reason: "checked by phone"))
        #expect(try !register.unlock("zmuller", reason: nil))
        let spaced = String(good.prefix(3)) + " " + String(good.suffix(3))
        #expect(
            try UserActivation.activate("zmuller", code: spaced, at: now, in: register)
                == .activated(step: UInt64(now / 30), drift: 0, wasActive: false))
        #expect(try register.user("zmuller").failedAttempts == 0)
        let next = try generator.code(at: now + 30)
        let dashed = String(next.prefix(3)) + "-" + String(next.suffix(3))
        #expect(
            try UserActivation.activate("zmuller", code: dashed, at: now + 30, in: register)
                == .activated(step: UInt64(now / 30) + 1, drift: 0, wasActive: true))
    }

    @Test func theWindowIsCappedAndAClockFarOffIsNamed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued()
        let generator = try TOTPGenerator(secret: register.seed(of: register.user("crochat")))
        let now: Int64 = 1_800_000_000
        #expect(throws: UserActivation.Failure.windowOutOfRange(1_000_000)) {
            try UserActivation.activate("crochat", code: "000000", at: now, in: register, window: 1_000_000)
        }
        #expect(throws: UserActivation.Failure.clockOff("crochat", seconds: -90, window: 3, attemptsLeft: 4)) {
            try UserActivation.activate("crochat", code: generator.code(at: now - 75), at: now, in: register)
        }
        #expect(
            "\(UserActivation.Failure.clockOff("crochat", seconds: -90, window: 3, attemptsLeft: 4))"
                == "the code is not valid for crochat now, but it is for 90 s earlier: the device's clock seems 90 s slow; set it right, or accept it with --window 3 (4 attempts left)"
        )
        #expect(
            try UserActivation.activate("crochat", code: generator.code(at: now - 75), at: now, in: register, window: 3)
                == .activated(step: UInt64(now / 30) - 3, drift: -3, wasActive: false))
    }

    // MARK: Reissue

    @Test func reissuingAnAppUserReplacesTheSeedAndWritesANewLetter() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, tokens) = try issued()
        let old = try register.seed(of: register.user("zmuller"))
        let now: Int64 = 1_800_000_000
        _ = try UserActivation.activate(
            "zmuller", code: TOTPGenerator(secret: old).code(at: now), at: now, in: register)
        try register.revoke("zmuller", reason: "phone lost")
        let letter = directory + "/out/letters/zmuller.de.html"
        let oldLetter = try String(contentsOfFile: letter, encoding: .utf8)
        try IssueRun(register: register, options: options(), tokens: tokens).reissue("zmuller", reason: "new phone")
        let user = try register.user("zmuller")
        #expect(user.state == .exported)
        #expect(user.enabled)
        #expect(user.generation == 2)
        #expect(user.activatedAt == nil)
        let new = try register.seed(of: user)
        #expect(new != old)
        #expect(try String(contentsOfFile: letter, encoding: .utf8) != oldLetter)
        let exported = try String(contentsOfFile: try ExportDirectories.latest(directory + "/out/exports") + "/otpauth-uris.txt", encoding: .utf8)
        #expect(exported.contains(Base32.encode(new.withUnsafeBytes { Array($0) }).replacingOccurrences(of: "=", with: "")))
        #expect(throws: UserActivation.Failure.self) {
            try UserActivation.activate(
                "zmuller", code: TOTPGenerator(secret: old).code(at: now + 60), at: now + 60, in: register, window: 0)
        }
        #expect(
            try UserActivation.activate(
                "zmuller", code: TOTPGenerator(secret: new).code(at: now + 60), at: now + 60, in: register, window: 0)
                == .activated(step: UInt64(now / 30) + 2, drift: 0, wasActive: false))
        #expect(
            try register.log("zmuller").map(\.action).suffix(5) == [
                "reissued", "letter-issued", "exported", "code-refused", "activated",
            ])
    }

    @Test func reissuingATokenUserReprogramsTheRecordedSlot() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, tokens) = try issued()
        let before = try register.user("bkeller")
        try IssueRun(register: register, options: options(), tokens: tokens).reissue("bkeller", reason: "broken token")
        let after = try register.user("bkeller")
        #expect(after.tokenSerial == before.tokenSerial)
        #expect(after.slot == before.slot)
        let serial = try #require(after.tokenSerial)
        let driver = try #require(tokens.drivers[serial])
        #expect(try driver.slots().count == 1)
        let expected = try TOTPGenerator(secret: register.seed(of: after)).code(at: 1_800_000_000)
        #expect(try driver.calculate(SlotIndex(after.slot!), at: 1_800_000_000).code == expected)
    }

    // MARK: Token PINs

    @Test func eachNewTokenGetsItsOwnPINOnASlipAndTheRegisterKeepsItSealed() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, tokens) = try issued()
        var pins: Set<[UInt8]> = []
        for username in ["bkeller", "mfavre"] {
            let user = try register.user(username)
            let serial = try #require(user.tokenSerial)
            let pin = try #require(try register.tokenPIN(serial))
            pins.insert(pin)
            let slip = try String(
                contentsOfFile: directory + "/out/pins/\(username).\(user.entry.language.rawValue).txt", encoding: .utf8)
            #expect(slip.contains(String(decoding: pin, as: UTF8.self)))
            #expect(slip.contains(serial))
            let attributes = try FileManager.default.attributesOfItem(
                atPath: directory + "/out/pins/\(username).\(user.entry.language.rawValue).txt")
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(throws: TokenError.self) { try tokens.drivers[serial]!.verifyPIN(PIN("000000000")) }
            try tokens.drivers[serial]!.verifyPIN(PIN(bytes: pin))
        }
        #expect(pins.count == 2)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        for pin in pins { #expect(raw.range(of: Data(pin)) == nil) }
    }

    @Test func aPINChosenAtHandoverIsSetOnTheToken() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        let tokens = VirtualTokenSource()
        var asked: [String] = []
        let roster = try Roster.parse(SampleRoster.csv, file: "sample").filter { $0.username == "bkeller" }
        let summary = try IssueRun(
            register: register,
            options: options(
                .ask { name, _ in
                    asked.append(name)
                    return PIN("97531")
                }), tokens: tokens
        ).run(roster)
        #expect(asked == ["Bruno Keller"])
        #expect(summary.pinSlips.keys.sorted() == ["bkeller"])
        #expect(summary.pinSlips["bkeller"] == .some(nil))
        try tokens.drivers["TFDEMO0001"]!.verifyPIN(PIN("97531"))
        #expect(!FileManager.default.fileExists(atPath: directory + "/out/pins"))
    }

    // MARK: Roster against the register

    @Test func aRosterThatChangesKnownUsersIsRefusedUnlessUpdating() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, tokens) = try issued()
        let changed = try Roster.parse(
            SampleRoster.csv.replacingOccurrences(of: "zoe.muller@example.org,de", with: "zoe.mueller@example.org,fr"),
            file: "sample")
        #expect {
            try IssueRun(register: register, options: options(), tokens: tokens).run(changed)
        } throws: { error in
            "\(error)".contains("zmuller: email \"zoe.muller@example.org\" → \"zoe.mueller@example.org\"")
                && "\(error)".contains("zmuller: language \"de\" → \"fr\"") && "\(error)".contains("--update")
        }
        #expect(try register.user("zmuller").entry.email == "zoe.muller@example.org")
        var updating = try options()
        updating.update = true
        try IssueRun(register: register, options: updating, tokens: tokens).run(changed)
        #expect(try register.user("zmuller").entry.email == "zoe.mueller@example.org")
        #expect(try register.log("zmuller").last?.action == "updated")
    }

    @Test func aCaseVariantOfAKnownUserIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, tokens) = try issued()
        let variant = try Roster.parse(
            "username,display_name,email,language,method\nZmuller,Zoë Müller,zoe2@example.org,de,app\n", file: "r.csv")
        #expect {
            try IssueRun(register: register, options: options(), tokens: tokens).run(variant)
        } throws: { error in
            "\(error)" == "roster user Zmuller differs only by case from zmuller in the register: use the same spelling"
        }
        #expect(try !register.contains("Zmuller"))
    }

    @Test func anEmptyIssuerIsRefusedBeforeAnythingIsWritten() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        var unnamed = try options()
        unnamed.issuer = ""
        #expect(throws: IssueRun.IssueError.self) {
            try IssueRun(register: register, options: unnamed, tokens: nil).run(
                try Roster.parse(SampleRoster.csv, file: "sample"))
        }
        #expect(try register.users().isEmpty)
    }

    // MARK: Exports

    @Test func theEntraExportCarriesPrincipalNamesAndAMakerAndModelOnEveryRow() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let register = try register()
        var options = try options()
        options.exports = [.entra]
        let lines = SampleRoster.csv.split(separator: "\n").enumerated().map { index, line in
            index == 0 ? line + ",upn" : line.hasPrefix("zmuller,") ? line + ",zmuller@corp.example.org" : line + ","
        }
        let roster = try Roster.parse(lines.joined(separator: "\n") + "\n", file: "sample")
        try IssueRun(register: register, options: options, tokens: VirtualTokenSource()).run(roster)
        let csv = try String(contentsOfFile: try ExportDirectories.latest(directory + "/out/exports") + "/entra-oath-tokens.csv", encoding: .utf8)
        let rows = csv.split(separator: "\r\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 6)
        let byUPN = Dictionary(uniqueKeysWithValues: rows.map { (String($0[0]), $0) })
        #expect(Set(byUPN.keys) == [
            "zmuller@corp.example.org", "claire.rochat@example.org", "luca.rossi@example.org", "asha.patel@example.org",
            "bruno.keller@example.org", "marie.favre@example.org",
        ])
        #expect(byUPN["luca.rossi@example.org"]?[4...5] == ["TokenForge", "Microsoft Authenticator"])
        #expect(byUPN["bruno.keller@example.org"]?[4...5] == ["TokenForge", "TokenForge spec token"])
        #expect(rows.allSatisfy { !$0[4].isEmpty && !$0[5].isEmpty })
    }
}
