import Foundation
import OTPCore
import TestSupport
import Testing

/// The device commands on an emulated Nitrokey Pro, end to end: tokenforge → hidapi stand-in →
/// emulator socket → Nitrokey Pro model (feature reports).
@Suite(.serialized, .timeLimit(.minutes(5)))
struct NitrokeyCommandTests {
    static let adminPIN = ["TOKENFORGE_PIN": "12345678"]
    static let serial = "00000000000000004E4B0001"
    static let base32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

    func emulator(firmware: String = "0.15", latency: Int = 0) throws -> EmulatorHarness {
        try EmulatorHarness(
            count: 0,
            extraArguments: ["--nitrokey", "1", "--nitrokey-firmware", firmware]
                + (latency > 0 ? ["--latency", String(latency)] : []))
    }

    func run(_ emulator: EmulatorHarness, _ arguments: [String], stdin: String = "", pin: String = "12345678") throws
        -> ChildProcess.Result
    {
        try emulator.tokenforge(arguments, stdin: stdin, environment: ["TOKENFORGE_PIN": pin])
    }

    /// The codes of `secret` for the steps between two instants (the token's clock ran in between).
    func codes(base32 secret: String, from start: Date, to end: Date, digits: Int = 6) throws -> Set<String> {
        let generator = try TOTPGenerator(secret: Secret(base32: secret), algorithm: .sha1, digits: digits)
        let first = Int64(start.timeIntervalSince1970) / 30
        let last = Int64(end.timeIntervalSince1970) / 30 + 1
        return Set((first...last).map { generator.code(step: UInt64($0)) })
    }

    @Test func devicesAndInfoSeeThePro() throws {
        let emulator = try emulator()
        let devices = try run(emulator, ["devices"])
        #expect(devices.stdout == "\(Self.serial)\t20a0:4108\tNitrokey Pro\temulator:NKEMU0001\n")
        let info = try run(emulator, ["info"])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(
            info.stdout.contains(
                "family:      Nitrokey Pro\nfirmware:    0.15\nslots:       0 used, 18 free\nalgorithms:  SHA1"))
        #expect(info.stdout.contains("PIN:         admin PIN 3 tries left, user PIN 3 tries left"))
    }

    @Test func programVerifyCodeListAndErase() throws {
        let emulator = try emulator()
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        let program = try run(
            emulator, ["program", "--secret-file", secret, "--account", "zoe.muller@example.org", "--issuer", "ACME"])
        #expect(program.status == 0, "\(program.stderr)")
        #expect(program.stdout.contains("programmed slot 0 of token \(Self.serial)"))
        #expect(program.stdout.contains("verified: the token's code matches this computer's; seed sent in clear"))
        #expect(program.stdout.contains(#"the token keeps the name "ACME:zoe.muller""#))
        let before = Int(Date().timeIntervalSince1970)
        let code = try run(emulator, ["code", "--slot", "0"])
        let after = Int(Date().timeIntervalSince1970)
        #expect(code.status == 0, "\(code.stderr)")
        let oathtoolCodes = try Set(
            [before, after].map { try oathtool(["--totp", "-b", "--now=@\($0)", Self.base32]) })
        #expect(oathtoolCodes.contains(code.stdout.trimmingCharacters(in: .newlines)))
        #expect(try run(emulator, ["slots"]).stdout == "0\tTOTP SHA1 6 digits 30 s\tACME:zoe.muller\n")
        #expect(try run(emulator, ["erase", "0"]).stdout == "erased slot 0\n")
        #expect(try run(emulator, ["slots"]).stdout == "no slot is in use\n")
    }

    @Test func whatTheProCannotHoldIsRefusedWithWhatItSupports() throws {
        let emulator = try emulator()
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        let sha256 = try run(emulator, ["program", "--secret-file", secret, "--account", "a", "--algorithm", "SHA256"])
        #expect(sha256.status == 78)
        #expect(
            sha256.stderr.contains(
                "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 40 bytes: SHA256 was asked"))
        let seven = try run(emulator, ["program", "--secret-file", secret, "--account", "a", "--digits", "7"])
        #expect(seven.status == 78)
        #expect(seven.stderr.contains("7 digits were asked"))
        let hotpSlot = try run(emulator, ["program", "--secret-file", secret, "--account", "a", "--slot", "15"])
        #expect(hotpSlot.status == 78)
        #expect(hotpSlot.stderr.contains("HOTP slots 15–17"))
        #expect(try run(emulator, ["slots"]).stdout == "no slot is in use\n")
    }

    @Test func firmwareZeroSevenTakesTwentyByteSecretsOnly() throws {
        let emulator = try emulator(firmware: "0.7")
        let long = try emulator.directory.file("long", contents: String(repeating: "GEZDGNBV", count: 5))
        let refused = try run(emulator, ["program", "--secret-file", long, "--account", "a"])
        #expect(refused.status == 78)
        #expect(
            refused.stderr.contains(
                "secrets up to 20 bytes (firmware 0.7 takes 20-byte secrets; 0.8 and later take 40): the secret is 25 bytes"
            ))
        let short = try emulator.directory.file("short", contents: Self.base32)
        let programmed = try run(emulator, ["program", "--secret-file", short, "--account", "old", "--digits", "8"])
        #expect(programmed.status == 0, "\(programmed.stderr)")
        #expect(try run(emulator, ["slots"]).stdout == "0\tTOTP SHA1 8 digits 30 s\told\n")
    }

    @Test func hotpGoesToTheHOTPSlots() throws {
        let emulator = try emulator()
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        let program = try run(emulator, ["program", "--secret-file", secret, "--account", "h", "--counter", "5"])
        #expect(program.status == 0, "\(program.stderr)")
        #expect(program.stdout.contains("programmed slot 15"))
        #expect(try run(emulator, ["code", "--slot", "15"]).stdout == "287922  (counter 6)\n")
    }

    @Test func wrongAdminPINsCountDownToABlockThatResetCannotLift() throws {
        let emulator = try emulator()
        let first = try run(emulator, ["pin", "verify"], pin: "00000000")
        #expect(first.status == 77)
        #expect(first.stderr.contains("wrong PIN: 2 tries left"))
        let second = try run(emulator, ["pin", "verify"], pin: "00000000")
        #expect(second.status == 77)
        #expect(second.stderr.contains("wrong PIN: 1 try left"))
        let blocked = try run(emulator, ["pin", "verify"], pin: "00000000")
        #expect(blocked.status == 77)
        #expect(blocked.stderr.contains("the admin PIN is blocked"))
        #expect(try run(emulator, ["reset", "--yes"]).status == 77)
    }

    @Test func resetNeedsConfirmationAndTheAdminPIN() throws {
        let emulator = try emulator()
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        #expect(try run(emulator, ["program", "--secret-file", secret, "--account", "a"]).status == 0)
        #expect(try run(emulator, ["reset"], stdin: "no\n").status == 78)
        let wrong = try run(emulator, ["reset"], stdin: "\(Self.serial)\n", pin: "00000000")
        #expect(wrong.status == 77)
        let reset = try run(emulator, ["reset"], stdin: "\(Self.serial)\n")
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(reset.stdout.contains("PINs back to the factory defaults"))
        #expect(try run(emulator, ["slots"]).stdout == "no slot is in use\n")
    }

    @Test func pinSetSaysTheProAlwaysHasOneAndPinChangeWorks() throws {
        let emulator = try emulator()
        let set = try run(emulator, ["pin", "set"])
        #expect(set.status == 78)
        #expect(set.stderr.contains("tokenforge pin change"))
        let change = try emulator.tokenforge(
            ["pin", "change"], environment: ["TOKENFORGE_PIN": "12345678", "TOKENFORGE_NEW_PIN": "87654321"])
        #expect(change.status == 0, "\(change.stderr)")
        #expect(try run(emulator, ["pin", "verify"], pin: "87654321").status == 0)
    }

    @Test func theClockCannotBeReadButIsSet() throws {
        let emulator = try emulator()
        #expect(
            try run(emulator, ["time"]).stdout
                == "clock: cannot be read from this token; `tokenforge time --sync` sets it\n")
        #expect(try run(emulator, ["time", "--sync"]).stdout == "clock set to this computer's\n")
        let at = try run(emulator, ["code", "--slot", "0", "--at", "1700000000"])
        #expect(at.status == 78)
    }

    @Test func slotsSurviveARestartAndCodeSetsTheLostClock() throws {
        let emulator = try emulator()
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        #expect(try run(emulator, ["program", "--secret-file", secret, "--account", "kept"]).status == 0)
        try emulator.stop()
        try emulator.start()
        let before = Date()
        let code = try run(emulator, ["code", "--slot", "0"])
        #expect(
            try codes(base32: Self.base32, from: before, to: Date()).contains(
                code.stdout.trimmingCharacters(in: .newlines)))
    }

    @Test func perCommandLatencyIsAnsweredBusyAndPolledThrough() throws {
        let emulator = try emulator(latency: 20)
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        let start = Date()
        let program = try run(emulator, ["program", "--secret-file", secret, "--account", "slow"])
        #expect(program.status == 0, "\(program.stderr)")
        #expect(Date().timeIntervalSince(start) < 3)
        try emulator.control("latency NKEMU0001 0")
    }

    @Test func faultsAreErrorsNeverSuccesses() throws {
        let emulator = try emulator()
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        try emulator.control("stall NKEMU0001 on")
        let stalled = try run(emulator, ["program", "--secret-file", secret, "--account", "a", "--timeout", "300"])
        #expect(stalled.status == 74)
        #expect(stalled.stdout.isEmpty)
        try emulator.control("stall NKEMU0001 off")
        #expect(try run(emulator, ["slots"]).stdout == "no slot is in use\n")
        try emulator.control("drop NKEMU0001 1")
        try emulator.control("corrupt NKEMU0001 1")
        let recovered = try run(emulator, ["program", "--secret-file", secret, "--account", "b"])
        #expect(recovered.status == 0, "\(recovered.stderr)")
        #expect(recovered.stdout.contains("programmed slot 0 of token \(Self.serial)"))
        // Power lost at a flash step (the clock set, the slot written; a right PIN writes nothing): the
        // Pro stops answering and the emulator reports it unplugged; lost during the slot write, the
        // slot's content is unknown and said to be.
        for (steps, status) in [(0, 69), (2, 69), (5, 81)] as [(Int, Int32)] {
            try emulator.control("power-cut NKEMU0001 \(steps)")
            let cut = try run(
                emulator, ["program", "--secret-file", secret, "--account", "c", "--slot", "5", "--force"])
            #expect(cut.status == status, "steps \(steps): \(cut.stderr)")
            #expect(cut.stderr.contains("device disconnected"), "steps \(steps): \(cut.stderr)")
            #expect(cut.stdout.isEmpty)
            try emulator.control("list", reply: "NKEMU0001 unplugged")
            try emulator.control("plug NKEMU0001")
        }
        #expect(try run(emulator, ["slots"]).stdout == "0\tTOTP SHA1 6 digits 30 s\tb\n")
        // The card counts only wrong PINs: three power cuts used no admin-PIN try.
        let info = try run(emulator, ["info"])
        #expect(info.stdout.contains("admin PIN 3 tries left"), "\(info.stdout)")
    }
}
