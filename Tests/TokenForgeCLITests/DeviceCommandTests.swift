import Foundation
import OTPCore
import TestSupport
import Testing

/// The device commands end to end: tokenforge → hidapi stand-in → emulator socket → virtual token.
@Suite(.serialized)
struct DeviceCommandTests {
    /// Sets the PIN and programs a generated TOTP account into slot 0; returns its URI.
    func programAccount(_ emulator: EmulatorHarness, arguments: [String] = []) throws -> OTPAuthURI {
        _ = try emulator.tokenforge(["pin", "set"])
        let file = emulator.directory.path("account-\(UUID().uuidString).uri")
        let result = try emulator.tokenforge(
            ["program", "--generate", "--account", "zoe@example.org", "--issuer", "ACME", "--uri-output", file] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("verified"))
        return try OTPAuthURI(parsing: String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines))
    }

    @Test func devicesAndInfoSeeTheVirtualToken() throws {
        let emulator = try EmulatorHarness()
        let devices = try emulator.tokenforge(["devices"])
        #expect(devices.status == 0)
        #expect(devices.stdout.hasPrefix("TFEMU0001\t1209:0001\tTokenForge spec token\temulator:TFEMU0001"))
        let info = try emulator.tokenforge(["info", "--json"])
        #expect(info.stdout.contains(#""serial":"TFEMU0001""#))
        #expect(info.stdout.contains(#""freeSlots":32"#))
        #expect(info.stdout.contains(#""pinSet":false"#))
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
        _ = try programAccount(emulator, arguments: ["--slot", "4"])
        let again = try emulator.tokenforge(["program", "--generate", "--account", "bob", "--slot", "4"])
        #expect(again.status == 78)
        #expect(again.stderr == "tokenforge: slot 4 is in use (pass --force to replace it)\n")
        #expect(try emulator.tokenforge(["program", "--generate", "--account", "bob", "--slot", "4", "--force"]).status == 0)
    }

    @Test func programTakesAURIFromAFileAndShowsItOnlyWhenAsked() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.tokenforge(["pin", "set"])
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
        _ = try emulator.tokenforge(["pin", "set"])
        let refused = try emulator.tokenforge(
            ["program", "--generate", "--account", "a"], environment: ["TOKENFORGE_ALLOW_TEST_TOKENS": "0"])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("--allow-test-tokens"))
    }

    @Test func timeShowsDriftAndSyncs() throws {
        let emulator = try EmulatorHarness()
        _ = try programAccount(emulator)
        #expect(try emulator.control("clock TFEMU0001 120") == "ok")
        let drift = try emulator.tokenforge(["time", "--json"])
        let seconds = try #require(Int(drift.stdout.split(separator: ",").first { $0.contains("driftSeconds") }?.split(separator: ":").last ?? ""))
        #expect((119...121).contains(seconds))
        #expect(try emulator.tokenforge(["time", "--sync"]).stdout.hasPrefix("clock was +"))
        let after = try emulator.tokenforge(["info", "--json"])
        #expect(after.stdout.contains(#""clockDriftSeconds":0"#) || after.stdout.contains(#""clockDriftSeconds":1"#))
    }

    @Test func wrongPINsCountDownThenResetRecovers() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.tokenforge(["pin", "set"])
        let wrong = ["TOKENFORGE_PIN": "000000"]
        let first = try emulator.tokenforge(["pin", "verify"], environment: wrong)
        #expect(first.status == 77)
        #expect(first.stderr.contains("wrong PIN: 7 tries left"))
        for _ in 0..<6 { _ = try emulator.tokenforge(["pin", "verify"], environment: wrong) }
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
        let fromEnvironment = try emulator.tokenforge(["info", "--json"], environment: ["TOKENFORGE_DEVICE": "emulator:TFEMU0001"])
        #expect(fromEnvironment.stdout.contains(#""serial":"TFEMU0001""#))
    }

    @Test func slotsSurviveAnEmulatorRestart() throws {
        let emulator = try EmulatorHarness()
        let uri = try programAccount(emulator)
        emulator.stop()
        try emulator.start()
        let code = try emulator.tokenforge(["code", "--slot", "0", "--at", "1234567890"])
        #expect(code.stdout == (try oathtool(["--totp", "--now=@1234567890", uri.secret.hexEncodedString()])) + "\n")
    }

    @Test func noTokenIsItsOwnExitStatus() throws {
        let emulator = try EmulatorHarness()
        #expect(try emulator.control("unplug TFEMU0001") == "ok")
        let result = try emulator.tokenforge(["info"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("no supported token is connected"))
    }
}

/// Faults on the way: never a claim of success, and afterwards the slot is unchanged or verified-new.
@Suite(.serialized)
struct DeviceFaultTests {
    func expectUnchangedOrVerified(_ emulator: EmulatorHarness, slot: Int = 0) throws {
        let slots = try emulator.tokenforge(["slots"])
        #expect(slots.status == 0)
        if slots.stdout != "no slot is in use\n" {
            #expect(try emulator.tokenforge(["code", "--slot", String(slot)]).status == 0)
        }
    }

    @Test func aStalledTokenTimesOut() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.tokenforge(["pin", "set"])
        _ = try emulator.control("stall TFEMU0001 on")
        let result = try emulator.tokenforge(["program", "--generate", "--account", "a", "--timeout", "300"])
        #expect(result.status == 74)
        #expect(!result.stdout.contains("programmed"))
        _ = try emulator.control("stall TFEMU0001 off")
        try expectUnchangedOrVerified(emulator)
    }

    @Test func aPowerCutDuringTheWriteIsReportedAndLeavesOldOrNew() throws {
        for steps in [0, 2, 5, 9] {
            let emulator = try EmulatorHarness()
            _ = try emulator.tokenforge(["pin", "set"])
            _ = try emulator.control("power-cut TFEMU0001 \(steps)")
            let result = try emulator.tokenforge(["program", "--generate", "--account", "a", "--timeout", "500"])
            if result.status != 0 {
                #expect([69, 74].contains(result.status), "\(result.stderr)")
                #expect(!result.stdout.contains("programmed"))
            }
            _ = try emulator.control("plug TFEMU0001")
            try expectUnchangedOrVerified(emulator)
        }
    }

    @Test func droppedAndCorruptedReportsAreErrorsNotSuccesses() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.tokenforge(["pin", "set"])
        _ = try emulator.control("corrupt TFEMU0001 1")
        let corrupted = try emulator.tokenforge(["slots", "--timeout", "300"])
        #expect(corrupted.status == 0 || corrupted.status == 74)
        _ = try emulator.control("drop TFEMU0001 1")
        let dropped = try emulator.tokenforge(["erase", "3", "--timeout", "300"])
        #expect(dropped.status != 0)
        #expect(!dropped.stdout.contains("erased"))
    }

    @Test func theEmulatorKilledMidSessionIsAClearError() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.tokenforge(["pin", "set"])
        emulator.kill()
        let result = try emulator.tokenforge(["info"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("emulator"))
    }
}


/// `program --link-file`: the accounts of a Google Authenticator export onto a token.
struct ProgramExportTests {
    @Test func programsChosenAccountsOfAnExportLink() throws {
        let emulator = try EmulatorHarness()
        _ = try emulator.tokenforge(["pin", "set"])
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
