public import OTPCore
public import TokenModel
public import TokenTransport

/// What every token family's driver offers the CLI and the workflows: identity, PIN, slots,
/// codes, clock, factory reset. Spec-only features (encrypted seed import, attestation) stay
/// behind `writeSlot` and the spec driver's own API.
public protocol OTPTokenDriver: AnyObject {
    var family: TokenFamily { get }
    /// What the token can hold and how it behaves; `SlotProgrammer` refuses anything else before writing.
    func capabilities() throws(TokenError) -> OTPTokenCapabilities
    func tokenInfo() throws(TokenError) -> OTPTokenInfo
    /// The serial users see in `tokenforge devices`, without the rest of `tokenInfo`.
    func serialNumber() throws(TokenError) -> String

    /// Gives a token without a PIN its first one.
    func setPIN(_ pin: PIN) throws(TokenError)
    /// Unlocks the token for what follows (a Nitrokey: the admin PIN, which uses a try when wrong).
    func verifyPIN(_ pin: PIN) throws(TokenError)
    func changePIN(from current: PIN, to new: PIN) throws(TokenError)

    /// Every used slot, never its secret.
    func slots() throws(TokenError) -> [SlotEntry]
    /// The label `slots()` shows for a slot written under `label`: a token that keeps shorter
    /// names (a Nitrokey Pro's 15 bytes) shows its beginning.
    func listedLabel(_ label: String) -> String
    /// The slot a credential of `kind` goes to: `requested` once checked to exist, suit the kind and
    /// be free (or `overwrite`), else the first free one.
    func chooseSlot(_ requested: SlotIndex?, for kind: SlotConfiguration.Kind, overwrite: Bool) throws(TokenError)
        -> SlotIndex
    /// Writes the seed into `slot`, encrypted when the token and `policy` allow.
    @discardableResult
    func writeSlot(
        _ slot: SlotIndex, secret: Secret, configuration: SlotConfiguration, overwrite: Bool, policy: SeedImportPolicy
    ) throws(TokenError) -> WrittenSlot
    /// The slot's code: TOTP at `time` (nil: on the token's clock), HOTP at its counter, which then advances.
    func calculate(_ slot: SlotIndex, at time: UInt64?) throws(TokenError) -> CalculatedCode
    func deleteSlot(_ slot: SlotIndex) throws(TokenError)

    /// Sets the clock to `now` where needed; returns the token's clock minus `now` before, when the token can tell.
    func synchroniseClock(to now: Int64) throws(TokenError) -> Int64?
    func setTime(_ time: UInt64) throws(TokenError)
    /// The token's clock, or nil when it was never set or cannot be read.
    func time() throws(TokenError) -> UInt64?

    /// Erases every slot; `pin` is needed when `capabilities().pinToFactoryReset`.
    func factoryReset(pin: PIN?) throws(TokenError)

    /// Checks the token is one `policy` trusts before anything is changed on it: a spec token's
    /// attestation (a test token only when allowed). Families without attestation have nothing to check.
    func checkTrust(_ policy: SeedImportPolicy) throws(TokenError)
}

extension OTPTokenDriver {
    public func checkTrust(_ policy: SeedImportPolicy) throws(TokenError) {}

    public func listedLabel(_ label: String) -> String { label }

    /// Whether `entry` is the slot written under `label`, as far as the token can tell.
    public func holds(_ label: String?, in entry: SlotEntry) -> Bool {
        guard let label else { return false }
        return entry.configuration.label == label || entry.configuration.label == listedLabel(label)
    }
}

/// How a driver talks: how long it waits for each answer, and the clock it waits by.
public struct DriverSettings {
    /// The longest wait for one answer: 10 minutes; longer (and negative) waits are clamped.
    public static let maximumTimeoutMilliseconds = 600_000

    public var timeoutMilliseconds: Int
    public var clock: any TransportClock

    public init(timeoutMilliseconds: Int = 2_000, clock: any TransportClock = SystemTransportClock()) {
        self.timeoutMilliseconds = min(max(timeoutMilliseconds, 0), Self.maximumTimeoutMilliseconds)
        self.clock = clock
    }
}

extension TokenError {
    /// A transport failure as the family-neutral error: a vanished device is `disconnected`.
    public init(_ error: HIDError) {
        switch error {
        case .disconnected: self = .disconnected("\(error)")
        case .initialisationFailed, .enumerationFailed, .openFailed, .writeFailed, .readFailed, .featureReportFailed:
            self = .transport("\(error)")
        }
    }
}

extension TokenError {
    /// A smart-card failure as the family-neutral error: a removed card is `disconnected`.
    public init(_ error: SmartCardError) {
        switch error {
        case .cardRemoved, .noCard: self = .disconnected("\(error)")
        case .timedOut: self = .timedOut(operation: nil)
        case .serviceUnavailable, .noReader, .sharingViolation, .failed: self = .transport("\(error)")
        }
    }
}
