public import TokenDrivers
public import TokenTransport

/// A supported token connected now: the device and the family that drives it.
public struct ConnectedToken: Equatable, Sendable {
    public let device: HIDDeviceInfo
    public let family: TokenFamily

    public init(device: HIDDeviceInfo, family: TokenFamily) {
        self.device = device
        self.family = family
    }

    public var serial: String { device.serialNumber }
    public var path: String { device.path }
}
