public import TokenModel
public import TokenTransport

/// A kind of USB OTP token TokenForge can program: how to recognise it, and its driver.
public struct TokenFamily: Sendable, CustomStringConvertible {
    /// Opens the family's driver on a connection to one of its devices.
    public typealias Opener =
        @Sendable (any HIDConnection, DriverSettings) throws(TokenError) -> any OTPTokenDriver

    /// Opens the family's driver on a connection to one of its cards.
    public typealias SmartCardOpener =
        @Sendable (any SmartCardConnection, DriverSettings) throws(TokenError) -> any OTPTokenDriver

    public let name: String
    public let vendorID: UInt16
    public let productID: UInt16
    /// When set, only the HID interface with this usage page is the OTP one.
    public let usagePage: UInt16?
    /// The smart-card application the family's cards answer SELECT for; nil for HID families.
    public let applicationID: [UInt8]?
    private let opener: Opener?
    private let smartCardOpener: SmartCardOpener?

    public init(name: String, vendorID: UInt16, productID: UInt16, usagePage: UInt16?, opener: @escaping Opener) {
        self.name = name
        self.vendorID = vendorID
        self.productID = productID
        self.usagePage = usagePage
        self.applicationID = nil
        self.opener = opener
        self.smartCardOpener = nil
    }

    /// A family reached over PC/SC: its cards are recognised by the application they select, not by USB IDs.
    public init(name: String, vendorID: UInt16, applicationID: [UInt8], opener: @escaping SmartCardOpener) {
        self.name = name
        self.vendorID = vendorID
        self.productID = 0
        self.usagePage = nil
        self.applicationID = applicationID
        self.opener = nil
        self.smartCardOpener = opener
    }

    /// Whether an enumerated device is this family's OTP interface.
    public func matches(_ device: HIDDeviceInfo) -> Bool {
        opener != nil && vendorID == device.vendorID && productID == device.productID
            && (usagePage == nil || usagePage == device.usagePage)
    }

    /// The driver for a connection to a device of this family.
    public func openDriver(_ connection: any HIDConnection, settings: DriverSettings = DriverSettings())
        throws(TokenError) -> any OTPTokenDriver
    {
        guard let opener else { throw .unsupported("the \(name) is a smart card, not a HID device") }
        return try opener(connection, settings)
    }

    /// The driver for a connection to a card of this family.
    public func openDriver(_ connection: any SmartCardConnection, settings: DriverSettings = DriverSettings())
        throws(TokenError) -> any OTPTokenDriver
    {
        guard let smartCardOpener else { throw .unsupported("the \(name) is a HID device, not a smart card") }
        return try smartCardOpener(connection, settings)
    }

    public var description: String { name }
}

extension TokenFamily: Equatable {
    public static func == (lhs: TokenFamily, rhs: TokenFamily) -> Bool {
        lhs.name == rhs.name && lhs.vendorID == rhs.vendorID && lhs.productID == rhs.productID
            && lhs.usagePage == rhs.usagePage && lhs.applicationID == rhs.applicationID
    }
}
