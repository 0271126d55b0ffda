public import TokenDrivers
public import TokenModel
public import TokenTransport

/// Finds supported tokens on a bus, chooses one, waits for one to be inserted, and opens its
/// family's driver: the one way the CLI, issuance and the benchmarks reach a token.
public struct TokenDiscovery {
    public let bus: any HIDBus
    /// Where smart-card tokens are found (PC/SC); nil: HID only.
    public let smartCards: (any SmartCardBus)?
    public let settings: DriverSettings

    public init(bus: any HIDBus, smartCards: (any SmartCardBus)? = nil, settings: DriverSettings = DriverSettings()) {
        self.bus = bus
        self.smartCards = smartCards
        self.settings = settings
    }

    /// Every HID device and every card in a reader, supported or not, with its family when TokenForge supports it.
    public func allDevices() throws(DiscoveryError) -> [(device: HIDDeviceInfo, family: TokenFamily?)] {
        let devices: [(device: HIDDeviceInfo, family: TokenFamily?)]
        do { devices = try bus.enumerate().map { ($0, TokenRegistry.family(of: $0)) } } catch { throw .bus(error) }
        return devices + smartCardDevices()
    }

    /// The cards in the smart-card readers, described as devices: path `pcsc:READER`, the serial
    /// the family's driver reports. A reader the service cannot list is left out.
    private func smartCardDevices() -> [(device: HIDDeviceInfo, family: TokenFamily?)] {
        guard let smartCards, let readers = try? smartCards.readers() else { return [] }
        return readers.filter { $0.atr != nil }.map { reader in
            var found: (serial: String, family: TokenFamily)?
            if let connection = try? smartCards.connect(reader) {
                for family in TokenRegistry.smartCardFamilies {
                    if let driver = try? family.openDriver(connection, settings: settings), let serial = try? driver.serialNumber() {
                        found = (serial, family)
                        break
                    }
                }
            }
            let device = HIDDeviceInfo(
                path: Self.smartCardPathPrefix + reader.name, vendorID: found?.family.vendorID ?? 0, productID: 0,
                serialNumber: found?.serial ?? "", manufacturer: "", product: found?.family.name ?? "smart card",
                usagePage: 0, usage: 0, interfaceNumber: -1)
            return (device, found?.family)
        }
    }

    /// How a card's path names its reader.
    public static let smartCardPathPrefix = "pcsc:"

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
        if token.family.applicationID != nil, token.path.hasPrefix(Self.smartCardPathPrefix) {
            let name = String(token.path.dropFirst(Self.smartCardPathPrefix.count))
            guard let smartCards else { throw .transport("smart cards are not being looked for") }
            let connection: any SmartCardConnection
            do throws(SmartCardError) {
                guard let reader = try smartCards.readers().first(where: { $0.name == name }) else {
                    throw SmartCardError.noCard(reader: name)
                }
                connection = try smartCards.connect(reader)
            } catch { throw TokenError(error) }
            return try token.family.openDriver(connection, settings: settings)
        }
        let connection: any HIDConnection
        do { connection = try bus.open(token.device) } catch { throw TokenError(error) }
        return try token.family.openDriver(connection, settings: settings)
    }
}
