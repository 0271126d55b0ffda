import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing

/// One slot as `slots --json` prints it.
struct PINRetriesJSON: Decodable {
    let pinRetries: Int
}

struct SlotJSON: Decodable, Equatable {
    let slot: Int
    let type: String
    let algorithm: String
    let digits: Int
    let period: UInt32?
    let issuer: String
    let account: String
}

/// One user as `users --json` prints them, by username.
struct UserJSON: Decodable, Equatable {
    let username: String
    let method: String
    let state: String
    let token: String?
    let slot: Int?
}

/// `tokenforge issue` end to end: roster in, letters, a token programmed through the emulator,
/// exports out; killed at every committed step and resumed.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct IssueCommandTests {
    static let roster = """
        username,display_name,email,language,method,app,token_serial
        zmuller,Zoë Müller,zoe.muller@example.org,de,app,,
        crochat,Claire Rochat,claire.rochat@example.org,fr,app,microsoft,
        bkeller,Bruno Keller,bruno.keller@example.org,de,token,,TFEMU0001

        """

    static let environment = [
        "TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase", "TOKENFORGE_EXPORT_PASSPHRASE": "export passphrase",
        // The token PIN the user "chooses at handover": the one the harness's later commands use.
        "TOKENFORGE_TOKEN_PIN": "123456",
    ]

    func issue(
        _ emulator: EmulatorHarness, _ extra: [String] = [], environment: [String: String] = [:],
        program: URL = CLIRunner.executable
    ) throws -> ChildProcess.Result {
        let roster = emulator.directory.path("roster.csv")
        if !FileManager.default.fileExists(atPath: roster) {
            _ = try emulator.directory.file("roster.csv", contents: Self.roster)
        }
        return try emulator.tokenforge(
            [
                "issue", roster, "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "pskc,uris",
                "--register", emulator.directory.path("register.sqlite"), "--token-pin", "ask",
            ] + extra,
            environment: Self.environment.merging(environment) { _, new in new }, program: program)
    }

    /// Creates the run's register through the library with a low key-derivation cost: every later
    /// command opens it with the parameters it stores, so the suite does not pay scrypt's full cost.
    @discardableResult
    func lowCostRegister(_ emulator: EmulatorHarness) throws -> Register {
        try Register(
            path: emulator.directory.path("register.sqlite"), passphrase: Self.environment["TOKENFORGE_ADMIN_PASSPHRASE"],
            newKey: .lowCost())
    }

    /// The exported URIs by account.
    func exportedURIs(_ emulator: EmulatorHarness) throws -> [String: OTPAuthURI] {
        let text = try String(contentsOfFile: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/otpauth-uris.txt", encoding: .utf8)
        let uris = try text.split(separator: "\n").map { try OTPAuthURI(parsing: String($0)) }
        return Dictionary(uniqueKeysWithValues: uris.map { ($0.account, $0) })
    }

    /// Letters' QR codes, the token's slot and the exports all carry the same seed per user.
    func expectConsistent(_ emulator: EmulatorHarness) throws {
        let uris = try exportedURIs(emulator)
        #expect(uris.count == 3)
        for (username, account) in [("zmuller", "zoe.muller@example.org"), ("crochat", "claire.rochat@example.org")] {
            let scanned = try runTool(
                "/usr/bin/zbarimg", ["--raw", "-q", emulator.directory.path("out/qr/\(username).png")])
            #expect(try OTPAuthURI(parsing: scanned) == uris[account], "\(username)")
        }
        let slots = try emulator.tokenforge(["slots", "--json"]).json([SlotJSON].self)
        #expect(
            slots == [
                SlotJSON(
                    slot: 0, type: "totp", algorithm: "SHA1", digits: 6, period: 30, issuer: "ACME",
                    account: "bruno.keller@example.org")
            ])
        let code = try emulator.tokenforge(["code", "--slot", "0", "--at", "1800000000"])
        let token = try #require(uris["bruno.keller@example.org"])
        #expect(code.stdout == (try token.totpGenerator!.code(at: 1_800_000_000)) + "\n")
    }

    @Test func issuesExportsAndActivates() throws {
        let emulator = try EmulatorHarness()
        try lowCostRegister(emulator)
        let result = try issue(emulator)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("[3/3] bkeller: token TFEMU0001 programmed and verified"))
        try expectConsistent(emulator)
        let pskc = try String(contentsOfFile: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/seeds.pskc", encoding: .utf8)
        #expect(pskc.contains("EncryptedValue"))
        let attributes = try FileManager.default.attributesOfItem(
            atPath: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/seeds.pskc")
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let register = ["--register", emulator.directory.path("register.sqlite")]
        let users = try emulator.tokenforge(["users", "--json"] + register).json([UserJSON].self)
        #expect(
            users == [
                UserJSON(username: "bkeller", method: "token", state: "exported", token: "TFEMU0001", slot: 0),
                UserJSON(username: "crochat", method: "app", state: "exported", token: nil, slot: nil),
                UserJSON(username: "zmuller", method: "app", state: "exported", token: nil, slot: nil),
            ])
        let app = try #require(try exportedURIs(emulator)["zoe.muller@example.org"])
        let now = Int64(Date().timeIntervalSince1970)
        let code = try app.totpGenerator!.code(at: now)
        let activated = try emulator.tokenforge(
            ["activate", "zmuller", code, "--at", String(now)] + register, environment: Self.environment)
        #expect(activated.status == 0, "\(activated.stderr)")
        let replay = try emulator.tokenforge(
            ["activate", "zmuller", code, "--at", String(now)] + register, environment: Self.environment)
        #expect(replay.status == 1)
        #expect(replay.stderr.contains("already used"))
        let tokenCode = try emulator.tokenforge(["code", "--slot", "0"]).stdout.trimmingCharacters(in: .newlines)
        #expect(
            try emulator.tokenforge(["activate", "bkeller", tokenCode] + register, environment: Self.environment).status
                == 0)
        let wrong = try emulator.tokenforge(
            ["users"] + register + ["--passphrase-file", "-"], stdin: "wrong passphrase\n")
        #expect(wrong.status == 0)
        let locked = try emulator.tokenforge(
            ["disable", "crochat"] + register, environment: ["TOKENFORGE_ADMIN_PASSPHRASE": "wrong passphrase"])
        #expect(locked.status == 77)
        #expect(locked.stderr.contains("wrong admin passphrase"))
    }

    @Test func theReleaseCommandIgnoresTheFaultInjectionVariable() throws {
        let emulator = try EmulatorHarness()
        try lowCostRegister(emulator)
        let run = try issue(emulator, environment: ["TOKENFORGE_FAULT_STOP_AFTER_STEPS": "1"])
        #expect(run.status == 0, "\(run.stderr)")
        try expectConsistent(emulator)
    }

    @Test func killedAtEveryStepThenResumedLosesNothingAndIssuesNothingTwice() throws {
        // Committed steps: the batch's seeds, its two letters, the token, the exports marked.
        for step in 1...4 {
            let emulator = try EmulatorHarness()
            try lowCostRegister(emulator)
            let killed = try issue(
                emulator, environment: ["TOKENFORGE_FAULT_STOP_AFTER_STEPS": String(step)],
                program: CLIRunner.faultInjectionExecutable)
            #expect(killed.signal == SIGKILL, "step \(step): \(killed.stderr)")
            // Killed right after a seed was stored, a user is half issued: a plain run refuses to go on.
            if [1, 2].contains(step) {
                let again = try issue(emulator)
                #expect(again.status == 64, "step \(step)")
                #expect(again.stderr.contains("--resume"))
            }
            let resumed = try issue(emulator, ["--resume"])
            #expect(resumed.status == 0, "step \(step): \(resumed.stderr)")
            try expectConsistent(emulator)
        }
    }

    @Test func badRowsAreReportedAndNothingIsWritten() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.directory.file("roster.csv", contents: Self.roster + "x y,X,x@example.org,es,app,,\n")
        let result = try issue(emulator)
        #expect(result.status == 65)
        #expect(result.stderr.contains("roster.csv:5:1: username \"x y\""))
        #expect(result.stderr.contains("roster.csv:5:4: language \"es\""))
        #expect(!FileManager.default.fileExists(atPath: emulator.directory.path("register.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: emulator.directory.path("out")))
    }

    @Test func aDryRunWritesNothing() throws {
        let emulator = try EmulatorHarness()
        let result = try issue(emulator, ["--dry-run"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("bkeller: new seed programmed into token TFEMU0001"))
        #expect(!FileManager.default.fileExists(atPath: emulator.directory.path("out")))
        #expect(!FileManager.default.fileExists(atPath: emulator.directory.path("register.sqlite")))
    }

}

/// Staff issuance onto a Nitrokey Pro served by the emulator.
@Suite(.timeLimit(.minutes(5)))
struct NitrokeyIssueTests {
    /// An emulator serving one Pro (factory admin PIN 12345678) and a roster giving it to "nk".
    static func proWithRoster(email: String) throws -> (EmulatorHarness, Substring) {
        let emulator = try EmulatorHarness(count: 0, extraArguments: ["--nitrokey", "1"])
        let devices = try emulator.tokenforge(["devices"])
        let serial = try #require(
            devices.stdout.split(separator: "\n").first { $0.contains("20a0:4108") }?.split(separator: "\t").first)
        _ = try emulator.directory.file(
            "roster.csv",
            contents: "username,display_name,email,language,method,token_serial\nnk,Nina Kunz,\(email),de,token,\(serial)\n")
        return (emulator, serial)
    }

    /// `issue` of the roster with `--token-pin ask`, the administrator choosing `chosen`.
    static func issueAskingPIN(_ emulator: EmulatorHarness, chosen: String) throws -> ChildProcess.Result {
        try emulator.tokenforge(
            [
                "issue", emulator.directory.path("roster.csv"), "--issuer", "ACME", "--out", emulator.directory.path("out"),
                "--export", "uris", "--token-pin", "ask", "--register", emulator.directory.path("register.sqlite"),
            ],
            environment: [
                "TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase", "TOKENFORGE_PIN": "12345678",
                "TOKENFORGE_TOKEN_PIN": chosen,
            ])
    }

    /// A chosen admin PIN the Pro cannot take is refused naming the user, before the Pro changes.
    @Test func aChosenPINOfTheWrongLengthIsRefusedNamingTheUser() throws {
        let (emulator, serial) = try Self.proWithRoster(email: "nina@example.org")
        let issued = try Self.issueAskingPIN(emulator, chosen: "123456")
        #expect(issued.status == 77)
        #expect(issued.stderr.contains("Nina Kunz: the admin PIN chosen has 6 characters; the token takes 8 to 20"), "\(issued.stderr)")
        let factory = try emulator.tokenforge(["pin", "verify", "--device", String(serial)], environment: ["TOKENFORGE_PIN": "12345678"])
        #expect(factory.status == 0, "the factory PIN no longer opens the Pro: \(factory.stderr)")
        #expect(try emulator.tokenforge(["slots", "--json", "--device", String(serial)]).json([SlotJSON].self).isEmpty)
    }

    /// A run killed between sealing a Pro's new admin PIN in the register and changing it on the
    /// Pro: the next run finds the register's PIN wrong, unlocks with the current one, changes it
    /// again, and the Pro's tries are whole again.
    @Test func aPINChangeThatDidNotReachTheProIsMadeAgain() throws {
        let (emulator, serial) = try Self.proWithRoster(email: "nina@example.org")
        do {
            let register = try Register(
                path: emulator.directory.path("register.sqlite"), passphrase: "admin passphrase", newKey: .lowCost())
            try register.storeTokenPIN(String(serial), Array("87654321".utf8))
        }
        let issued = try Self.issueAskingPIN(emulator, chosen: "11112222")
        #expect(issued.status == 0, "\(issued.stderr)")
        #expect(issued.stderr.contains("nk: token \(serial) programmed and verified"))
        let verified = try emulator.tokenforge(
            ["pin", "verify", "--device", String(serial)], environment: ["TOKENFORGE_PIN": "87654321"])
        #expect(verified.status == 0, "the Pro's admin PIN is not the register's: \(verified.stderr)")
        let info = try emulator.tokenforge(["info", "--json", "--device", String(serial)]).json(PINRetriesJSON.self)
        #expect(info.pinRetries == 3)
    }

    /// A Pro keeps 15 bytes of "issuer:account": its slot is still known as the user's, so a
    /// reissue (or a resumed run) writes into it again and a revoke erases it.
    @Test func aLongAccountShortenedByTheProKeepsItsSlotThroughReissueAndRevoke() throws {
        let (emulator, serial) = try Self.proWithRoster(email: "nina.kunz-lehmann@example.org")
        let register = ["--register", emulator.directory.path("register.sqlite")]
        let outputs = ["--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris", "--token-pin", "ask"]
        let environment = [
            "TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase", "TOKENFORGE_PIN": "12345678",
            "TOKENFORGE_TOKEN_PIN": "87654321",
        ]
        let issued = try emulator.tokenforge(
            ["issue", emulator.directory.path("roster.csv")] + outputs + register, environment: environment)
        #expect(issued.status == 0, "\(issued.stderr)")
        let pin = ["TOKENFORGE_PIN": "87654321"]
        let slots = ["slots", "--json", "--device", String(serial)]
        #expect(try emulator.tokenforge(slots, environment: pin).json([SlotJSON].self).map(\.account) == ["nina.kunz-"])

        let reissued = try emulator.tokenforge(
            ["reissue", "nk", "--reason", "lost phone"] + outputs + register, environment: environment)
        #expect(reissued.status == 0, "\(reissued.stderr)")
        let after = try emulator.tokenforge(slots, environment: pin).json([SlotJSON].self)
        #expect(after.map(\.slot) == [0], "the reissue wrote a second slot: \(after)")
        let uri = try OTPAuthURI(
            parsing: String(
                contentsOfFile: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/otpauth-uris.txt",
                encoding: .utf8
            ).trimmingCharacters(in: .newlines))
        let code = try emulator.tokenforge(["code", "--slot", "0", "--device", String(serial)], environment: pin)
        let now = Int64(Date().timeIntervalSince1970)
        #expect(try [now - 30, now, now + 30].map { try uri.totpGenerator!.code(at: $0) }.contains(
            code.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))

        let revoked = try emulator.tokenforge(["revoke", "nk"] + register, environment: environment)
        #expect(revoked.stdout.contains("nk: erased slot 0 of token \(serial)"), "\(revoked.stdout)\(revoked.stderr)")
        #expect(try emulator.tokenforge(slots, environment: pin).json([SlotJSON].self).isEmpty)
    }

    @Test func aTokenUserGetsTheirSeedOnANitrokeyPro() throws {
        let emulator = try EmulatorHarness(count: 1, extraArguments: ["--nitrokey", "1"])
        let devices = try emulator.tokenforge(["devices"])
        let serial = try #require(
            devices.stdout.split(separator: "\n").first { $0.contains("20a0:4108") }?.split(separator: "\t").first)
        _ = try emulator.directory.file(
            "roster.csv",
            contents:
                "username,display_name,email,language,method,token_serial\nnk,Nina Kunz,nina@example.org,de,token,\(serial)\n"
        )
        let result = try emulator.tokenforge(
            [
                "issue", emulator.directory.path("roster.csv"), "--issuer", "ACME", "--out",
                emulator.directory.path("out"),
                "--export", "uris", "--register", emulator.directory.path("register.sqlite"),
            ],
            environment: ["TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase", "TOKENFORGE_PIN": "12345678"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("nk: token \(serial) programmed and verified"))
        // The factory admin PIN was replaced by a generated one, on the user's PIN slip.
        let slip = try String(contentsOfFile: emulator.directory.path("out/pins/nk.de.txt"), encoding: .utf8)
        let pin = try #require(slip.split(separator: "\n").first { $0.hasPrefix("PIN: ") }?.dropFirst(5))
        #expect(pin.count == 8 && pin != "12345678")

        let uri = try OTPAuthURI(
            parsing: String(contentsOfFile: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/otpauth-uris.txt", encoding: .utf8)
                .trimmingCharacters(in: .newlines))
        let code = try emulator.tokenforge(
            ["code", "--slot", "0", "--device", String(serial)], environment: ["TOKENFORGE_PIN": "12345678"])
        let now = Int64(Date().timeIntervalSince1970)
        let expected = try [now - 30, now, now + 30].map { try uri.totpGenerator!.code(at: $0) }
        #expect(
            expected.contains(code.stdout.trimmingCharacters(in: .whitespacesAndNewlines)),
            "\(code.stdout) \(code.stderr)")
        let oldPIN = try emulator.tokenforge(
            ["erase", "0", "--device", String(serial)], environment: ["TOKENFORGE_PIN": "12345678"])
        #expect(oldPIN.status == 77, "\(oldPIN.stderr)")
        let newPIN = try emulator.tokenforge(
            ["erase", "0", "--device", String(serial)], environment: ["TOKENFORGE_PIN": String(pin)])
        #expect(newPIN.status == 0, "\(newPIN.stderr)")
    }
}
