import OATHWire
import OTPCore
import Provisioning
import Testing
import TestSupport
import TokenDrivers
import TokenModel
import TokenTesting
import TokenTransport
import VirtualToken
import YubiKeyOATHFamily

/// The YKOATH driver against an in-process virtual OATH card, through the real codec, and the
/// provisioning workflow on top; codes checked against oathtool.
struct YubiKeyOATHDriverTests {
    let rfcSeed = Secret(bytes: Array("12345678901234567890".utf8))

    func makeDriver(_ card: OATHCard? = nil) throws -> (YubiKeyOATHDriver, OATHCard) {
        let card = try card ?? OATHCard(medium: MemoryFlashMedium(), serial: 12_345_678)
        return (try YubiKeyOATHDriver(connection: InProcessSmartCardConnection(card: card)), card)
    }

    func programmer(_ driver: any OTPTokenDriver, overwrite: Bool = false) -> SlotProgrammer {
        var options = SlotProgrammer.Options()
        options.allowPlainImport = true
        options.overwrite = overwrite
        return SlotProgrammer(driver: driver, options: options)
    }

    func totp(_ account: String = "alice", period: UInt32 = 30, digits: Int = 6, algorithm: OTPAlgorithm = .sha1) -> SlotConfiguration {
        SlotConfiguration(kind: .totp(period: period), algorithm: algorithm, digits: digits, issuer: "Example", account: account)
    }

    @Test func theFamilyOpensTheDriverOnASmartCardOnly() throws {
        let card = try OATHCard(medium: MemoryFlashMedium())
        let driver = try TokenFamily.yubiKeyOATH.openDriver(InProcessSmartCardConnection(card: card))
        #expect(driver.family == .yubiKeyOATH)
        #expect(TokenFamily.yubiKeyOATH.applicationID == oathApplicationID)
    }

    @Test func programmedTOTPIsVerifiedAndCodedAsOathtoolCodesIt() throws {
        let (driver, _) = try makeDriver()
        let result = try programmer(driver).program(rfcSeed, configuration: totp(digits: 8), slot: nil, now: 1_111_111_109)
        #expect(result.slot == SlotIndex(0) && result.encrypted == false && result.clockDriftBeforeSync == nil)
        #expect(try driver.calculate(SlotIndex(0), at: 1_111_111_109).code == "07081804")  // RFC 6238 Appendix B
        for time: UInt64 in [59, 1_234_567_890, 2_000_000_000] {
            let expected = try oathtool(["--totp", "-d", "8", "-N", "@\(time)", "3132333435363738393031323334353637383930"])
            #expect(try driver.calculate(SlotIndex(0), at: time).code == expected)
        }
    }

    @Test func aSixtySecondPeriodIsInTheNameAndInTheCode() throws {
        let (driver, card) = try makeDriver()
        let written = try programmer(driver).program(rfcSeed, configuration: totp(period: 60), slot: nil, now: 1_700_000_000)
        #expect(written.storedName == "60/Example:alice")
        #expect(card.storedCredentialNames == ["60/Example:alice"])
        let expected = try oathtool(["--totp", "-s", "60", "-N", "@1700000000", "3132333435363738393031323334353637383930"])
        #expect(try driver.calculate(SlotIndex(0), at: 1_700_000_000).code == expected)
        #expect(try driver.slots().map(\.configuration) == [totp(period: 60)])
    }

    @Test(arguments: [OTPAlgorithm.sha256, .sha512])
    func otherHashesAreProgrammedAndVerified(algorithm: OTPAlgorithm) throws {
        let (driver, _) = try makeDriver()
        let seed = Secret(bytes: (0..<algorithm.outputByteCount).map { UInt8($0 * 3 & 0xFF) })
        try programmer(driver).program(seed, configuration: totp(digits: 7, algorithm: algorithm), slot: nil, now: 1_700_000_000)
        #expect(try driver.slots().first?.configuration == totp(digits: 7, algorithm: algorithm))
    }

    @Test func hotpIsVerifiedAtItsCounterAndAdvances() throws {
        let (driver, _) = try makeDriver()
        let configuration = SlotConfiguration(kind: .hotp(counter: 5), algorithm: .sha1, digits: 6, issuer: "", account: "door")
        let result = try programmer(driver).program(rfcSeed, configuration: configuration, slot: nil, now: 0)
        #expect(result.nextCounter == 6)
        #expect(try driver.calculate(SlotIndex(0), at: nil) == CalculatedCode(code: "287922", counter: 6))  // RFC 4226 counter 6
    }

    @Test func aNameOver64BytesIsRefusedBeforeAnythingIsWritten() throws {
        let (driver, card) = try makeDriver()
        let long = totp(String(repeating: "a", count: 57))  // "Example:" + 57 = 65 bytes
        #expect(throws: TokenError.self) { try programmer(driver).program(rfcSeed, configuration: long, slot: nil, now: 0) }
        #expect(card.storedCredentialNames.isEmpty)
    }

    @Test func withoutPlainImportTheSeedIsNotSent() throws {
        let (driver, card) = try makeDriver()
        #expect(throws: TokenError.untrusted(.plainImport)) {
            try SlotProgrammer(driver: driver).program(rfcSeed, configuration: totp(), slot: nil, now: 0)
        }
        #expect(card.storedCredentialNames.isEmpty)
    }

    @Test func the33rdCredentialIsRefusedBeforeWriting() throws {
        let (driver, _) = try makeDriver()
        for index in 0..<32 { try programmer(driver).program(rfcSeed, configuration: totp("u\(index)"), slot: nil, now: 0) }
        #expect(throws: TokenError.slot(nil, .full(""))) {
            try programmer(driver).program(rfcSeed, configuration: totp("u32"), slot: nil, now: 0)
        }
        #expect(try driver.slots().count == 32)  // LIST over 255 bytes came back chained
    }

    @Test func aUsedSlotIsReplacedOnlyWithForce() throws {
        let (driver, card) = try makeDriver()
        try programmer(driver).program(rfcSeed, configuration: totp("old"), slot: nil, now: 0)
        #expect(throws: TokenError.slot(SlotIndex(0), .occupied)) {
            try programmer(driver).program(rfcSeed, configuration: totp("new"), slot: SlotIndex(0), now: 0)
        }
        try programmer(driver, overwrite: true).program(rfcSeed, configuration: totp("new"), slot: SlotIndex(0), now: 0)
        #expect(card.storedCredentialNames == ["Example:new"])
    }

    @Test func aPasswordSetIsNeededByTheNextSessionAndProvenBothWays() throws {
        let (driver, card) = try makeDriver()
        try programmer(driver).program(rfcSeed, configuration: totp(), slot: nil, now: 0)
        try driver.setPIN(PIN("correct horse"))
        let (next, _) = try makeDriver(card)
        #expect(try next.capabilities().pinToRead)
        #expect(throws: TokenError.pin(.required(operation: "LIST"))) { try next.slots() }
        #expect(throws: TokenError.refused(operation: "VALIDATE", reason: "the OATH password is wrong")) {
            try next.verifyPIN(PIN("wrong"))
        }
        try next.verifyPIN(PIN("correct horse"))
        #expect(try next.slots().count == 1)
        try next.changePIN(from: PIN("correct horse"), to: PIN("battery staple"))
        let (third, _) = try makeDriver(card)
        try third.verifyPIN(PIN("battery staple"))
        #expect(try third.calculate(SlotIndex(0), at: 59).code == "287082")
    }

    @Test func resetClearsCredentialsAndPasswordAndChangesTheDeviceID() throws {
        let (driver, _) = try makeDriver()
        let before = try driver.serialNumber()
        try programmer(driver).program(rfcSeed, configuration: totp(), slot: nil, now: 0)
        try driver.setPIN(PIN("pw"))
        try driver.factoryReset(pin: nil)
        #expect(try driver.slots().isEmpty)
        #expect(try driver.tokenInfo().pinSet == false)
        #expect(try driver.serialNumber() != before)
    }

    @Test func theApplicationHasNoClock() throws {
        let (driver, _) = try makeDriver()
        #expect(try driver.time() == nil)
        #expect(throws: TokenError.self) { try driver.setTime(1_700_000_000) }
        try programmer(driver).program(rfcSeed, configuration: totp(), slot: nil, now: 0)
        #expect(throws: TokenError.self) { try driver.calculate(SlotIndex(0), at: nil) }
    }

    @Test func deletingASlotMovesTheLaterOnesUp() throws {
        let (driver, card) = try makeDriver()
        for name in ["a", "b", "c"] { try programmer(driver).program(rfcSeed, configuration: totp(name), slot: nil, now: 0) }
        try driver.deleteSlot(SlotIndex(1))
        #expect(card.storedCredentialNames == ["Example:a", "Example:c"])
        #expect(try driver.slots().map(\.configuration.account) == ["a", "c"])
        #expect(throws: TokenError.slot(SlotIndex(2), .empty)) { try driver.deleteSlot(SlotIndex(2)) }
    }

    @Test func aRemovedCardIsDisconnectedAndAStalledOneTimesOut() throws {
        let (driver, card) = try makeDriver()
        card.faults.disconnected = true
        #expect(throws: TokenError.disconnected("the card in Virtual PCD 00 00 was removed")) { try driver.slots() }
        card.faults.disconnected = false
        card.faults.stalled = true
        #expect(throws: TokenError.timedOut(operation: nil)) { try driver.slots() }
    }

    @Test func infoShowsVersionAndFreeSlots() throws {
        let (driver, card) = try makeDriver()
        try programmer(driver).program(rfcSeed, configuration: totp(), slot: nil, now: 0)
        let info = try driver.tokenInfo()
        #expect(info.firmware == "5.4.3" && info.slotCount == 32 && info.freeSlots == 31 && info.time == nil)
        #expect(info.serial == OATHAccessKey.deviceID(salt: card.salt))
    }
}
