/// How Nitrokey Pro compatible tokens appear on USB.
public enum NitrokeyUSBIdentity {
    /// Nitrokey Pro (Nitrokey UG, VID 0x20A0).
    public static let proVendorID: UInt16 = 0x20A0
    public static let proProductID: UInt16 = 0x4108
    /// Purism's Librem Key runs the Nitrokey Pro firmware under its own IDs.
    public static let libremVendorID: UInt16 = 0x316D
    public static let libremProductID: UInt16 = 0x4C4B
    /// The vendor usage page of the OTP interface's feature reports.
    public static let usagePage: UInt16 = 0xFF00
    public static let usage: UInt16 = 0x01
    public static let manufacturerName = "Nitrokey"
    public static let productName = "Nitrokey Pro"

    /// A Pro's USB serial string: the smart card serial, as 24 upper-case hex digits.
    public static func serialString(cardSerial: UInt32) -> String {
        let hex = String(cardSerial, radix: 16, uppercase: true)
        return String(repeating: "0", count: 24 - hex.count) + hex
    }
}
