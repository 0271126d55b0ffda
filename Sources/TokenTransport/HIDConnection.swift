/// A HID device as enumeration describes it.
public struct HIDDeviceInfo: Equatable, Sendable {
    public var path: String
    public var vendorID: UInt16
    public var productID: UInt16
    public var serialNumber: String
    public var manufacturer: String
    public var product: String
    public var usagePage: UInt16
    public var usage: UInt16
    public var interfaceNumber: Int32

    public init(
        path: String, vendorID: UInt16, productID: UInt16, serialNumber: String, manufacturer: String, product: String,
        usagePage: UInt16, usage: UInt16, interfaceNumber: Int32
    ) {
        self.path = path
        self.vendorID = vendorID
        self.productID = productID
        self.serialNumber = serialNumber
        self.manufacturer = manufacturer
        self.product = product
        self.usagePage = usagePage
        self.usage = usage
        self.interfaceNumber = interfaceNumber
    }
}

/// An open HID device: report I/O without report IDs (the transport adds and strips them).
public protocol HIDConnection: AnyObject {
    var info: HIDDeviceInfo { get }
    /// Sends one output report.
    func write(_ report: [UInt8]) throws(HIDError)
    /// The next input report, or nil when none arrives within `timeoutMilliseconds`.
    func read(timeoutMilliseconds: Int) throws(HIDError) -> [UInt8]?
    /// Sends a feature report; `data[0]` is the report ID.
    func sendFeatureReport(_ data: [UInt8]) throws(HIDError)
    /// Reads feature report `id`, `length` bytes after the ID.
    func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8]
}

/// A failed HID operation, with the transport's own explanation.
public enum HIDError: Error, Equatable, Sendable, CustomStringConvertible {
    case initialisationFailed
    /// The device went away: unplugged, or its connection closed under it.
    case disconnected(String)
    case enumerationFailed(String)
    case openFailed(path: String, reason: String)
    case writeFailed(String)
    case readFailed(String)
    case featureReportFailed(String)

    public var description: String {
        switch self {
        case .initialisationFailed: "hidapi could not initialise"
        case .disconnected(let reason): "the device is gone: \(reason)"
        case .enumerationFailed(let reason): "cannot list HID devices: \(reason)"
        case .openFailed(let path, let reason): "cannot open \(path): \(reason)"
        case .writeFailed(let reason): "writing to the device failed: \(reason)"
        case .readFailed(let reason): "reading from the device failed: \(reason)"
        case .featureReportFailed(let reason): "feature report failed: \(reason)"
        }
    }
}
