import HIDTransport
import TokenWire

/// A kind of USB OTP token TokenForge can program, and how to recognise it.
public struct TokenFamily: Equatable, Sendable {
    public enum WireProtocol: Sendable, Equatable {
        /// firmware-spec/PROTOCOL.md over 64-byte input/output reports.
        case spec
    }

    public let name: String
    public let vendorID: UInt16
    public let productID: UInt16
    /// When set, only the HID interface with this usage page is the OTP one.
    public let usagePage: UInt16?
    public let wireProtocol: WireProtocol

    /// Every supported family; udev/70-tokenforge.rules grants access to exactly these.
    public static let registry: [TokenFamily] = [
        TokenFamily(
            name: "TokenForge spec token", vendorID: USBIdentity.vendorID, productID: USBIdentity.productID,
            usagePage: USBIdentity.usagePage, wireProtocol: .spec)
    ]

    /// The family of an enumerated device, if TokenForge supports it.
    public static func family(of device: HIDDeviceInfo) -> TokenFamily? {
        registry.first {
            $0.vendorID == device.vendorID && $0.productID == device.productID
                && ($0.usagePage == nil || $0.usagePage == device.usagePage)
        }
    }
}
