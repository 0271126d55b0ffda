import NitrokeyWire
import VirtualToken

/// A `NitrokeyPro` behind the emulator socket: feature reports only, as on the real device.
public final class NitrokeyProDevice: EmulatedDevice {
    public let pro: NitrokeyPro
    /// The emulator's name for the token (NKEMU0001): its path and flash file; the USB serial string
    /// is the Pro's own (24 hex digits).
    public let name: String
    public let vendorID: UInt16
    public let productID: UInt16

    public init(
        pro: NitrokeyPro, name: String, vendorID: UInt16 = NitrokeyUSBIdentity.proVendorID,
        productID: UInt16 = NitrokeyUSBIdentity.proProductID
    ) {
        self.pro = pro
        self.name = name
        self.vendorID = vendorID
        self.productID = productID
    }

    public var description: DeviceDescription {
        DeviceDescription(
            path: "emulator:\(name)", vendorID: vendorID, productID: productID, serial: pro.usbSerial,
            manufacturer: NitrokeyUSBIdentity.manufacturerName, product: NitrokeyUSBIdentity.productName,
            release: 0x0100, usagePage: NitrokeyUSBIdentity.usagePage, usage: NitrokeyUSBIdentity.usage)
    }

    public var modelsCommandLatency: Bool { true }

    public func write(_ report: [UInt8]) throws -> [[UInt8]] {
        throw EmulatorError("a Nitrokey Pro takes feature reports only (hid_send_feature_report), not output reports")
    }

    /// `data[0]` is the report ID (0: the Pro numbers no reports), then 64 bytes.
    public func setFeature(_ data: [UInt8]) throws {
        guard data.first == 0, data.count >= 1 + NitrokeyReport.size else {
            throw EmulatorError(
                "a Nitrokey Pro takes feature report 0 with \(NitrokeyReport.size) bytes, not \(max(0, data.count - 1))"
            )
        }
        try pro.setReport(Array(data[1...NitrokeyReport.size]))
    }

    public func getFeature(reportID: UInt8, length: Int) throws -> [UInt8] {
        guard reportID == 0 else { throw EmulatorError("a Nitrokey Pro has only feature report 0") }
        return Array(try pro.getReport().prefix(length))
    }

    public var isPoweredOff: Bool { pro.isPoweredOff }
    public func powerOn() throws { try pro.powerOn() }

    public func control(_ words: [String]) throws -> String {
        func count(_ index: Int) throws -> Int {
            guard words.count > index, let value = Int(words[index]), value >= 0 else {
                throw EmulatorError("\(words[0]) needs a count")
            }
            return value
        }
        switch words.first {
        case "drop": pro.faults.dropIncoming = try count(2)
        case "corrupt": pro.faults.corruptOutgoing = try count(2)
        case "duplicate": pro.faults.duplicateOutgoing = try count(2)  // a feature report cannot arrive twice
        case "stall":
            guard words.count > 2, ["on", "off"].contains(words[2]) else { throw EmulatorError("stall SERIAL on|off") }
            pro.faults.stalled = words[2] == "on"
        case "power-cut": pro.cutPower(afterFlashSteps: try count(2))
        case "latency":
            guard words.count > 2, let latency = NitrokeyLatency(words[2]) else {
                throw EmulatorError("latency SERIAL MILLISECONDS|realistic")
            }
            pro.latency = latency
        case "clock":
            guard words.count > 2, let seconds = Int64(words[2]) else { throw EmulatorError("clock SERIAL SECONDS") }
            guard seconds.magnitude <= DriftingClock.maximumDrift.magnitude else {
                throw EmulatorError("clock moves a token's clock at most \(DriftingClock.maximumDrift) s (100 years) at a time")
            }
            pro.adjustClock(by: seconds)
        default:
            throw EmulatorError("unknown control command \(words.first ?? "")")
        }
        return "ok"
    }
}
