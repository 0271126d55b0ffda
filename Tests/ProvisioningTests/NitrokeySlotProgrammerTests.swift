import EmulatorServer
import NitrokeyProFamily
import NitrokeyWire
import OTPCore
import Provisioning
import Testing
import TokenDrivers
import TokenModel
import TokenTesting
import VirtualToken

/// Program + verify on an in-process Nitrokey Pro, through the same `SlotProgrammer` as spec tokens.
struct NitrokeySlotProgrammerTests {
    let now: Int64 = 1_800_000_000

    func makeDriver(firmware: NitrokeyFirmware = .zeroFifteen) throws -> NitrokeyDriver {
        var configuration = NitrokeyPro.Configuration()
        configuration.firmware = firmware
        let pro = try NitrokeyPro(medium: MemoryFlashMedium(), clock: SystemDeviceClock(), configuration: configuration)
        let driver = try NitrokeyDriver(
            connection: InProcessHIDConnection(device: NitrokeyProDevice(pro: pro, name: "NKEMU0001")),
            settings: DriverSettings(timeoutMilliseconds: 500))
        try driver.verifyPIN(PIN("12345678"))
        return driver
    }

    func configuration(
        _ kind: SlotConfiguration.Kind = .totp(period: 30), digits: Int = 6, algorithm: OTPAlgorithm = .sha1
    )
        -> SlotConfiguration
    {
        SlotConfiguration(
            kind: kind, algorithm: algorithm, digits: digits, issuer: "ACME", account: "zoe.muller@example.org")
    }

    @Test func programsSetsTheClockAndVerifiesAgainstTheHost() throws {
        let driver = try makeDriver()
        let result = try SlotProgrammer(driver: driver).program(
            Secret.random(byteCount: 40), configuration: configuration(digits: 8), slot: nil, now: now)
        #expect(result.slot == SlotIndex(0))
        #expect(!result.encrypted)
        #expect(result.clockDriftBeforeSync == nil)
        #expect(result.storedName == "ACME:zoe.muller")
    }

    @Test func firmwareZeroSevenProgramsTwentyByteSecretsAndRefusesLongerOnes() throws {
        let driver = try makeDriver(firmware: .zeroSeven)
        let programmer = SlotProgrammer(driver: driver)
        #expect(
            try programmer.program(
                Secret.random(byteCount: 20), configuration: configuration(), slot: SlotIndex(4), now: now
            ).slot == SlotIndex(4))
        #expect(
            throws: TokenError.unsupported(
                "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 20 bytes (firmware 0.7 takes 20-byte secrets; 0.8 and later take 40): the secret is 32 bytes"
            )
        ) {
            try programmer.program(
                Secret.random(byteCount: 32), configuration: configuration(), slot: SlotIndex(5), now: now)
        }
        #expect(try driver.slots().map(\.slot) == [SlotIndex(4)])
    }

    @Test func refusesWhatTheProCannotHoldBeforeWritingAnything() throws {
        let driver = try makeDriver()
        let programmer = SlotProgrammer(driver: driver)
        let summary = "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 40 bytes"
        let refusals: [(SlotConfiguration, String)] = [
            (configuration(algorithm: .sha256), "\(summary): SHA256 was asked"),
            (configuration(digits: 7), "\(summary): 7 digits were asked"),
            (configuration(.totp(period: 70_000)), "the Nitrokey Pro takes TOTP periods of 1 to 65535 s: 70000 s was asked"),
        ]
        for (bad, reason) in refusals {
            #expect(throws: TokenError.unsupported(reason)) {
                try programmer.program(Secret.random(byteCount: 20), configuration: bad, slot: nil, now: now)
            }
        }
        #expect(try driver.slots().isEmpty)
    }

    @Test func hotpVerificationUsesOneCounter() throws {
        let driver = try makeDriver()
        let secret = Secret(bytes: Array("12345678901234567890".utf8))
        let result = try SlotProgrammer(driver: driver).program(
            secret, configuration: configuration(.hotp(counter: 5)), slot: nil, now: now)
        #expect(result.slot == SlotIndex(15))
        #expect(result.nextCounter == 6)
        #expect(try driver.calculate(result.slot, at: nil).code == "287922")
    }

    @Test func aUsedSlotIsRefusedWithoutOverwrite() throws {
        let driver = try makeDriver()
        _ = try SlotProgrammer(driver: driver).program(
            Secret.random(byteCount: 20), configuration: configuration(), slot: SlotIndex(2), now: now)
        #expect(throws: TokenError.slot(SlotIndex(2), .occupied)) {
            try SlotProgrammer(driver: driver).program(
                Secret.random(byteCount: 20), configuration: configuration(), slot: SlotIndex(2), now: now)
        }
        var options = SlotProgrammer.Options()
        options.overwrite = true
        #expect(
            try SlotProgrammer(driver: driver, options: options).program(
                Secret.random(byteCount: 20), configuration: configuration(), slot: SlotIndex(2), now: now
            ).slot == SlotIndex(2))
    }
}
