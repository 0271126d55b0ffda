public import NitrokeyProFamily
public import SpecTokenFamily
public import TokenDrivers
public import TokenTransport
public import YubiKeyOATHFamily

/// Every token family TokenForge supports; udev/70-tokenforge.rules grants access to exactly these.
public enum TokenRegistry {
    public static let families: [TokenFamily] = [.specToken, .nitrokeyPro, .libremKey]
    /// The families reached over PC/SC, tried in order on each card.
    public static let smartCardFamilies: [TokenFamily] = [.yubiKeyOATH]

    /// The family of an enumerated device, if TokenForge supports it.
    public static func family(of device: HIDDeviceInfo) -> TokenFamily? {
        families.first { $0.matches(device) }
    }
}
