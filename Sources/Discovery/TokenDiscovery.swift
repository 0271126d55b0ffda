public import TokenDrivers
public import TokenModel
public import TokenTransport

/// Finds supported tokens on a bus, chooses one, waits for one to be inserted, and opens its
/// family's driver: the one way the CLI, issuance and the benchmarks reach a token.
public struct TokenDiscovery {
    public let bus: any HIDBus
    public let settings: DriverSettings

    public init(bus: any HIDBus, settings: DriverSettings = DriverSettings()) {
        self.bus = bus
        self.settings = settings
    }

    /// Every HID device connected, supported or not, with its family when TokenForge supports it.
    public func allDevices() throws(DiscoveryError) -> [(device: HIDDeviceInfo, family: TokenFamily?)] {
        do { return try bus.enumerate().map { ($0, TokenRegistry.family(of: $0)) } } catch { throw .bus(error) }
    }

    /// The supported tokens connected now.
    public func supportedTokens() throws(DiscoveryError) -> [ConnectedToken] {
        try allDevices().compactMap { entry in entry.family.map { ConnectedToken(device: entry.device, family: $0) } }
    }

    /// The token with `choice` as its path or serial; without a choice, the only one connected.
    public func choose(_ choice: String?) throws(DiscoveryError) -> ConnectedToken {
        let tokens = try supportedTokens()
        if let choice {
            guard let token = tokens.first(where: { $0.path == choice || $0.serial == choice }) else {
                throw .notConnected(choice, tokens)
            }
            return token
        }
        guard let only = tokens.first else { throw .noToken }
        guard tokens.count == 1 else { throw .ambiguous(tokens) }
        return only
    }

    /// Waits up to `timeout` for a token `accepting` takes; `waiting` is called once if none is there yet.
    public func waitForToken(
        serial: String?, timeout: Duration, pollInterval: Duration = .milliseconds(300),
        accepting: (ConnectedToken) -> Bool = { _ in true }, waiting: () -> Void = {}
    ) throws(DiscoveryError) -> ConnectedToken {
        let deadline = settings.clock.now + timeout
        var told = false
        while true {
            let match = try supportedTokens().first { token in
                (serial.map { token.serial == $0 } ?? true) && accepting(token)
            }
            if let match { return match }
            guard settings.clock.now < deadline else {
                throw .notInserted(serial: serial, seconds: Int(timeout.components.seconds))
            }
            if !told {
                waiting()
                told = true
            }
            settings.clock.sleep(for: pollInterval)
        }
    }

    /// Opens the token's driver, the one its family speaks.
    public func open(_ token: ConnectedToken) throws(TokenError) -> any OTPTokenDriver {
        let connection: any HIDConnection
        do { connection = try bus.open(token.device) } catch { throw TokenError(error) }
        return try token.family.openDriver(connection, settings: settings)
    }
}
