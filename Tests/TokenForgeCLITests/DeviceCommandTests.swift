import Foundation
import OTPCore
import TestSupport
import Testing

/// Sets the PIN and programs a generated TOTP account into `slot`; returns its URI.
func programAccount(_ emulator: EmulatorHarness, slot: Int = 0) throws -> OTPAuthURI {
    let pin = try emulator.tokenforge(["pin", "set"])
    #expect(pin.status == 0, "\(pin.stderr)")
    let file = emulator.directory.path("account-\(UUID().uuidString).uri")
    let result = try emulator.tokenforge(
        [
            "program", "--generate", "--account", "zoe@example.org", "--issuer", "ACME", "--slot", String(slot),
            "--uri-output", file,
        ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
        result.stdout == """
            programmed slot \(slot) of token TFEMU0001: ACME:zoe@example.org, TOTP SHA1 6 digits
            verified: the token's code matches this computer's; seed sent encrypted
            wrote the otpauth URI to \(file)

            """)
    return try OTPAuthURI(parsing: String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines))
}

/// What `info --json` prints.
struct InfoJSON: Decodable {
    let serial: String
    let family: String
    let slots: Int
    let freeSlots: Int
    let pinSet: Bool
    let clockDriftSeconds: Int64?
}

/// What `time --json` prints.
struct TimeJSON: Decodable {
    let tokenTime: Int64?
    let hostTime: Int64
    let driftSeconds: Int64?
    let synced: Bool
}

/// The device commands end to end: tokenforge → hidapi stand-in → emulator socket → virtual token.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct DeviceCommandTests {
    @Test func devicesAndInfoSeeTheVirtualToken() throws {
        let emulator = try EmulatorHarness()
        let devices = try emulator.tokenforge(["devices"])
        #expect(devices.status == 0)
        #expect(devices.stdout.hasPrefix("TFEMU0001\t1209:0001\tTokenForge spec token\temulator:TFEMU0001"))
        let info = try emulator.tokenforge(["info", "--json"]).json(InfoJSON.self)
        #expect(info.serial == "TFEMU0001")
        #expect(info.family == "TokenForge spec token")
        #expect(info.slots == 32)
        #expect(info.freeSlots == 32)
        #expect(!info.pinSet)
    }

    @Test func programVerifyCodeListAndErase() throws {
        let emulator = try EmulatorHarness()
        let uri = try programAccount(emulator)
        let code = try emulator.tokenforge(["code", "--slot", "0", "--at", "1700000000"])
        #expect(code.status == 0)
        let expected = try oathtool(["--totp", "--now=@1700000000", uri.secret.hexEncodedString()])
        #expect(code.stdout == expected + "\n")
        let slots = try emulator.tokenforge(["slots"])
        #expect(slots.stdout == "0\tTOTP SHA1 6 digits 30 s\tACME:zoe@example.org\n")
        #expect(try emulator.tokenforge(["erase", "0"]).stdout == "erased slot 0\n")
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
    }

    @Test func programRefusesAUsedSlotWithoutForce() throws {
        let emulator = try EmulatorHarness()
        _ = try programAccount(emulator, slot: 4)
        let again = try emulator.tokenforge(["program", "--generate", "--account", "bob", "--slot", "4", "--show-uri"])
        #expect(again.status == 78)
        #expect(again.stderr == "tokenforge: slot 4 is in use (pass --force to replace it)\n")
        #expect(
            try emulator.tokenforge(["program", "--generate", "--account", "bob", "--slot", "4", "--force", "--show-uri"])
                .status == 0)
    }

    @Test func programTakesAURIFromAFileAndShowsItOnlyWhenAsked() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let uri = "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8&algorithm=SHA256"
        let result = try emulator.tokenforge(["program", "--uri-file", "-"], stdin: uri)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("GEZDGNBV"))
        let shown = try emulator.tokenforge(["program", "--uri-file", "-", "--show-uri", "--force", "--slot", "0"], stdin: uri)
        #expect(shown.stdout.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"))
        let drawn = try emulator.tokenforge(["program", "--uri-file", "-", "--qr", "--force", "--slot", "0"], stdin: uri)
        #expect(drawn.status == 0)
        #expect(drawn.stdout.contains("▀"))
    }

    @Test func testTokensAreRefusedUnlessAllowed() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let refused = try emulator.tokenforge(
            ["program", "--generate", "--account", "a", "--show-uri"], environment: ["TOKENFORGE_ALLOW_TEST_TOKENS": "0"])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("--allow-test-tokens"))
    }

    @Test func timeShowsDriftAndSyncs() throws {
        let emulator = try EmulatorHarness()
        _ = try programAccount(emulator)
        try emulator.control("clock TFEMU0001 120")
        let drift = try emulator.tokenforge(["time", "--json"]).json(TimeJSON.self)
        let tokenTime = try #require(drift.tokenTime)
        #expect(drift.driftSeconds == tokenTime - drift.hostTime)
        #expect(!drift.synced)
        // Whole seconds, read a moment apart when program set the clock and again now.
        #expect((118...120).contains(try #require(drift.driftSeconds)))
        let sync = try emulator.tokenforge(["time", "--sync", "--json"]).json(TimeJSON.self)
        #expect(sync.synced)
        #expect(sync.driftSeconds == (try #require(sync.tokenTime)) - sync.hostTime)
        let synced = try emulator.tokenforge(["time", "--json"]).json(TimeJSON.self)
        let end = Int64(Date().timeIntervalSince1970)
        let syncedTime = try #require(synced.tokenTime)
        #expect(
            syncedTime >= sync.hostTime && syncedTime <= end, "set at \(sync.hostTime), read \(syncedTime) by \(end)")
    }

    @Test func wrongPINsCountDownThenResetRecovers() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let wrong = ["TOKENFORGE_PIN": "000000"]
        let first = try emulator.tokenforge(["pin", "verify"], environment: wrong)
        #expect(first.status == 77)
        #expect(first.stderr.contains("wrong PIN: 7 tries left"))
        for left in (1...6).reversed() {
            let next = try emulator.tokenforge(["pin", "verify"], environment: wrong)
            #expect(next.status == 77)
            #expect(next.stderr.contains("wrong PIN: \(left) \(left == 1 ? "try" : "tries") left"), "\(next.stderr)")
        }
        let blocked = try emulator.tokenforge(["pin", "verify"], environment: wrong)
        #expect(blocked.status == 77)
        #expect(blocked.stderr.contains("blocked"))
        #expect(try emulator.tokenforge(["pin", "verify"]).status == 77)
        let unconfirmed = try emulator.tokenforge(["reset"], stdin: "no\n")
        #expect(unconfirmed.status == 78)
        #expect(try emulator.tokenforge(["reset"], stdin: "TFEMU0001\n").status == 0)
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
    }

    @Test func severalTokensNeedADeviceChoice() throws {
        let emulator = try EmulatorHarness(count: 2)
        let ambiguous = try emulator.tokenforge(["info"])
        #expect(ambiguous.status == 69)
        #expect(ambiguous.stderr.contains("TFEMU0001") && ambiguous.stderr.contains("TFEMU0002"))
        let chosen = try emulator.tokenforge(["info", "--device", "TFEMU0002"])
        #expect(chosen.stdout.hasPrefix("serial:      TFEMU0002"))
        let fromEnvironment = try emulator.tokenforge(
            ["info", "--json"], environment: ["TOKENFORGE_DEVICE": "emulator:TFEMU0001"])
        #expect(try fromEnvironment.json(InfoJSON.self).serial == "TFEMU0001")
    }

    @Test func slotsSurviveAnEmulatorRestart() throws {
        let emulator = try EmulatorHarness()
        let uri = try programAccount(emulator)
        try emulator.stop()
        try emulator.start()
        let code = try emulator.tokenforge(["code", "--slot", "0", "--at", "1234567890"])
        #expect(code.stdout == (try oathtool(["--totp", "--now=@1234567890", uri.secret.hexEncodedString()])) + "\n")
    }

    @Test func noTokenIsItsOwnExitStatus() throws {
        let emulator = try EmulatorHarness()
        try emulator.control("unplug TFEMU0001")
        try emulator.control("list", reply: "TFEMU0001 unplugged")
        let result = try emulator.tokenforge(["info"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("no supported token is connected"))
    }
}

/// Faults on the way: never a claim of success, and afterwards the slot is unchanged or verified-new.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct DeviceFaultTests {
    @Test func aStalledTokenTimesOut() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        try emulator.control("stall TFEMU0001 on")
        let result = try emulator.tokenforge(
            ["program", "--generate", "--account", "a", "--timeout", "300", "--uri-output", emulator.directory.path("a.uri")])
        #expect(result.status == 74)
        #expect(result.stderr.contains("the token did not answer in time"))
        #expect(result.stdout.isEmpty)
        try emulator.control("stall TFEMU0001 off")
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
    }

    /// Where a power cut after N flash program steps lands while `program` runs: PIN verification
    /// and PUT_SLOT answer nothing (not retried); SET_TIME is retried and finds the token gone. Once
    /// PUT_SLOT was sent, the slot's content is unknown: the URI is saved and the user told to check.
    static let powerCuts: [(steps: Int, status: Int32, message: String)] = [
        (0, 74, "the token did not answer VERIFY_PIN in time"),
        (5, 74, "the token did not answer VERIFY_PIN in time"),
        (6, 69, "device disconnected"),
        (8, 81, "slot 0 may have been written: check with `tokenforge slots` and `tokenforge code --slot 0`"),
        (11, 81, "slot 0 may have been written: check with `tokenforge slots` and `tokenforge code --slot 0`"),
    ]

    @Test(arguments: powerCuts)
    func aPowerCutDuringTheWriteIsReportedAndLeavesTheSlotEmpty(steps: Int, status: Int32, message: String) throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        try emulator.control("power-cut TFEMU0001 \(steps)")
        let uri = emulator.directory.path("a.uri")
        let result = try emulator.tokenforge(
            ["program", "--generate", "--account", "a", "--timeout", "500", "--uri-output", uri])
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(FileManager.default.fileExists(atPath: uri) == (status == 81))
        try emulator.control("list", reply: "TFEMU0001 unplugged")
        try emulator.control("plug TFEMU0001")
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
    }

    @Test func aPowerCutArmedPastTheLastWriteLeavesAVerifiedSlot() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        try emulator.control("power-cut TFEMU0001 12")
        let uri = emulator.directory.path("a.uri")
        let result = try emulator.tokenforge(
            ["program", "--generate", "--account", "a", "--timeout", "500", "--uri-output", uri])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("verified"))
        try emulator.control("list", reply: "TFEMU0001 plugged")
        try emulator.control("plug TFEMU0001")
        #expect(try emulator.tokenforge(["slots"]).stdout == "0\tTOTP SHA1 6 digits 30 s\ta\n")
        let account = try OTPAuthURI(
            parsing: String(contentsOfFile: uri, encoding: .utf8).trimmingCharacters(in: .newlines))
        let code = try emulator.tokenforge(["code", "--slot", "0", "--at", "1700000000"])
        let expected = try oathtool(["--totp", "--now=@1700000000", account.secret.hexEncodedString()])
        #expect(code.stdout == expected + "\n")
    }

    @Test func aCorruptedAnswerIsAnError() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        // The first report the token sends next is its INIT answer.
        try emulator.control("corrupt TFEMU0001 1")
        let corrupted = try emulator.tokenforge(["slots", "--timeout", "300"])
        #expect(corrupted.status == 74)
        #expect(corrupted.stderr.contains("the token sent a malformed response: INIT answer does not echo the nonce"))
        #expect(corrupted.stdout.isEmpty)
        #expect(try emulator.tokenforge(["slots"]).status == 0)
    }

    @Test func aDroppedINITIsResentAndTheCommandCompletes() throws {
        let emulator = try EmulatorHarness()
        _ = try programAccount(emulator, slot: 3)
        try emulator.control("drop TFEMU0001 1")
        let erased = try emulator.tokenforge(["erase", "3", "--timeout", "300"])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout == "erased slot 3\n")
        #expect(try emulator.tokenforge(["slots"]).stdout == "no slot is in use\n")
    }

    @Test func reportsDroppedPastTheRetryAreAnErrorAndChangeNothing() throws {
        let emulator = try EmulatorHarness()
        _ = try programAccount(emulator, slot: 3)
        try emulator.control("drop TFEMU0001 2")
        let dropped = try emulator.tokenforge(["erase", "3", "--timeout", "300"])
        #expect(dropped.status == 74)
        #expect(dropped.stderr.contains("the token did not answer in time"))
        #expect(dropped.stdout.isEmpty)
        #expect(try emulator.tokenforge(["slots"]).stdout == "3\tTOTP SHA1 6 digits 30 s\tACME:zoe@example.org\n")
    }

    @Test func theEmulatorKilledMidSessionIsAClearError() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        try emulator.kill()
        let result = try emulator.tokenforge(["info"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("emulator"))
    }
}

/// `program --link-file`: the accounts of a Google Authenticator export onto a token.
@Suite(.timeLimit(.minutes(2)))
struct ProgramExportTests {
    @Test func programsChosenAccountsOfAnExportLink() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.tokenforge(["pin", "set"]).status == 0)
        let uris = """
            otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
            otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
            otpauth://totp/Other:carol?secret=KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU

            """
        let link = try emulator.tokenforge(["export-migration", "--links", "-"], stdin: uris)
        #expect(link.status == 0, "\(link.stderr)")
        let result = try emulator.tokenforge(["program", "--link-file", "-", "--accounts", "1,3"], stdin: link.stdout)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "programmed and verified slot 0 of token TFEMU0001: ACME:alice\nprogrammed and verified slot 1 of token TFEMU0001: Other:carol\n")
        let missing = try emulator.tokenforge(["program", "--link-file", "-", "--accounts", "7"], stdin: link.stdout)
        #expect(missing.status == 65)
    }
}
