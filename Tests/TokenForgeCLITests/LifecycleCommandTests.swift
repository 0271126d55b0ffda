import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing

/// The rollout after the first `issue`, as administrators run it: two at once, a token missing,
/// a slot reused before a revoke, users' states and the audit log.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct LifecycleCommandTests {
    static let roster = """
        username,display_name,email,language,method,app,token_serial
        zmuller,Zoë Müller,zoe.muller@example.org,de,app,,
        crochat,Claire Rochat,claire.rochat@example.org,fr,app,microsoft,
        bkeller,Bruno Keller,bruno.keller@example.org,de,token,,TFEMU0001
        mfavre,Marie Favre,marie.favre@example.org,fr,token,,TFEMU0002

        """

    static let environment = [
        "TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase", "TOKENFORGE_TOKEN_PIN": "123456",
    ]

    func register(_ emulator: EmulatorHarness) -> [String] { ["--register", emulator.directory.path("register.sqlite")] }

    func issueArguments(_ emulator: EmulatorHarness, roster: String = Self.roster, _ extra: [String] = []) throws
        -> [String]
    {
        let file = emulator.directory.path("roster.csv")
        if !FileManager.default.fileExists(atPath: file) { _ = try emulator.directory.file("roster.csv", contents: roster) }
        return [
            "issue", file, "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris",
            "--token-pin", "ask",
        ] + register(emulator) + extra
    }

    func lowCostRegister(_ emulator: EmulatorHarness) throws {
        _ = try Register(
            path: emulator.directory.path("register.sqlite"), passphrase: Self.environment["TOKENFORGE_ADMIN_PASSPHRASE"],
            newKey: .lowCost())
    }

    /// `tokenforge` started in the background against the emulator.
    func background(_ emulator: EmulatorHarness, _ arguments: [String], timeout: Duration = .seconds(60)) throws
        -> ChildProcess
    {
        try ChildProcess(
            CLIRunner.executable.path, arguments,
            environment: emulator.environment.merging(Self.environment) { _, new in new }, timeout: timeout)
    }

    func exportedURIs(_ emulator: EmulatorHarness) throws -> [String: OTPAuthURI] {
        let text = try String(contentsOfFile: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/otpauth-uris.txt", encoding: .utf8)
        let uris = try text.split(separator: "\n").map { try OTPAuthURI(parsing: String($0)) }
        return Dictionary(uniqueKeysWithValues: uris.map { ($0.account, $0) })
    }

    /// Waits until some process holds the register's lock (its holder line is written).
    func waitForLockHolder(_ emulator: EmulatorHarness) throws -> String {
        let lock = emulator.directory.path("register.sqlite.lock")
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: lock, encoding: .utf8), !text.isEmpty { return text }
            usleep(50_000)
        }
        throw HarnessError("no process took the register's lock")
    }

    @Test func twoIssueRunsAtOnceIssueEachUserOnceOntoTheirOwnToken() throws {
        let emulator = try EmulatorHarness(count: 2)
        try lowCostRegister(emulator)
        let arguments = try issueArguments(emulator, ["--wait", "60"])
        let first = try background(emulator, arguments)
        let second = try background(emulator, arguments)
        let results = [try first.wait(), try second.wait()]
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(!result.stderr.contains("--resume"))
        }
        #expect(results.filter { $0.stderr.contains("bkeller: token TFEMU0001 programmed and verified") }.count == 1)
        let uris = try exportedURIs(emulator)
        #expect(uris.count == 4)
        let now: Int64 = 1_800_000_000
        for (serial, account) in [("TFEMU0001", "bruno.keller@example.org"), ("TFEMU0002", "marie.favre@example.org")] {
            let slots = try emulator.tokenforge(["slots", "--json", "--device", serial]).json([SlotJSON].self)
            #expect(slots.map(\.account) == [account], "\(serial)")
            let code = try emulator.tokenforge(["code", "--slot", "0", "--at", String(now), "--device", serial])
            #expect(code.stdout == (try uris[account]!.totpGenerator!.code(at: now)) + "\n", "\(serial)")
        }
        let log = try emulator.tokenforge(["log", "bkeller", "--json"] + register(emulator)).json([LogJSON].self)
        #expect(log.filter { $0.action == "seeded" }.count == 1)
    }

    @Test func aSecondWriterWaitsThenIsRefusedWhileReadersGoOnAndAMissingTokenIsSkipped() throws {
        let emulator = try EmulatorHarness(count: 1)
        try lowCostRegister(emulator)
        let first = try background(emulator, try issueArguments(emulator, ["--token-wait", "6"]))
        let holder = try waitForLockHolder(emulator)
        #expect(holder.hasPrefix("pid "))
        let blocked = try emulator.tokenforge(
            ["disable", "zmuller", "--wait", "1"] + register(emulator), environment: Self.environment)
        #expect(blocked.status == 75)
        #expect(blocked.stderr.contains("is being changed by another tokenforge (pid "), "\(blocked.stderr)")
        let reading = try emulator.tokenforge(["users"] + register(emulator))
        #expect(reading.status == 0, "\(reading.stderr)")
        let run = try first.wait()
        #expect(run.status == 82, "\(run.stderr)")
        #expect(run.stderr.contains("left pending, their token was not inserted in time: mfavre"))
        let users = try emulator.tokenforge(["users", "--json"] + register(emulator)).json([UserJSON].self)
        #expect(
            users.map { "\($0.username) \($0.state)" } == [
                "bkeller exported", "crochat exported", "mfavre pending", "zmuller exported",
            ])
        #expect(try exportedURIs(emulator).count == 3)
    }

    @Test func aFailedSecondOpeningInOneProcessLeavesTheLockWithTheFirst() throws {
        let emulator = try EmulatorHarness(count: 1)
        let path = emulator.directory.path("register.sqlite")
        let holder = try Register(
            path: path, passphrase: Self.environment["TOKENFORGE_ADMIN_PASSPHRASE"], newKey: .lowCost())
        #expect(throws: RegisterError.wrongPassphrase) { try Register(path: path, passphrase: "not the passphrase") }
        let blocked = try emulator.tokenforge(["admins", "list", "--wait", "1"] + register(emulator))
        #expect(blocked.status == 0, "readers are not blocked: \(blocked.stderr)")
        let writer = try emulator.tokenforge(
            ["admins", "add", "bob", "--wait", "1"] + register(emulator),
            environment: Self.environment.merging(["TOKENFORGE_NEW_ADMIN_PASSPHRASE": "bob's passphrase"]) { _, new in new })
        #expect(writer.status == 75, "\(writer.stderr)")
        withExtendedLifetime(holder) {}
    }

    @Test func revokeErasesOnlyASlotThatStillHoldsTheUsersAccount() throws {
        let emulator = try EmulatorHarness(count: 1)
        try lowCostRegister(emulator)
        let roster = "username,display_name,email,language,method,token_serial\nbkeller,Bruno Keller,bruno.keller@example.org,de,token,TFEMU0001\n"
        let issued = try emulator.tokenforge(try issueArguments(emulator, roster: roster), environment: Self.environment)
        #expect(issued.status == 0, "\(issued.stderr)")
        // Someone erases the slot by hand and programs another account into it.
        #expect(try emulator.tokenforge(["erase", "0"]).status == 0)
        let uri = emulator.directory.path("other.uri")
        _ = try emulator.directory.file(
            "other.uri", contents: "otpauth://totp/Other:carol@example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Other\n")
        chmod(uri, 0o600)
        let programmed = try emulator.tokenforge(["program", "--uri-file", uri])
        #expect(programmed.status == 0, "\(programmed.stderr)")

        let untrusted = try emulator.tokenforge(
            ["revoke", "bkeller"] + register(emulator),
            environment: Self.environment.merging(["TOKENFORGE_ALLOW_TEST_TOKENS": "0"]) { _, new in new })
        #expect(untrusted.status == 78, "\(untrusted.stderr)")
        let revoked = try emulator.tokenforge(["revoke", "bkeller", "--reason", "left"] + register(emulator), environment: Self.environment)
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("slot 0 of token TFEMU0001 now holds Other:carol@example.org: left as it is"))
        let slots = try emulator.tokenforge(["slots", "--json"]).json([SlotJSON].self)
        #expect(slots.map(\.account) == ["carol@example.org"])
        let again = try emulator.tokenforge(["revoke", "bkeller"] + register(emulator), environment: Self.environment)
        #expect(again.status == 0)
        #expect(again.stdout == "bkeller: already revoked\n")
        #expect(try emulator.tokenforge(["slots", "--json"]).json([SlotJSON].self).count == 1)
    }

    @Test func revokeErasesTheSlotItRecordedAndReissueProgramsItAgain() throws {
        let emulator = try EmulatorHarness(count: 1)
        try lowCostRegister(emulator)
        let roster = "username,display_name,email,language,method,token_serial\nbkeller,Bruno Keller,bruno.keller@example.org,de,token,TFEMU0001\n"
        #expect(try emulator.tokenforge(try issueArguments(emulator, roster: roster), environment: Self.environment).status == 0)
        let revoked = try emulator.tokenforge(["revoke", "bkeller"] + register(emulator), environment: Self.environment)
        #expect(revoked.stdout.contains("bkeller: erased slot 0 of token TFEMU0001"), "\(revoked.stdout)\(revoked.stderr)")
        #expect(try emulator.tokenforge(["slots", "--json"]).json([SlotJSON].self).isEmpty)
        let enable = try emulator.tokenforge(["enable", "bkeller"] + register(emulator), environment: Self.environment)
        #expect(enable.status == 78)
        #expect(enable.stderr.contains("bkeller is revoked: give them a new seed with tokenforge reissue bkeller"))
        let reissued = try emulator.tokenforge(
            [
                "reissue", "bkeller", "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris",
                "--token-pin", "ask", "--reason", "back from leave",
            ] + register(emulator), environment: Self.environment)
        #expect(reissued.status == 0, "\(reissued.stderr)")
        #expect(reissued.stdout.contains("bkeller: reissued (seed 2)"))
        let uri = try #require(try exportedURIs(emulator)["bruno.keller@example.org"])
        let now: Int64 = 1_800_000_000
        let code = try emulator.tokenforge(["code", "--slot", "0", "--at", String(now)])
        #expect(code.stdout == (try uri.totpGenerator!.code(at: now)) + "\n")
        let log = try emulator.tokenforge(["log", "bkeller", "--json"] + register(emulator)).json([LogJSON].self)
        #expect(log.first { $0.action == "reissued" }?.reason == "back from leave")
    }

    @Test func usersFiltersAndPrintsCSVAndStateCommandsSayWhenNothingChanged() throws {
        let emulator = try EmulatorHarness(count: 2)
        try lowCostRegister(emulator)
        #expect(try emulator.tokenforge(try issueArguments(emulator), environment: Self.environment).status == 0)
        let disabled = try emulator.tokenforge(["disable", "crochat"] + register(emulator), environment: Self.environment)
        #expect(disabled.stdout == "crochat: disabled\n")
        let twice = try emulator.tokenforge(["disable", "crochat"] + register(emulator), environment: Self.environment)
        #expect(twice.stdout == "crochat: already disabled\n")
        let pending = try emulator.tokenforge(["users", "--not-activated", "--csv"] + register(emulator))
        let lines = pending.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("username,name,email,language,method,app,state,enabled,locked") == true)
        #expect(lines.count == 5)
        #expect(lines.contains { $0.hasPrefix("crochat,Claire Rochat,claire.rochat@example.org,fr,app,microsoft,exported,no,") })
        let byState = try emulator.tokenforge(["users", "--state", "exported", "--json"] + register(emulator))
        #expect(try byState.json([UserJSON].self).count == 4)
        let badState = try emulator.tokenforge(["users", "--state", "lost"] + register(emulator))
        #expect(badState.status == 64)
        let window = try emulator.tokenforge(
            ["activate", "zmuller", "000000", "--window", "1000000"] + register(emulator), environment: Self.environment)
        #expect(window.status == 64)
        let table = try emulator.tokenforge(["users"] + register(emulator))
        #expect(table.stdout.contains("zoe.muller@example.org"))
    }

    @Test func asecondAdminWorksWithTheirOwnPassphraseAndIsLogged() throws {
        let emulator = try EmulatorHarness(count: 2)
        try lowCostRegister(emulator)
        #expect(try emulator.tokenforge(try issueArguments(emulator), environment: Self.environment).status == 0)
        let added = try emulator.tokenforge(
            ["admins", "add", "bob"] + register(emulator),
            environment: Self.environment.merging(["TOKENFORGE_NEW_ADMIN_PASSPHRASE": "bob's passphrase"]) { _, new in new })
        #expect(added.status == 0, "\(added.stderr)")
        let asBob = ["TOKENFORGE_ADMIN": "bob", "TOKENFORGE_ADMIN_PASSPHRASE": "bob's passphrase"]
        let disabled = try emulator.tokenforge(["disable", "zmuller", "--reason", "on leave"] + register(emulator), environment: asBob)
        #expect(disabled.status == 0, "\(disabled.stderr)")
        let unnamed = try emulator.tokenforge(["enable", "zmuller"] + register(emulator), environment: Self.environment)
        #expect(unnamed.status == 64)
        #expect(unnamed.stderr.contains("several admins (admin, bob)"))
        let removed = try emulator.tokenforge(["admins", "remove", "admin"] + register(emulator), environment: asBob)
        #expect(removed.status == 0, "\(removed.stderr)")
        let gone = try emulator.tokenforge(
            ["enable", "zmuller", "--admin", "admin"] + register(emulator), environment: Self.environment)
        #expect(gone.status == 64)
        #expect(gone.stderr.contains("no admin admin in the register (admins: bob)"))
        let log = try emulator.tokenforge(["log", "zmuller", "--json"] + register(emulator)).json([LogJSON].self)
        let last = try #require(log.last)
        #expect(last.action == "disabled")
        #expect(last.admin == "bob")
        #expect(last.reason == "on leave")
        let list = try emulator.tokenforge(["admins", "list"] + register(emulator))
        #expect(list.stdout.hasPrefix("bob  since "))
    }
}

/// One audit entry as `log --json` prints it.
struct LogJSON: Decodable {
    let time: Int64
    let os_user: String
    let admin: String?
    let action: String
    let username: String?
    let detail: String
    let reason: String?
}
