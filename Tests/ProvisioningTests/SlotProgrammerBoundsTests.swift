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

/// What a token cannot carry is refused before the write; a lost answer after the write is said
/// to leave the slot unknown.
struct SlotProgrammerBoundsTests {
    let transportClock = ManualTransportClock()
    let device: SpecTokenDevice
    let driver: SpecTokenDriver
    let now: Int64 = 1_800_000_000

    init() throws {
        let token = try SpecToken(medium: MemoryFlashMedium(), clock: ManualDeviceClock(seconds: 1_700_000_000))
        device = SpecTokenDevice(token: token, clock: DriftingClock())
        driver = try SpecTokenDriver(
            connection: InProcessHIDConnection(device: device, clock: transportClock),
            settings: DriverSettings(timeoutMilliseconds: 500, clock: transportClock))
        try driver.setPIN(PIN("123456"))
        try driver.verifyPIN(PIN("123456"))
    }

    var programmer: SlotProgrammer {
        var options = SlotProgrammer.Options()
        options.allowTestTokens = true
        return SlotProgrammer(driver: driver, options: options)
    }

    @Test func aLostAnswerToTheWriteIsAnUnconfirmedWrite() throws {
        device.token.faults.stallAfter = .putSlot
        let secret = Secret.random(byteCount: 20)
        let totp = SlotConfiguration(kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: "", account: "zoe")
        #expect(
            throws: TokenError.writeUnconfirmed(
                SlotIndex(0), detail: "the token did not answer PUT_SLOT in time: check that it is plugged in")
        ) { try programmer.program(secret, configuration: totp, slot: nil, now: now) }
        device.token.faults.stalled = false
        #expect(try driver.slots().map(\.slot) == [SlotIndex(0)])
    }

    @Test func theLastHOTPCounterIsRefusedBeforeWriting() throws {
        let hotp = SlotConfiguration(kind: .hotp(counter: .max), algorithm: .sha1, digits: 6, issuer: "", account: "a")
        #expect(throws: TokenError.self) {
            try programmer.program(Secret.random(byteCount: 20), configuration: hotp, slot: nil, now: now)
        }
        #expect(try driver.slots().isEmpty)
        let last = SlotConfiguration(
            kind: .hotp(counter: .max - 1), algorithm: .sha1, digits: 6, issuer: "", account: "a")
        let result = try programmer.program(Secret.random(byteCount: 20), configuration: last, slot: nil, now: now)
        #expect(result.nextCounter == .max)
    }

    @Test func aPeriodBeyondWhatASlotHoldsIsRefusedNotCut() throws {
        let uri = try OTPAuthURI(
            kind: .totp(period: .max), account: "a", issuer: nil, secret: Secret.random(byteCount: 20))
        #expect(
            throws: TokenError.unsupported(
                "a TOTP period of \(Int.max) s cannot be programmed: tokens take at most 4294967295 s")
        ) {
            try programmer.program(uri, slot: nil, now: now)
        }
        #expect(throws: TokenError.self) { try programmer.programAll([uri], now: { now }) }
        #expect(try driver.slots().isEmpty)
    }

    @Test func aNegativeOrHugeTimeoutIsClamped() {
        #expect(DriverSettings(timeoutMilliseconds: -1).timeoutMilliseconds == 0)
        #expect(
            DriverSettings(timeoutMilliseconds: .max).timeoutMilliseconds == DriverSettings.maximumTimeoutMilliseconds)
    }
}
