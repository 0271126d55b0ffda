public import EmulatorServer
import Foundation
public import Provisioning
public import SpecTokenFamily
public import TokenDrivers
public import TokenModel
import VirtualToken

/// Virtual spec tokens in this process, one per serial asked for, each with `pin` set and
/// verified: the tokens of `tokenforge demo` and of the issuance tests.
public final class VirtualTokenSource: TokenSource {
    public private(set) var drivers: [String: SpecTokenDriver] = [:]
    let pin: PIN

    public init(pin: PIN) { self.pin = pin }

    public var programmingOptions: SlotProgrammer.Options {
        var options = SlotProgrammer.Options()
        options.allowTestTokens = true
        return options
    }

    public func token(serial: String?, prompt: String) throws -> any OTPTokenDriver {
        let name = serial ?? String(format: "TFVIRT%04d", drivers.count + 1)
        if let driver = drivers[name] { return driver }
        var random = SystemRandomNumberGenerator()
        let clock = DriftingClock()
        let token = try SpecToken(
            medium: MemoryFlashMedium(), clock: clock,
            newIdentity: DeviceIdentity.manufacture(serial: name, using: &random))
        let driver = try SpecTokenDriver(
            connection: InProcessHIDConnection(device: SpecTokenDevice(token: token, clock: clock)))
        try TokenMaintenance(driver: driver).setPIN(pin)
        drivers[name] = driver
        return driver
    }
}
