import Discovery
import EmulatorServer
import OTPCore
import Provisioning
import SpecTokenFamily
import Testing
import TokenDrivers
import TokenModel
import TokenTesting
import TokenWire
import VirtualToken

/// The driver and programmer against an in-process virtual token, through the real codec.
struct SlotProgrammerTests {
    let clock = ManualDeviceClock(seconds: 1_700_000_000)
    let transportClock = ManualTransportClock()
    let device: SpecTokenDevice
    let driver: SpecTokenDriver
    let now: Int64 = 1_800_000_000

    init() throws {
        let token = try SpecToken(medium: MemoryFlashMedium(), clock: clock)
        device = SpecTokenDevice(token: token, clock: DriftingClock())
        driver = try SpecTokenDriver(
            connection: InProcessHIDConnection(device: device, clock: transportClock),
            settings: DriverSettings(timeoutMilliseconds: 2_000, clock: transportClock))
        try driver.setPIN(PIN("123456"))
        try driver.verifyPIN(PIN("123456"))
    }

    var options: SlotProgrammer.Options {
        var options = SlotProgrammer.Options()
        options.allowTestTokens = true
        return options
    }

    let totp = SlotConfiguration(kind: .totp(period: 30), algorithm: .sha256, digits: 8, issuer: "ACME", account: "zoe")

    @Test func programsEncryptedSetsTheClockAndVerifies() throws {
        let secret = Secret.random(for: .sha256)
        let result = try SlotProgrammer(driver: driver, options: options).program(secret, configuration: totp, slot: nil, now: now)
        #expect(result.slot == SlotIndex(0))
        #expect(result.encrypted)
        #expect(result.clockDriftBeforeSync == nil)
        #expect(try driver.time() == UInt64(now))
        let expected = try TOTPGenerator(secret: secret, algorithm: .sha256, digits: 8).code(at: now + 90)
        #expect(try driver.calculate(SlotIndex(0), at: UInt64(now + 90)).code == expected)
    }

    @Test func reportsTheClockDriftItCorrected() throws {
        try driver.setTime(UInt64(now - 120))
        let result = try SlotProgrammer(driver: driver, options: options).program(Secret.random(byteCount: 20), configuration: totp, slot: SlotIndex(3), now: now)
        #expect(result.clockDriftBeforeSync == -120)
    }

    @Test func refusesTestTokensUnlessAllowed() throws {
        #expect(throws: TokenError.untrusted(.testToken)) {
            try SlotProgrammer(driver: driver).program(Secret.random(byteCount: 20), configuration: totp, slot: nil, now: now)
        }
        #expect(try driver.slots().isEmpty)
    }

    @Test func refusesAUsedSlotWithoutOverwrite() throws {
        let programmer = SlotProgrammer(driver: driver, options: options)
        _ = try programmer.program(Secret.random(byteCount: 20), configuration: totp, slot: SlotIndex(1), now: now)
        #expect(throws: TokenError.slot(SlotIndex(1), .occupied)) {
            try programmer.program(Secret.random(byteCount: 20), configuration: totp, slot: SlotIndex(1), now: now)
        }
        var overwrite = options
        overwrite.overwrite = true
        #expect(try SlotProgrammer(driver: driver, options: overwrite).program(Secret.random(byteCount: 20), configuration: totp, slot: SlotIndex(1), now: now).slot == SlotIndex(1))
    }

    @Test func hotpVerificationUsesOneCounter() throws {
        let hotp = SlotConfiguration(kind: .hotp(counter: 5), algorithm: .sha1, digits: 6, issuer: "", account: "bob")
        let secret = Secret(bytes: Array("12345678901234567890".utf8))
        let result = try SlotProgrammer(driver: driver, options: options).program(secret, configuration: hotp, slot: nil, now: now)
        #expect(result.nextCounter == 6)
        #expect(try driver.calculate(result.slot, at: nil).code == "287922")
    }

    @Test func wrongPINsReportTheRetriesLeftThenTheBlock() throws {
        let fresh = try SpecTokenDriver(connection: InProcessHIDConnection(device: device))
        #expect(throws: TokenError.pin(.wrong(retriesLeft: 7))) { try fresh.verifyPIN(PIN("000000")) }
        for left in (1...6).reversed() {
            #expect(throws: TokenError.pin(.wrong(retriesLeft: left))) {
                try fresh.verifyPIN(PIN("000000"))
            }
        }
        #expect(throws: TokenError.pin(.blocked(pin: "PIN", recovery: SpecTokenDriver.blockedRecovery))) {
            try fresh.verifyPIN(PIN("000000"))
        }
    }

    @Test func aStalledTokenTimesOutOnTheDriversClockAndAnIdempotentRequestIsRetried() throws {
        device.token.faults.stalled = true
        let before = transportClock.now
        #expect(throws: TokenError.timedOut(operation: "GET_INFO")) { try driver.info() }
        // GET_INFO is tried three times, each waiting out the 2 s deadline on the manual clock.
        #expect(transportClock.now - before == .seconds(6))
        device.token.faults.stalled = false
        device.token.faults.dropIncoming = 1
        #expect(try driver.info().slotCount == 32)
    }

    @Test func aCorruptedAnswerIsAnErrorNeverASuccess() throws {
        device.token.faults.corruptOutgoing = 1
        #expect {
            try driver.deleteSlot(SlotIndex(0))
        } throws: { error in
            switch error as? TokenError {
            case .protocolViolation?, .transport?, .timedOut?: true
            default: false
            }
        }
    }

    @Test func aLostAnswerToAWriteIsNotRetried() throws {
        device.token.faults.stalled = true
        let write = SlotWrite(slot: SlotIndex(0), configuration: totp, seed: .plain(Secret.random(byteCount: 20)))
        #expect(throws: TokenError.timedOut(operation: "PUT_SLOT")) { try driver.putSlot(write) }
        device.token.faults.stalled = false
        #expect(try driver.slots().map(\.slot) == [SlotIndex(0)])
    }

    @Test func theRegistryKnowsTheSpecToken() {
        let info = InProcessHIDConnection(device: device).info
        #expect(TokenRegistry.family(of: info) == .specToken)
    }
}
