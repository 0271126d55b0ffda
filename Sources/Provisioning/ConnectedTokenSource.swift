public import Discovery
public import TokenDrivers
public import TokenModel

/// Tokens found by discovery: the one with the wanted serial, or the next one inserted whose
/// serial is not among `takenSerials` and, unless `acceptUsedTokens`, that holds no account yet.
public struct ConnectedTokenSource: TokenSource {
    public let discovery: TokenDiscovery
    public let programmingOptions: SlotProgrammer.Options
    public let wait: Duration
    /// Take a "next token" that already holds accounts (else it is passed over, with a word).
    public let acceptUsedTokens: Bool
    let takenSerials: () throws -> Set<String>
    let waiting: (String) -> Void

    /// `waiting` is told, once per token, what to ask the administrator to insert, and why a token
    /// inserted was passed over.
    public init(
        discovery: TokenDiscovery, programmingOptions: SlotProgrammer.Options, wait: Duration,
        acceptUsedTokens: Bool = false, takenSerials: @escaping () throws -> Set<String>,
        waiting: @escaping (String) -> Void = { _ in }
    ) {
        self.discovery = discovery
        self.programmingOptions = programmingOptions
        self.wait = wait
        self.acceptUsedTokens = acceptUsedTokens
        self.takenSerials = takenSerials
        self.waiting = waiting
    }

    public func token(serial: String?, prompt: String) throws -> any OTPTokenDriver {
        var passedOver = serial == nil ? try takenSerials() : []
        let clock = discovery.settings.clock
        let deadline = clock.now + wait
        while true {
            let remaining = max(deadline - clock.now, .zero)
            let token = try discovery.waitForToken(
                serial: serial, timeout: remaining, accepting: { !passedOver.contains($0.serial) },
                waiting: { waiting("\(prompt)\(serial.map { " (serial \($0))" } ?? "")") })
            let driver = try discovery.open(token)
            guard serial == nil, !acceptUsedTokens else { return driver }
            let info = try driver.tokenInfo()
            if info.freeSlots == info.slotCount { return driver }
            passedOver.insert(token.serial)
            guard clock.now < deadline else {
                throw DiscoveryError.notInserted(serial: nil, seconds: Int(wait.components.seconds))
            }
            waiting(
                "token \(token.serial) already holds \(info.slotCount - info.freeSlots) account(s): insert an unused one (or allow used tokens)"
            )
        }
    }
}
