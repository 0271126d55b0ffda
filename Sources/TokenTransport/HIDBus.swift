/// Where HID devices are found and opened: hidapi on a real machine, emulated devices in tests.
public protocol HIDBus {
    /// Every HID device connected now.
    func enumerate() throws(HIDError) -> [HIDDeviceInfo]
    /// Opens the device `info` describes.
    func open(_ info: HIDDeviceInfo) throws(HIDError) -> any HIDConnection
}
