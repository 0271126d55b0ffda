internal import CHIDAPI
public import TokenTransport

#if canImport(Glibc)
    import Glibc
#endif

/// The machine's HID devices through hidapi.
public struct HIDAPIBus: HIDBus {
    public init() {}
    public func enumerate() throws(HIDError) -> [HIDDeviceInfo] { try HIDAPI.enumerate() }
    public func open(_ info: HIDDeviceInfo) throws(HIDError) -> any HIDConnection { try HIDAPI.open(info) }
}

/// hidapi (hidraw backend), the only file that calls the C API. Under the TokenForge stand-in
/// library the same calls reach tokenforge-emulator.
public enum HIDAPI {
    /// Every HID device whose IDs match (0 matches any).
    public static func enumerate(vendorID: UInt16 = 0, productID: UInt16 = 0) throws(HIDError) -> [HIDDeviceInfo] {
        guard hid_init() == 0 else { throw .initialisationFailed }
        guard let first = hid_enumerate(vendorID, productID) else {
            // hidapi reports "No HID devices … found" as an error; that is an empty list.
            if let reason = text(hid_error(nil)), !reason.isEmpty, reason != "Success",
                !reason.lowercased().contains("no hid devices")
            {
                throw .enumerationFailed(reason)
            }
            return []
        }
        defer { hid_free_enumeration(first) }
        var devices: [HIDDeviceInfo] = []
        var current: UnsafeMutablePointer<hid_device_info>? = first
        while let info = current {
            devices.append(deviceInfo(info.pointee))
            current = info.pointee.next
        }
        return devices
    }

    /// Opens the device at `path`.
    public static func open(_ info: HIDDeviceInfo) throws(HIDError) -> any HIDConnection {
        guard hid_init() == 0 else { throw .initialisationFailed }
        guard let device = hid_open_path(info.path) else {
            throw .openFailed(path: info.path, reason: text(hid_error(nil)) ?? "unknown error")
        }
        return HIDAPIConnection(device: device, info: info)
    }

    static func deviceInfo(_ info: hid_device_info) -> HIDDeviceInfo {
        HIDDeviceInfo(
            path: info.path.map { String(cString: $0) } ?? "", vendorID: info.vendor_id, productID: info.product_id,
            serialNumber: text(info.serial_number) ?? "", manufacturer: text(info.manufacturer_string) ?? "",
            product: text(info.product_string) ?? "", usagePage: info.usage_page, usage: info.usage,
            interfaceNumber: info.interface_number)
    }

    /// A failed call's error: `disconnected` when the device is gone (hidraw reports ENODEV or a
    /// poll error "device disconnected"; the stand-in library says "device disconnected").
    static func failure(_ reason: String, errorNumber: Int32, _ other: (String) -> HIDError) -> HIDError {
        errorNumber == ENODEV || reason.contains("disconnected") || reason.contains("No such device")
            ? .disconnected(reason) : other(reason)
    }

    /// A wide C string (UTF-32 on Linux) as a String.
    static func text(_ wide: UnsafePointer<wchar_t>?) -> String? {
        guard var pointer = wide else { return nil }
        var scalars = String.UnicodeScalarView()
        while pointer.pointee != 0 {
            if let scalar = Unicode.Scalar(UInt32(bitPattern: pointer.pointee)) { scalars.append(scalar) }
            pointer += 1
        }
        return String(scalars)
    }
}

/// An open hidapi device; closed when released.
final class HIDAPIConnection: HIDConnection {
    private let device: OpaquePointer
    let info: HIDDeviceInfo

    init(device: OpaquePointer, info: HIDDeviceInfo) {
        self.device = device
        self.info = info
    }

    deinit { hid_close(device) }

    private func failure(_ other: (String) -> HIDError) -> HIDError {
        let errorNumber = errno
        return HIDAPI.failure(HIDAPI.text(hid_error(device)) ?? "unknown error", errorNumber: errorNumber, other)
    }

    func write(_ report: [UInt8]) throws(HIDError) {
        let buffer = [0] + report  // report ID 0: the device uses none
        errno = 0
        let written = buffer.withUnsafeBufferPointer { hid_write(device, $0.baseAddress, $0.count) }
        guard written >= 0 else { throw failure(HIDError.writeFailed) }
    }

    func read(timeoutMilliseconds: Int) throws(HIDError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 1_024)
        errno = 0
        let count = buffer.withUnsafeMutableBufferPointer {
            hid_read_timeout(device, $0.baseAddress, $0.count, Int32(clamping: timeoutMilliseconds))
        }
        guard count >= 0 else { throw failure(HIDError.readFailed) }
        return count == 0 ? nil : Array(buffer[0..<Int(count)])
    }

    func sendFeatureReport(_ data: [UInt8]) throws(HIDError) {
        errno = 0
        let sent = data.withUnsafeBufferPointer { hid_send_feature_report(device, $0.baseAddress, $0.count) }
        guard sent >= 0 else { throw failure(HIDError.featureReportFailed) }
    }

    func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: length + 1)
        buffer[0] = id
        errno = 0
        let count = buffer.withUnsafeMutableBufferPointer { hid_get_feature_report(device, $0.baseAddress, $0.count) }
        guard count >= 0 else { throw failure(HIDError.featureReportFailed) }
        return Array(buffer[1..<max(1, Int(count))])
    }
}
