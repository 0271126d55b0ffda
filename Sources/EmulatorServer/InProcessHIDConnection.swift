import HIDTransport

/// A HID connection straight to an emulated device in the same process: the real driver and
/// codec run unchanged, with no socket or stand-in library in between.
public final class InProcessHIDConnection: HIDConnection {
    public let device: EmulatedDevice
    private var pending: [[UInt8]] = []

    public init(device: EmulatedDevice) { self.device = device }

    public var info: HIDDeviceInfo {
        let description = device.description
        return HIDDeviceInfo(
            path: description.path, vendorID: description.vendorID, productID: description.productID,
            serialNumber: description.serial, manufacturer: description.manufacturer, product: description.product,
            usagePage: description.usagePage, usage: description.usage, interfaceNumber: description.interface)
    }

    public func write(_ report: [UInt8]) throws(HIDError) {
        do { pending += try device.write(report) } catch { throw .writeFailed("\(error)") }
    }

    public func read(timeoutMilliseconds: Int) throws(HIDError) -> [UInt8]? {
        pending.isEmpty ? nil : pending.removeFirst()
    }

    public func sendFeatureReport(_ data: [UInt8]) throws(HIDError) {
        do { try device.setFeature(data) } catch { throw .featureReportFailed("\(error)") }
    }

    public func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8] {
        do { return try device.getFeature(reportID: id, length: length) } catch { throw .featureReportFailed("\(error)") }
    }
}
