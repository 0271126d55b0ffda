import EmulatorServer
import Foundation
import TokenTesting
import VirtualToken

/// A virtual spec token with `serial`, on a device clock set to `seconds`.
func virtualSpecToken(_ serial: String, seconds: Int64 = 1_700_000_000) throws -> SpecTokenDevice {
    var random = SystemRandomNumberGenerator()
    let token = try SpecToken(
        medium: MemoryFlashMedium(), clock: ManualDeviceClock(seconds: seconds),
        newIdentity: DeviceIdentity.manufacture(serial: serial, using: &random))
    return SpecTokenDevice(token: token, clock: DriftingClock())
}

/// A virtual Nitrokey Pro named `name` (its USB serial is the card serial in hex).
func virtualNitrokey(_ name: String, cardSerial: UInt32) throws -> NitrokeyProDevice {
    let pro = try NitrokeyPro(medium: MemoryFlashMedium(), clock: SystemDeviceClock(), cardSerial: cardSerial)
    return NitrokeyProDevice(pro: pro, name: name)
}
