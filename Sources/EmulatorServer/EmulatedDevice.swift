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
    /// The CONTROL `clock` command moves a clock at most this far in all (100 years), so the
    /// drifted time always fits.
    public static let maximumDrift: Int64 = 3_155_760_000
    private let base = SystemDeviceClock()
    public private(set) var drift: Int64 = 0
    public init() {}
    public var seconds: Int64 { base.seconds &+ drift }
    public var milliseconds: UInt64 { base.milliseconds }

    /// Adds `seconds` to the drift; refuses a total beyond `maximumDrift` either way.
    public func move(by seconds: Int64) throws(EmulatorError) {
        let (total, overflow) = drift.addingReportingOverflow(seconds)
        guard !overflow, total.magnitude <= Self.maximumDrift.magnitude else {
            throw EmulatorError(
                "clock moves a token's clock at most \(Self.maximumDrift) s (100 years) either way in all; it is off by \(drift) s now")
        }
        drift = total
    }
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
        case "power-cut": token.cutPower(afterFlashSteps: try count(2))
        case "clock":
            guard words.count > 2, let seconds = Int64(words[2]) else { throw EmulatorError("clock SERIAL SECONDS") }
            try clock.move(by: seconds)
        default:
            throw EmulatorError("unknown control command \(words.first ?? "")")
        }
        return "ok"
    }
}
