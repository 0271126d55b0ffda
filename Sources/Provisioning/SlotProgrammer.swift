public import OTPCore
public import TokenDrivers
public import TokenModel

/// Programs one slot the way an administrator needs it done, on any token family: what the token
/// cannot hold refused before anything is written, clock set first, the seed sent encrypted to the
/// attested token key when the token can take it, then the slot read back by comparing the
/// token's code with the host's. Success is only ever reported after that check.
public struct SlotProgrammer {
    public struct Options: Sendable {
        /// Replace a slot that is in use.
        public var overwrite = false
        /// Accept tokens signed with the public test manufacturer key (virtual tokens).
        public var allowTestTokens = false
        /// Send the seed in clear when the token cannot take it encrypted.
        public var allowPlainImport = false
        public init() {}
    }

    /// What was programmed.
    public struct Result: Equatable, Sendable {
        public let slot: SlotIndex
        /// The token's clock minus the host's before it was set, in seconds (nil: unknown).
        public let clockDriftBeforeSync: Int64?
        /// Whether the seed crossed USB encrypted.
        public let encrypted: Bool
        /// For HOTP: the counter the token will use next (verification used one).
        public let nextCounter: UInt64?
        /// The name the token keeps when it is not the issuer and account as given.
        public let storedName: String?
    }

    /// How far a token's clock may have run between being set and giving its code.
    static let clockAllowanceSeconds: Int64 = 5

    public let driver: any OTPTokenDriver
    public let options: Options

    public init(driver: any OTPTokenDriver, options: Options = Options()) {
        self.driver = driver
        self.options = options
    }

    /// Writes `secret` into `slot` (nil: the first free one) and verifies it at `now`.
    public func program(
        _ secret: Secret, configuration: SlotConfiguration, slot requested: SlotIndex?, now: Int64
    ) throws(TokenError) -> Result {
        let capabilities = try driver.capabilities()
        try capabilities.check(configuration, secretBytes: secret.byteCount)
        let slot = try driver.chooseSlot(requested, for: configuration.kind, overwrite: options.overwrite)
        let drift = try driver.synchroniseClock(to: now)
        do throws(TokenError) {
            let written = try driver.writeSlot(
                slot, secret: secret, configuration: configuration, overwrite: options.overwrite,
                policy: SeedImportPolicy(
                    allowTestTokens: options.allowTestTokens, allowPlainImport: options.allowPlainImport))
            return try verify(written, secret: secret, configuration: configuration, drift: drift, now: now)
        } catch {
            throw Self.afterWrite(error, slot: slot)
        }
    }

    /// A lost answer once the write was sent leaves the slot's content unknown: said so, never
    /// reported as the token being merely unreachable.
    static func afterWrite(_ error: TokenError, slot: SlotIndex) -> TokenError {
        switch error {
        case .timedOut, .disconnected, .transport, .protocolViolation: .writeUnconfirmed(slot, detail: "\(error)")
        default: error
        }
    }

    /// Reads `written` back: the token's code must equal the host's.
    private func verify(
        _ written: WrittenSlot, secret: Secret, configuration: SlotConfiguration, drift: Int64?, now: Int64
    ) throws(TokenError) -> Result {
        let capabilities = try driver.capabilities()
        let used = written.slot

        let generator: HOTPGenerator
        do {
            generator = try HOTPGenerator(
                secret: secret, algorithm: configuration.algorithm, digits: configuration.digits)
        } catch {
            throw .unsupported("\(error)")
        }
        var nextCounter: UInt64?
        switch configuration.kind {
        case .totp(let period):
            let steps: ClosedRange<UInt64>
            let answer: CalculatedCode
            if capabilities.codesAtAnyTime {
                answer = try driver.calculate(used, at: UInt64(now))
                steps = (UInt64(now) / UInt64(period))...(UInt64(now) / UInt64(period))
            } else {
                // The clock was set to `now` just before and has run since: its step is now's or a later one.
                answer = try driver.calculate(used, at: nil)
                steps = (UInt64(now) / UInt64(period))...(UInt64(now + Self.clockAllowanceSeconds) / UInt64(period))
            }
            guard steps.contains(where: { generator.code(counter: $0) == answer.code }) else {
                throw .slotNotVerified(used)
            }
        case .hotp(let counter):
            let answer = try driver.calculate(used, at: nil)
            guard answer.counter == counter, answer.code == generator.code(counter: counter) else {
                throw .slotNotVerified(used)
            }
            nextCounter = counter.addingReportingOverflow(1).overflow ? nil : counter + 1
        }
        return Result(
            slot: used, clockDriftBeforeSync: drift, encrypted: written.encrypted, nextCounter: nextCounter,
            storedName: written.storedName)
    }

    /// Writes `uri`'s account into `slot` (nil: the first free one) and verifies it at `now`.
    public func program(_ uri: OTPAuthURI, slot: SlotIndex?, now: Int64) throws(TokenError) -> Result {
        try Self.checkCarried(uri)
        return try program(uri.secret, configuration: SlotConfiguration(uri), slot: slot, now: now)
    }

    /// Refuses a period no slot configuration can carry, before it would be cut to fit.
    static func checkCarried(_ uri: OTPAuthURI) throws(TokenError) {
        if case .totp(let period) = uri.kind, UInt32(exactly: period) == nil {
            throw .unsupported("a TOTP period of \(period) s cannot be programmed: tokens take at most \(UInt32.max) s")
        }
    }

    /// Programs each account into the first free slot and verifies it, in order; names longer
    /// than the token keeps are cut. `programmed` is told of each one as it is verified.
    public func programAll(
        _ accounts: [OTPAuthURI], now: () -> Int64, programmed: (OTPAuthURI, Result) -> Void = { _, _ in }
    ) throws(TokenError) -> [Result] {
        let nameBytes = try driver.capabilities().nameBytes
        var results: [Result] = []
        for uri in accounts { try Self.checkCarried(uri) }
        for uri in accounts {
            let result = try program(
                uri.secret, configuration: SlotConfiguration(uri, truncatingNamesTo: nameBytes), slot: nil, now: now())
            programmed(uri, result)
            results.append(result)
        }
        return results
    }
}
