public import Discovery
public import TokenDrivers
public import TokenModel

/// Tokens found by discovery: the one with the wanted serial, or the next one inserted whose
/// serial is not among `takenSerials`. A token without a PIN gets the one `pin` gives; the PIN is
/// then verified.
public struct ConnectedTokenSource: TokenSource {
    public let discovery: TokenDiscovery
    public let programmingOptions: SlotProgrammer.Options
    public let wait: Duration
    let pin: () throws -> PIN
    let takenSerials: () throws -> Set<String>
    let waiting: (String) -> Void

    /// `waiting` is told, once per token, what to ask the administrator to insert.
    public init(
        discovery: TokenDiscovery, programmingOptions: SlotProgrammer.Options, wait: Duration,
        pin: @escaping () throws -> PIN, takenSerials: @escaping () throws -> Set<String>,
        waiting: @escaping (String) -> Void = { _ in }
    ) {
        self.discovery = discovery
        self.programmingOptions = programmingOptions
        self.wait = wait
        self.pin = pin
        self.takenSerials = takenSerials
        self.waiting = waiting
    }

    public func token(serial: String?, prompt: String) throws -> any OTPTokenDriver {
        let taken = serial == nil ? try takenSerials() : []
        let token = try discovery.waitForToken(
            serial: serial, timeout: wait, accepting: { !taken.contains($0.serial) },
            waiting: { waiting("\(prompt)\(serial.map { " (serial \($0))" } ?? "")") })
        let driver = try discovery.open(token)
        let pinValue = try pin()
        if try !driver.capabilities().alwaysHasPIN, try !driver.tokenInfo().pinSet {
            try TokenMaintenance(driver: driver).setPIN(pinValue)
        } else {
            try driver.verifyPIN(pinValue)
        }
        return driver
    }
}
