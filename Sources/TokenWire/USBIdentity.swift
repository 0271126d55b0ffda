/// How a spec token appears on USB (§2).
public enum USBIdentity {
    /// pid.codes, the open-source hardware vendor ID.
    public static let vendorID: UInt16 = 0x1209
    /// pid.codes' test PID, used until a product ID is allocated to this spec.
    public static let productID: UInt16 = 0x0001
    /// The vendor-defined HID usage page and usage hosts filter on.
    public static let usagePage: UInt16 = 0xFF4F
    public static let usage: UInt16 = 0x01
    public static let productName = "TokenForge OTP Token"
    public static let manufacturerName = "TokenForge"

    /// The HID report descriptor: one application collection with a 64-byte input and a 64-byte
    /// output report, no report IDs (§2.2 decodes it item by item).
    public static let reportDescriptor: [UInt8] = [
        0x06, 0x4F, 0xFF,  // Usage Page (Vendor 0xFF4F)
        0x09, 0x01,  // Usage (0x01)
        0xA1, 0x01,  // Collection (Application)
        0x09, 0x20,  //   Usage (0x20): input report data
        0x15, 0x00,  //   Logical Minimum (0)
        0x26, 0xFF, 0x00,  //   Logical Maximum (255)
        0x75, 0x08,  //   Report Size (8 bits)
        0x95, 0x40,  //   Report Count (64)
        0x81, 0x02,  //   Input (Data, Variable, Absolute)
        0x09, 0x21,  //   Usage (0x21): output report data
        0x15, 0x00,  //   Logical Minimum (0)
        0x26, 0xFF, 0x00,  //   Logical Maximum (255)
        0x75, 0x08,  //   Report Size (8 bits)
        0x95, 0x40,  //   Report Count (64)
        0x91, 0x02,  //   Output (Data, Variable, Absolute)
        0xC0,  // End Collection
    ]
}
