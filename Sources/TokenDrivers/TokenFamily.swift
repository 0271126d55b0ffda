import HIDTransport
import NitrokeyWire
import TokenWire

/// A kind of USB OTP token TokenForge can program, and how to recognise it.
public struct TokenFamily: Equatable, Sendable {
    public enum WireProtocol: Sendable, Equatable {
        /// firmware-spec/PROTOCOL.md over 64-byte input/output reports.
        case spec
        /// The Nitrokey Pro protocol over 64-byte feature reports (NitrokeyWire).
        case nitrokeyPro
    }

    public let name: String
    public let vendorID: UInt16
    public let productID: UInt16
    /// When set, only the HID interface with this usage page is the OTP one.
    public let usagePage: UInt16?
    public let wireProtocol: WireProtocol

    public static let specToken = TokenFamily(
        name: "TokenForge spec token", vendorID: USBIdentity.vendorID, productID: USBIdentity.productID,
        usagePage: USBIdentity.usagePage, wireProtocol: .spec)
    public static let nitrokeyPro = TokenFamily(
        name: "Nitrokey Pro", vendorID: NitrokeyUSBIdentity.proVendorID, productID: NitrokeyUSBIdentity.proProductID,
        usagePage: nil, wireProtocol: .nitrokeyPro)
    /// Purism's Librem Key: Nitrokey Pro firmware under Purism's IDs.
    public static let libremKey = TokenFamily(
        name: "Librem Key", vendorID: NitrokeyUSBIdentity.libremVendorID,
        productID: NitrokeyUSBIdentity.libremProductID,
        usagePage: nil, wireProtocol: .nitrokeyPro)

    /// Every supported family; udev/70-tokenforge.rules grants access to exactly these.
    public static let registry: [TokenFamily] = [specToken, nitrokeyPro, libremKey]

    /// The family of an enumerated device, if TokenForge supports it.
    public static func family(of device: HIDDeviceInfo) -> TokenFamily? {
        registry.first {
            $0.vendorID == device.vendorID && $0.productID == device.productID
                && ($0.usagePage == nil || $0.usagePage == device.usagePage)
        }
    }

    /// The driver for a connection to a device of this family.
    public func openDriver(_ connection: HIDConnection, timeoutMilliseconds: Int) throws(DriverError)
        -> any OTPTokenDriver
    {
        switch wireProtocol {
        case .spec: try SpecTokenDriver(connection: connection, timeoutMilliseconds: timeoutMilliseconds)
        case .nitrokeyPro:
            try NitrokeyDriver(connection: connection, family: self, timeoutMilliseconds: timeoutMilliseconds)
        }
    }
}
