import Foundation
import OTPCore
import PCSCTransport
import Provisioning
import Testing
import TestSupport
import TokenModel
import TokenTransport
import YubiKeyOATHFamily

/// Yubico's ykman and TokenForge on the same emulated YubiKey, through pcscd and vsmartcard's
/// virtual reader: what one writes the other reads and codes, a password set by one opens the
/// card for the other, and ykman's reset clears what TokenForge wrote.
@Suite(.serialized)
struct YubiKeyPeerTests {
    static let reader = "Virtual PCD 00 00"
    static let rfcSeedBase32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    static let rfcSeed = Secret(bytes: Array("12345678901234567890".utf8))

    @Test func ykmanAndTokenForgeShareTheCard() throws {
        let pcscd = try PCSCDaemon.ensureRunning()
        defer { pcscd.stop() }
        let emulator = try EmulatorHarness(count: 0, extraArguments: ["--yubikey", "1", "--vpcd", "127.0.0.1:35963"])
        defer { try? emulator.stop() }
        try waitForCard()

        // TokenForge programs and verifies; ykman lists and codes.
        try withDriver { (driver: YubiKeyOATHDriver) throws in
            var options = SlotProgrammer.Options()
            options.allowPlainImport = true
            let programmer = SlotProgrammer(driver: driver, options: options)
            let now = Int64(Date().timeIntervalSince1970)
            try programmer.program(
                Self.rfcSeed, configuration: SlotConfiguration(kind: .totp(period: 30), algorithm: .sha1, digits: 8, issuer: "TokenForge", account: "alice"),
                slot: nil, now: now)
            try programmer.program(
                Self.rfcSeed, configuration: SlotConfiguration(kind: .totp(period: 60), algorithm: .sha1, digits: 6, issuer: "TokenForge", account: "bob"),
                slot: nil, now: now)
        }
        let listed = try ykman(["oath", "accounts", "list", "--period"]).split(separator: "\n").map(String.init)
        // ykman 4.0.9 prints the stored name, then the period it parsed from it.
        #expect(listed == ["TokenForge:alice, 30", "60/TokenForge:bob, 60"])
        try waitForFreshStep()
        let time = Int64(Date().timeIntervalSince1970)
        let coded = try ykman(["oath", "accounts", "code", "--single", "TokenForge:alice"])
        #expect(coded == (try oathtool(["--totp", "-d", "8", "-b", "-N", "@\(time)", Self.rfcSeedBase32])))

        // ykman adds; TokenForge lists and codes it at RFC 6238's times.
        _ = try ykman(["oath", "accounts", "add", "--oath-type", "TOTP", "--digits", "8", "Ykman:carol", Self.rfcSeedBase32])
        try withDriver { (driver: YubiKeyOATHDriver) throws in
            let slots = try driver.slots()
            let carol = try #require(slots.first { $0.configuration.label == "Ykman:carol" })
            #expect(carol.configuration.digits == 8)
            #expect(try driver.calculate(carol.slot, at: 59).code == "94287082")
            #expect(try driver.calculate(carol.slot, at: 1_111_111_109).code == "07081804")
        }

        // The built tokenforge finds the card through PC/SC and codes ykman's account.
        let devices = try runTool(CLIRunner.executable.path, ["devices"])
        #expect(devices.hasSuffix("\t1050:0000\tYubiKey OATH\tpcsc:\(Self.reader)"), "tokenforge devices printed \(devices)")
        #expect(try runTool(CLIRunner.executable.path, ["slots"]).contains("2\tTOTP SHA1 8 digits 30 s\tYkman:carol"))
        #expect(try runTool(CLIRunner.executable.path, ["code", "--slot", "2", "--at", "59"]) == "94287082")
        #expect(try runTool(CLIRunner.executable.path, ["erase", "1"]) == "erased slot 1")
        #expect(try ykman(["oath", "accounts", "list"]).split(separator: "\n") == ["TokenForge:alice", "Ykman:carol"])

        // A password TokenForge sets opens the card for ykman, and the other way round.
        try withDriver { (driver: YubiKeyOATHDriver) throws in try driver.setPIN(PIN("tokenforge-password")) }
        #expect(try ykman(["oath", "accounts", "list", "--password", "tokenforge-password"]).contains("Ykman:carol"))
        _ = try ykman(["oath", "access", "change", "--password", "tokenforge-password", "--new-password", "ykman-password"])
        try withDriver { (driver: YubiKeyOATHDriver) throws in
            #expect(throws: TokenError.refused(operation: "VALIDATE", reason: "the OATH password is wrong")) {
                try driver.verifyPIN(PIN("tokenforge-password"))
            }
            try driver.verifyPIN(PIN("ykman-password"))
            #expect(try driver.slots().count == 2)
        }

        // ykman's reset clears what TokenForge wrote, and the password.
        _ = try ykman(["oath", "reset", "--force"])
        try withDriver { (driver: YubiKeyOATHDriver) throws in
            #expect(try driver.tokenInfo().pinSet == false)
            #expect(try driver.slots().isEmpty)
        }
    }

    @Test func theEmulatedCardTakesItsLatencyOverEachCommandAPDU() throws {
        let pcscd = try PCSCDaemon.ensureRunning()
        defer { pcscd.stop() }
        let emulator = try EmulatorHarness(
            count: 0, extraArguments: ["--yubikey", "1", "--vpcd", "127.0.0.1:35963", "--yubikey-latency", "150"])
        defer { try? emulator.stop() }
        try waitForCard()
        let bus = try PCSCBus()
        let reader = try #require(try bus.readers().first { $0.name == Self.reader })
        let connection = try bus.connect(reader)
        let clock = ContinuousClock()
        let start = clock.now
        let select = try connection.transmit([0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01])
        let afterSelect = clock.now
        let list = try connection.transmit([0x00, 0xA1, 0x00, 0x00])
        let afterList = clock.now
        #expect(select.suffix(2) == [0x90, 0x00])
        #expect(list == [0x90, 0x00])
        #expect(afterSelect - start >= .milliseconds(150))
        #expect(afterList - afterSelect >= .milliseconds(150))
    }

    /// A driver on the card for `body`; the exclusive connection ends with it, so ykman can connect.
    func withDriver(_ body: (YubiKeyOATHDriver) throws -> Void) throws {
        let bus = try PCSCBus()
        let reader = try #require(try bus.readers().first { $0.name == Self.reader })
        try body(try YubiKeyOATHDriver(connection: try bus.connect(reader)))
    }

    func ykman(_ arguments: [String]) throws -> String {
        try runTool("/usr/bin/ykman", ["--reader", Self.reader] + arguments, timeout: .seconds(60))
    }

    func waitForCard() throws {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if let reader = try? PCSCBus().readers().first(where: { $0.name == Self.reader }), reader.atr != nil { return }
            usleep(100_000)
        }
        throw HarnessError("the emulated YubiKey did not appear in \(Self.reader) within 15 s: is vpcd configured in pcscd?")
    }

    /// Waits until at least 5 s remain in the 30 s step, so ykman and oathtool see the same one.
    func waitForFreshStep() throws {
        while Int64(Date().timeIntervalSince1970) % 30 > 25 { usleep(200_000) }
    }
}

/// pcscd for the peer test: the one already serving the virtual readers, or one started in the
/// foreground for the test. Failing to get one fails the test.
final class PCSCDaemon {
    private let process: ChildProcess?

    private init(process: ChildProcess?) { self.process = process }

    static func ensureRunning() throws -> PCSCDaemon {
        if virtualReadersListed() { return PCSCDaemon(process: nil) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/pcscd") else {
            throw HarnessError("pcscd is not installed: run scripts/install-deps (pcscd, vsmartcard-vpcd, yubikey-manager)")
        }
        let process = try ChildProcess("/usr/sbin/pcscd", ["--foreground"], timeout: .seconds(600))
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if virtualReadersListed() { return PCSCDaemon(process: process) }
            guard process.isRunning else {
                let result = try process.stop()
                throw HarnessError("pcscd exited (status \(result.status)): \(result.stderr)")
            }
            usleep(100_000)
        }
        let result = try process.stop()
        throw HarnessError(
            "pcscd lists no \"\(YubiKeyPeerTests.reader)\" within 15 s (is vsmartcard-vpcd installed?): \(result.stderr)")
    }

    private static func virtualReadersListed() -> Bool {
        ((try? PCSCBus().readers()) ?? []).contains { $0.name == YubiKeyPeerTests.reader }
    }

    func stop() { _ = try? process?.stop() }
}
