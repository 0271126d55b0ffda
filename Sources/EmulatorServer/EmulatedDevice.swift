import TokenModel
import FoundationEssentials
import TokenWire
import VirtualToken

/// A device the emulator serves: its USB description and how it answers reports.
public protocol EmulatedDevice: AnyObject {
    var description: DeviceDescription { get }
    /// Handles one output report; returns the input reports it causes.
    func write(_ report: [UInt8]) throws -> [[UInt8]]
    func setFeature(_ data: [UInt8]) throws
    func getFeature(reportID: UInt8, length: Int) throws -> [UInt8]
    func control(_ words: [String]) throws -> String
    var isPoweredOff: Bool { get }
    func powerOn() throws
    /// Whether the device models its own per-command processing time (answering "busy" meanwhile,
    /// as a Nitrokey Pro does): the server then hands it `latency` instead of delaying its reports.
    var modelsCommandLatency: Bool { get }
}

extension EmulatedDevice {
    public var modelsCommandLatency: Bool { false }
}

/// The RTC of an emulated token: the host clock plus a drift the CONTROL `clock` command sets.
public final class DriftingClock: DeviceClock, @unchecked Sendable {
    /// The largest drift a `clock` command may add at once: about 31,700 years either way.
    public static let maximumAdjustment: Int64 = 1_000_000_000_000

    private let base = SystemDeviceClock()
    public private(set) var drift: Int64 = 0
    public init() {}
    /// The host clock plus the drift, held at the ends of `Int64` rather than wrapping.
    public var seconds: Int64 { base.seconds.addingClamped(drift) }

    /// Adds `seconds` to the drift, refusing a step larger than `maximumAdjustment`.
    public func adjust(by seconds: Int64) throws(EmulatorError) {
        drift = drift.addingClamped(try Self.checkedAdjustment(seconds))
    }

    /// `seconds` when it is within `maximumAdjustment` of 0.
    public static func checkedAdjustment(_ seconds: Int64) throws(EmulatorError) -> Int64 {
        guard seconds.magnitude <= UInt64(maximumAdjustment) else {
            throw EmulatorError("clock: SECONDS must be within ±\(maximumAdjustment)")
        }
        return seconds
    }
    public var milliseconds: UInt64 { base.milliseconds }
}

public struct EmulatorError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A `SpecToken` behind the emulator socket.
public final class SpecTokenDevice: EmulatedDevice {
    public let token: SpecToken
    public let clock: DriftingClock

    public init(token: SpecToken, clock: DriftingClock) {
        self.token = token
        self.clock = clock
    }

    public var description: DeviceDescription {
        DeviceDescription(
            path: "emulator:\(token.identity.serial)", vendorID: USBIdentity.vendorID, productID: USBIdentity.productID,
            serial: token.identity.serial, manufacturer: USBIdentity.manufacturerName, product: USBIdentity.productName,
            usagePage: USBIdentity.usagePage, usage: USBIdentity.usage)
    }

    public func write(_ report: [UInt8]) throws -> [[UInt8]] {
        guard report.count == Framing.reportSize else {
            throw EmulatorError("a spec token takes \(Framing.reportSize)-byte reports, not \(report.count)")
        }
        return token.expireStalledMessage() + (try token.receive(report))
    }

    public func setFeature(_ data: [UInt8]) throws { throw EmulatorError("this token has no feature reports") }
    public func getFeature(reportID: UInt8, length: Int) throws -> [UInt8] {
        throw EmulatorError("this token has no feature reports")
    }

    public var isPoweredOff: Bool { token.isPoweredOff }
    public func powerOn() throws { try token.powerOn() }

    public func control(_ words: [String]) throws -> String {
        func count(_ index: Int) throws -> Int {
            guard words.count > index, let value = Int(words[index]), value >= 0 else {
                throw EmulatorError("\(words[0]) needs a count")
            }
            return value
        }
        switch words.first {
        case "drop": token.faults.dropIncoming = try count(2)
        case "duplicate": token.faults.duplicateOutgoing = try count(2)
        case "corrupt": token.faults.corruptOutgoing = try count(2)
        case "stall":
            guard words.count > 2, ["on", "off"].contains(words[2]) else { throw EmulatorError("stall SERIAL on|off") }
            token.faults.stalled = words[2] == "on"
        case "stall-after":
            guard words.count > 2, let command = TokenCommand.allCases.first(where: { $0.name == words[2] }) else {
                throw EmulatorError("stall-after SERIAL COMMAND (a firmware-spec §5 name such as PUT_SLOT)")
            }
            token.faults.stallAfter = command
        case "power-cut": token.cutPower(afterFlashSteps: try count(2))
        case "clock":
            guard words.count > 2, let seconds = Int64(words[2]) else { throw EmulatorError("clock SERIAL SECONDS") }
            try clock.adjust(by: seconds)
        default:
            throw EmulatorError("unknown control command \(words.first ?? "")")
        }
        return "ok"
    }
}

extension Int64 {
    /// `self + other`, held at `Int64.min` or `Int64.max` instead of overflowing.
    func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
