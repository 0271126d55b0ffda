import EmulatorServer
import Testing
import VirtualToken

/// CONTROL `clock` on emulated tokens: too large a step is refused, a Nitrokey clock driven to the
/// end of `Int64` holds there; never a crash.
struct EmulatorControlTests {
    @Test func aClockStepBeyondTheLimitIsRefusedAndTheClockStillReads() throws {
        let clock = DriftingClock()
        var random = SystemRandomNumberGenerator()
        let token = try SpecToken(
            medium: MemoryFlashMedium(), clock: clock,
            newIdentity: DeviceIdentity.manufacture(serial: "TFEMU0009", using: &random))
        let device = SpecTokenDevice(token: token, clock: clock)
        #expect(throws: EmulatorError.self) { try device.control(["clock", "TFEMU0009", "9223372036854775807"]) }
        #expect(throws: EmulatorError.self) { try device.control(["clock", "TFEMU0009", "-9223372036854775808"]) }
        #expect(throws: EmulatorError.self) {
            try device.control(["clock", "TFEMU0009", String(DriftingClock.maximumAdjustment + 1)])
        }
        #expect(try device.control(["clock", "TFEMU0009", "3000000000"]) == "ok")
        #expect(clock.drift == 3_000_000_000)
        #expect(clock.seconds > 3_000_000_000)
        for _ in 0..<10 { _ = try device.control(["clock", "TFEMU0009", String(DriftingClock.maximumAdjustment)]) }
        #expect(clock.drift == 3_000_000_000 + 10 * DriftingClock.maximumAdjustment)
    }

    @Test func aNitrokeyClockMovedToTheTopHoldsThereRatherThanWrapping() throws {
        let deviceClock = ManualDeviceClock(seconds: 0, milliseconds: 0)
        let pro = try NitrokeyPro(medium: MemoryFlashMedium(), clock: deviceClock, cardSerial: 7)
        let device = NitrokeyProDevice(pro: pro, name: "NKEMU0009")
        #expect(throws: EmulatorError.self) { try device.control(["clock", "NKEMU0009", "9223372036854775807"]) }
        #expect(throws: EmulatorError.self) { try device.control(["clock", "NKEMU0009", "-9223372036854775808"]) }
        pro.adjustClock(by: .max)
        deviceClock.advance(milliseconds: 5_000)
        #expect(pro.currentTime == Int64.max)
    }
}
