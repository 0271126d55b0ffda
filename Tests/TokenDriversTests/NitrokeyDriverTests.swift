import Discovery
import EmulatorServer
import NitrokeyProFamily
import NitrokeyWire
import OTPCore
import Testing
import TokenDrivers
import TokenModel
import TokenTesting
import TokenTransport
import VirtualToken

/// The Nitrokey driver against an in-process emulated Pro, through the real codec and feature reports.
struct NitrokeyDriverTests {
    let rfcSeed = Secret(bytes: Array("12345678901234567890".utf8))

    func makeDevice(firmware: NitrokeyFirmware = .zeroFifteen, latency: Int = 0) throws -> NitrokeyProDevice {
        var configuration = NitrokeyPro.Configuration()
        configuration.firmware = firmware
        configuration.latency = .uniform(milliseconds: latency)
        let pro = try NitrokeyPro(
            medium: MemoryFlashMedium(), clock: SystemDeviceClock(), configuration: configuration,
            cardSerial: 0x4E4B_0001)
        return NitrokeyProDevice(pro: pro, name: "NKEMU0001")
    }

    func makeDriver(_ device: NitrokeyProDevice, timeout: Int = 1_000) throws -> NitrokeyDriver {
        try NitrokeyDriver(
            connection: InProcessHIDConnection(device: device),
            settings: DriverSettings(timeoutMilliseconds: timeout, clock: SystemTransportClock()))
    }

    func totp(digits: Int = 6, algorithm: OTPAlgorithm = .sha1) -> SlotConfiguration {
        SlotConfiguration(kind: .totp(period: 30), algorithm: algorithm, digits: digits, issuer: "ACME", account: "zoe")
    }

    @Test func theRegistryOpensANitrokeyDriverForAPro() throws {
        let connection = InProcessHIDConnection(device: try makeDevice())
        let family = try #require(TokenRegistry.family(of: connection.info))
        #expect(family == .nitrokeyPro)
        let driver = try family.openDriver(connection, settings: DriverSettings(timeoutMilliseconds: 500))
        #expect(driver is NitrokeyDriver)
        #expect(try driver.serialNumber() == "00000000000000004E4B0001")
        #expect(TokenRegistry.families.contains(.libremKey))
    }

    @Test func infoCountsSlotsAndBothPINsTries() throws {
        let driver = try makeDriver(try makeDevice())
        let info = try driver.tokenInfo()
        #expect(info.family == "Nitrokey Pro")
        #expect(info.firmware == "0.15")
        #expect(info.slotCount == 18)
        #expect(info.freeSlots == 18)
        #expect(info.pinRetries == 3)
        #expect(info.userPINRetries == 3)
        #expect(info.time == nil)
    }

    @Test func aWrongAdminPINSaysTheTriesLeftThenTheBlock() throws {
        let driver = try makeDriver(try makeDevice())
        let blocked = TokenError.pin(.blocked(pin: "admin PIN", recovery: NitrokeyDriver.blockedRecovery))
        #expect(throws: TokenError.pin(.wrong(retriesLeft: 2))) { try driver.verifyPIN(PIN("00000000")) }
        #expect(throws: TokenError.pin(.wrong(retriesLeft: 1))) { try driver.verifyPIN(PIN("00000000")) }
        #expect(throws: blocked) { try driver.verifyPIN(PIN("00000000")) }
        #expect(throws: blocked) { try driver.verifyPIN(PIN("12345678")) }
    }

    @Test func writingWithoutTheAdminPINIsNotAuthorised() throws {
        let driver = try makeDriver(try makeDevice())
        #expect(throws: TokenError.pin(.required(operation: "writing TOTP slot 0"))) {
            try driver.writeSlot(
                SlotIndex(0), secret: rfcSeed, configuration: totp(), overwrite: true, policy: SeedImportPolicy())
        }
    }

    @Test func writeSetTimeAndCodeMatchRFC6238() throws {
        let driver = try makeDriver(try makeDevice())
        try driver.verifyPIN(PIN("12345678"))
        let written = try driver.writeSlot(
            SlotIndex(1), secret: rfcSeed, configuration: totp(digits: 8), overwrite: false, policy: SeedImportPolicy())
        #expect(written == WrittenSlot(slot: SlotIndex(1), encrypted: false, storedName: nil))
        try driver.setTime(1_234_567_890)
        #expect(try driver.calculate(SlotIndex(1), at: nil).code == "89005924")
        #expect(try driver.slots() == [SlotEntry(slot: SlotIndex(1), configuration: totp(digits: 8))])
    }

    @Test func longNamesAreCutToFifteenBytesAndReported() throws {
        let driver = try makeDriver(try makeDevice())
        try driver.verifyPIN(PIN("12345678"))
        var configuration = totp()
        configuration.account = "zoe.muller@example.org"
        let written = try driver.writeSlot(
            SlotIndex(0), secret: rfcSeed, configuration: configuration, overwrite: false, policy: SeedImportPolicy())
        #expect(written.storedName == "ACME:zoe.muller")
        #expect(try driver.name(of: .totp(0)) == "ACME:zoe.muller")
    }

    @Test func whatTheProCannotHoldIsRefusedSayingWhatItSupports() throws {
        let capabilities = try makeDriver(try makeDevice()).capabilities()
        #expect(
            throws: TokenError.unsupported(
                "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 40 bytes: SHA256 was asked")
        ) { try capabilities.check(totp(algorithm: .sha256), secretBytes: 20) }
        #expect(
            throws: TokenError.unsupported(
                "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 40 bytes: 7 digits were asked")
        ) { try capabilities.check(totp(digits: 7), secretBytes: 20) }
        #expect(
            throws: TokenError.unsupported(
                "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 40 bytes: the secret is 41 bytes")
        ) { try capabilities.check(totp(), secretBytes: 41) }
        let old = try makeDriver(try makeDevice(firmware: .zeroSeven)).capabilities()
        #expect(
            throws: TokenError.unsupported(
                "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 20 bytes (firmware 0.7 takes 20-byte secrets; 0.8 and later take 40): the secret is 32 bytes"
            )
        ) { try old.check(totp(), secretBytes: 32) }
    }

    @Test func firmwareZeroSevenIsWrittenAndErasedWithAuthorize() throws {
        let driver = try makeDriver(try makeDevice(firmware: .zeroSeven))
        #expect(driver.layout == .authorizeThenWrite)
        try driver.verifyPIN(PIN("12345678"))
        try driver.writeSlot(
            SlotIndex(2), secret: rfcSeed, configuration: totp(digits: 8), overwrite: false, policy: SeedImportPolicy())
        try driver.setTime(59)
        #expect(try driver.calculate(SlotIndex(2), at: nil).code == "94287082")
        try driver.deleteSlot(SlotIndex(2))
        #expect(try driver.slots().isEmpty)
    }

    @Test func hotpSlotsAreFifteenToSeventeenAndCountUp() throws {
        let driver = try makeDriver(try makeDevice())
        try driver.verifyPIN(PIN("12345678"))
        let hotp = SlotConfiguration(kind: .hotp(counter: 0), algorithm: .sha1, digits: 6, issuer: "", account: "h")
        #expect(try driver.chooseSlot(nil, for: hotp.kind, overwrite: false) == SlotIndex(15))
        try driver.writeSlot(
            SlotIndex(16), secret: rfcSeed, configuration: hotp, overwrite: false, policy: SeedImportPolicy())
        #expect(try driver.calculate(SlotIndex(16), at: nil) == CalculatedCode(code: "755224", counter: 0))
        #expect(try driver.calculate(SlotIndex(16), at: nil) == CalculatedCode(code: "287082", counter: 1))
        #expect(
            throws: TokenError.slot(
                SlotIndex(16),
                .wrongKind(
                    "it is an HOTP slot; the Nitrokey Pro has TOTP slots 0–14 and HOTP slots 15–17 (its HOTP slots 0–2)"))
        ) {
            try driver.chooseSlot(SlotIndex(16), for: .totp(period: 30), overwrite: true)
        }
        #expect(
            throws: TokenError.slot(
                SlotIndex(18),
                .outOfRange("the Nitrokey Pro has TOTP slots 0–14 and HOTP slots 15–17 (its HOTP slots 0–2)"))
        ) { try driver.chooseSlot(SlotIndex(18), for: hotp.kind, overwrite: true) }
    }

    @Test func aUsedSlotNeedsOverwriteAndTOTPCodesOnlyComeFromTheDeviceClock() throws {
        let driver = try makeDriver(try makeDevice())
        try driver.verifyPIN(PIN("12345678"))
        try driver.writeSlot(
            SlotIndex(0), secret: rfcSeed, configuration: totp(), overwrite: false, policy: SeedImportPolicy())
        #expect(throws: TokenError.slot(SlotIndex(0), .occupied)) {
            try driver.chooseSlot(SlotIndex(0), for: .totp(period: 30), overwrite: false)
        }
        #expect(try driver.chooseSlot(nil, for: .totp(period: 30), overwrite: false) == SlotIndex(1))
        #expect(
            throws: TokenError.unsupported(
                "the Nitrokey Pro computes TOTP codes on its own clock only: a code for another time cannot be asked")
        ) { try driver.calculate(SlotIndex(0), at: 1_700_000_000) }
    }

    @Test func anAllZeroSecretIsRefused() throws {
        let driver = try makeDriver(try makeDevice())
        try driver.verifyPIN(PIN("12345678"))
        #expect(
            throws: TokenError.unsupported(
                "the Nitrokey Pro cannot take an all-zero secret: it keeps the slot's old secret instead")
        ) {
            try driver.writeSlot(
                SlotIndex(0), secret: Secret(bytes: [0, 0]), configuration: totp(), overwrite: false,
                policy: SeedImportPolicy())
        }
    }

    @Test func pollingFollowsTheDevicesPaceWithoutSleepingAFixedTenthOfASecond() throws {
        let driver = try makeDriver(try makeDevice(latency: 15))
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<4 { _ = try driver.adminRetryCount() }
        let elapsed = clock.now - start
        #expect(elapsed >= .milliseconds(60))
        #expect(elapsed < .milliseconds(250))
        #expect(driver.polls < 60)
    }

    @Test func aDroppedCommandIsSentAgain() throws {
        let device = try makeDevice()
        let driver = try makeDriver(device)
        device.pro.faults.dropIncoming = 1
        #expect(try driver.adminRetryCount() == 3)
    }

    @Test func aDamagedAnswerIsReadAgain() throws {
        let device = try makeDevice()
        let driver = try makeDriver(device)
        device.pro.faults.corruptOutgoing = 1
        #expect(try driver.userRetryCount() == 3)
    }

    @Test func aStalledDeviceTimesOutOnTheDriversClock() throws {
        let device = try makeDevice()
        let clock = ManualTransportClock()
        let driver = try NitrokeyDriver(
            connection: InProcessHIDConnection(device: device, clock: clock),
            settings: DriverSettings(timeoutMilliseconds: 2_000, clock: clock))
        device.pro.faults.stalled = true
        let before = clock.now
        #expect(throws: TokenError.timedOut(operation: "GET_PASSWORD_RETRY_COUNT")) { try driver.adminRetryCount() }
        #expect(clock.now - before >= .seconds(2))
        #expect(clock.now - before < .seconds(3))
    }

    @Test func factoryResetNeedsTheAdminPIN() throws {
        let driver = try makeDriver(try makeDevice())
        try driver.verifyPIN(PIN("12345678"))
        try driver.writeSlot(
            SlotIndex(0), secret: rfcSeed, configuration: totp(), overwrite: false, policy: SeedImportPolicy())
        #expect(throws: TokenError.pin(.wrong(retriesLeft: 2))) { try driver.factoryReset(pin: PIN("00000000")) }
        try driver.factoryReset(pin: PIN("12345678"))
        #expect(try driver.tokenInfo().freeSlots == 18)
        #expect(
            throws: TokenError.unsupported(
                "a Nitrokey Pro always has an admin PIN (12345678 when new or reset): change it with `tokenforge pin change`")
        ) { try driver.setPIN(PIN("12345678")) }
    }
}
