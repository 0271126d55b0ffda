public import TokenModel
public import TokenTransport

/// A kind of USB OTP token TokenForge can program: how to recognise it, and its driver.
public struct TokenFamily: Sendable, CustomStringConvertible {
    /// Opens the family's driver on a connection to one of its devices.
    public typealias Opener =
        @Sendable (any HIDConnection, DriverSettings) throws(TokenError) -> any OTPTokenDriver

    public let name: String
    public let vendorID: UInt16
    public let productID: UInt16
    /// When set, only the HID interface with this usage page is the OTP one.
    public let usagePage: UInt16?
    private let opener: Opener

    public init(name: String, vendorID: UInt16, productID: UInt16, usagePage: UInt16?, opener: @escaping Opener) {
        self.name = name
        self.vendorID = vendorID
        self.productID = productID
        self.usagePage = usagePage
        self.opener = opener
    }

    /// Whether an enumerated device is this family's OTP interface.
    public func matches(_ device: HIDDeviceInfo) -> Bool {
        vendorID == device.vendorID && productID == device.productID
            && (usagePage == nil || usagePage == device.usagePage)
    }

    /// The driver for a connection to a device of this family.
    public func openDriver(_ connection: any HIDConnection, settings: DriverSettings = DriverSettings())
        throws(TokenError) -> any OTPTokenDriver
    {
        try opener(connection, settings)
    }

    public var description: String { name }
}

extension TokenFamily: Equatable {
    public static func == (lhs: TokenFamily, rhs: TokenFamily) -> Bool {
        lhs.name == rhs.name && lhs.vendorID == rhs.vendorID && lhs.productID == rhs.productID
            && lhs.usagePage == rhs.usagePage
    }
}
