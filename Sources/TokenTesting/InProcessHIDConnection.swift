public import EmulatorServer
public import TokenTransport

/// A HID connection straight to an emulated device in the same process: the real driver and
/// codec run unchanged, with no socket or stand-in library in between. A read that finds no
/// report advances `clock` by its timeout instead of waiting.
public final class InProcessHIDConnection: HIDConnection {
    public let device: EmulatedDevice
    public let clock: ManualTransportClock
    private var pending: [[UInt8]] = []

    public init(device: EmulatedDevice, clock: ManualTransportClock = ManualTransportClock()) {
        self.device = device
        self.clock = clock
    }

    public var info: HIDDeviceInfo { Self.info(of: device) }

    static func info(of device: EmulatedDevice) -> HIDDeviceInfo {
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
        guard pending.isEmpty else { return pending.removeFirst() }
        clock.advance(by: .milliseconds(max(0, timeoutMilliseconds)))
        return nil
    }

    public func sendFeatureReport(_ data: [UInt8]) throws(HIDError) {
        do { try device.setFeature(data) } catch { throw .featureReportFailed("\(error)") }
    }

    public func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8] {
        do { return try device.getFeature(reportID: id, length: length) } catch { throw .featureReportFailed("\(error)") }
    }
}

/// Emulated devices as a bus, for discovery in tests: every device is connected, on one manual clock.
public final class InProcessHIDBus: HIDBus {
    public var devices: [EmulatedDevice]
    public let clock: ManualTransportClock

    public init(devices: [EmulatedDevice], clock: ManualTransportClock = ManualTransportClock()) {
        self.devices = devices
        self.clock = clock
    }

    public func enumerate() throws(HIDError) -> [HIDDeviceInfo] { devices.map(InProcessHIDConnection.info(of:)) }

    public func open(_ info: HIDDeviceInfo) throws(HIDError) -> any HIDConnection {
        guard let device = devices.first(where: { $0.description.path == info.path }) else {
            throw .openFailed(path: info.path, reason: "no such emulated device")
        }
        return InProcessHIDConnection(device: device, clock: clock)
    }
}
