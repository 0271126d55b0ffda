public import EmulatorServer
import Foundation
public import Provisioning
import SpecTokenFamily
public import TokenDrivers
public import TokenModel
import VirtualToken
import YubiKeyOATHFamily

/// Virtual tokens in this process, new and without a PIN: the tokens of `tokenforge demo` and of
/// the issuance tests. A token asked for by serial is a spec token; one asked for without a serial
/// (the next token inserted) is a virtual YubiKey while `yubiKeysToInsert` lasts, else a spec token.
public final class VirtualTokenSource: TokenSource {
    /// Every token handed out, by serial (a YubiKey's is its OATH device ID).
    public private(set) var drivers: [String: any OTPTokenDriver] = [:]
    /// How many more "next token inserted" requests get a virtual YubiKey.
    public private(set) var yubiKeysToInsert: Int
    private let allowsPlainImport: Bool
    private var specTokens = 0

    /// A source that hands out `yubiKeys` virtual YubiKeys (OATH application, reached through
    /// `InProcessSmartCardConnection`) before any new spec token when no serial is asked for.
    public init(yubiKeys: Int = 0) {
        yubiKeysToInsert = yubiKeys
        allowsPlainImport = yubiKeys > 0
    }

    /// Test tokens are allowed; plain import too when the source hands out YubiKeys (YKOATH has
    /// no encrypted import; spec tokens still get their seeds encrypted).
    public var programmingOptions: SlotProgrammer.Options {
        var options = SlotProgrammer.Options()
        options.allowTestTokens = true
        options.allowPlainImport = allowsPlainImport
        return options
    }

    public func token(serial: String?, prompt: String) throws -> any OTPTokenDriver {
        if let serial, let driver = drivers[serial] { return driver }
        if serial == nil, yubiKeysToInsert > 0 {
            yubiKeysToInsert -= 1
            let driver = try YubiKeyOATHDriver(
                connection: InProcessSmartCardConnection(card: OATHCard(medium: MemoryFlashMedium())))
            drivers[try driver.serialNumber()] = driver
            return driver
        }
        specTokens += 1
        let name = serial ?? String(format: "TFVIRT%04d", specTokens)
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
