import EmulatorServer
import Testing
import VirtualToken

/// CONTROL `clock` on emulated tokens: far moves are refused, never a crash.
struct EmulatorControlTests {
    @Test func aClockMovedBeyondAHundredYearsIsRefusedAndTheClockStillReads() throws {
        let clock = DriftingClock()
        var random = SystemRandomNumberGenerator()
        let token = try SpecToken(
            medium: MemoryFlashMedium(), clock: clock,
            newIdentity: DeviceIdentity.manufacture(serial: "TFEMU0009", using: &random))
        let device = SpecTokenDevice(token: token, clock: clock)
        #expect(throws: EmulatorError.self) { try device.control(["clock", "TFEMU0009", "9223372036854775807"]) }
        #expect(throws: EmulatorError.self) { try device.control(["clock", "TFEMU0009", "-9223372036854775808"]) }
        #expect(try device.control(["clock", "TFEMU0009", "3000000000"]) == "ok")
        #expect(throws: EmulatorError.self) { try device.control(["clock", "TFEMU0009", "3000000000"]) }
        #expect(clock.drift == 3_000_000_000)
        #expect(clock.seconds > 3_000_000_000)
    }

    @Test func aNitrokeyClockSetNearTheTopWrapsAsTheFirmwaresCounterDoes() throws {
        let deviceClock = ManualDeviceClock(seconds: 0, milliseconds: 0)
        let pro = try NitrokeyPro(medium: MemoryFlashMedium(), clock: deviceClock, cardSerial: 7)
        let device = NitrokeyProDevice(pro: pro, name: "NKEMU0009")
        #expect(throws: EmulatorError.self) { try device.control(["clock", "NKEMU0009", "9223372036854775807"]) }
        #expect(throws: EmulatorError.self) { try device.control(["clock", "NKEMU0009", "-9223372036854775808"]) }
        pro.adjustClock(by: .max)
        deviceClock.advance(milliseconds: 5_000)
        #expect(pro.currentTime == Int64.min + 4)
    }
}
