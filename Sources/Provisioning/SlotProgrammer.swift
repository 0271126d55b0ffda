import OTPCore
import TokenDrivers
import TokenWire

/// Programs one slot the way an administrator needs it done: clock set first, the seed sent
/// encrypted to the attested token key when the token can take it, then the slot read back by
/// comparing the token's code with the host's. Success is only ever reported after that check.
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
        /// The token's clock minus the host's before it was set, in seconds.
        public let clockDriftBeforeSync: Int64?
        /// Whether the seed crossed USB encrypted (§7).
        public let encrypted: Bool
        /// For HOTP: the counter the token will use next (verification used one).
        public let nextCounter: UInt64?
    }

    public let driver: SpecTokenDriver
    public let options: Options

    public init(driver: SpecTokenDriver, options: Options = Options()) {
        self.driver = driver
        self.options = options
    }

    /// Writes `secret` into `slot` (nil: the first free one) and verifies it at `now`.
    public func program(
        _ secret: Secret, configuration: SlotConfiguration, slot requested: SlotIndex?, now: Int64
    ) throws(DriverError) -> Result {
        let info = try driver.info()
        if let requested {
            guard Int(requested.rawValue) < info.slotCount else { throw .refused(.putSlot, .slotOutOfRange) }
            if !options.overwrite, try driver.slots().contains(where: { $0.slot == requested }) {
                throw .refused(.putSlot, .slotOccupied)
            }
        } else if info.freeSlots == 0 {
            throw .refused(.putSlot, .slotsFull)
        }
        let drift = try driver.time().map { Int64($0) - now }
        // A clock already right to the second is left alone: every SET_TIME is a flash write.
        if drift != 0 { try driver.setTime(UInt64(now)) }

        let slot = requested ?? .firstFree
        let seed: SeedMaterial
        if info.capabilities.contains([.wrappedSeedImport, .attestation]) {
            let key = try driver.attestedKey(allowTestManufacturer: options.allowTestTokens)
            do {
                seed = .wrapped(try SeedWrap.wrap(secret, to: key, slot: slot, configuration: configuration))
            } catch {
                throw .unsupported("cannot encrypt the seed: \(error)")
            }
        } else {
            guard options.allowPlainImport else { throw .plainImportNotAllowed }
            seed = .plain(secret)
        }
        let used = try driver.putSlot(SlotWrite(slot: slot, configuration: configuration, seed: seed, overwrite: options.overwrite))

        let generator: HOTPGenerator
        do {
            generator = try HOTPGenerator(secret: secret, algorithm: configuration.algorithm, digits: configuration.digits)
        } catch {
            throw .unsupported("\(error)")
        }
        var nextCounter: UInt64?
        switch configuration.kind {
        case .totp(let period):
            let answer = try driver.calculate(used, at: UInt64(now))
            guard answer.code == generator.code(counter: UInt64(now) / UInt64(period)) else {
                throw .verificationFailed(slot: used)
            }
        case .hotp(let counter):
            let answer = try driver.calculate(used, at: nil)
            guard answer.counter == counter, answer.code == generator.code(counter: counter) else {
                throw .verificationFailed(slot: used)
            }
            nextCounter = counter + 1
        }
        return Result(slot: used, clockDriftBeforeSync: drift, encrypted: seed != .plain(secret), nextCounter: nextCounter)
    }
}
