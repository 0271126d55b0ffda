public import EmulatorServer
import Foundation
public import Provisioning
public import SpecTokenFamily
public import TokenDrivers
public import TokenModel
import VirtualToken

/// Virtual spec tokens in this process, one per serial asked for, new and without a PIN: the
/// tokens of `tokenforge demo` and of the issuance tests.
public final class VirtualTokenSource: TokenSource {
    public private(set) var drivers: [String: SpecTokenDriver] = [:]

    public init() {}

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
        drivers[name] = driver
        return driver
    }
}
