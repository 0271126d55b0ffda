public import TokenDrivers
public import TokenModel

/// The device workflows besides programming, each followed by its check: a change counts as
/// done only when the token reads back as asked.
public struct TokenMaintenance {
    /// A token's clock against the host's.
    public struct ClockReading: Equatable, Sendable {
        /// The token's clock before any change (nil: never set, or the token cannot tell).
        public let tokenTime: UInt64?
        public let hostTime: Int64
        /// Whether the token can report its clock at all.
        public let readable: Bool
        /// Whether the clock was set to the host's.
        public let synchronised: Bool

        /// The token's clock minus the host's, in seconds.
        public var drift: Int64? { tokenTime.map { Int64(clamping: $0) - hostTime } }
    }

    /// How far a clock may be from the time just set and still count as set.
    static let clockAllowanceSeconds: Int64 = 2

    public let driver: any OTPTokenDriver

    public init(driver: any OTPTokenDriver) { self.driver = driver }

    /// Erases `slot` and checks the token no longer lists it; `pin` is verified first when given.
    public func erase(_ slot: SlotIndex, pin: PIN?) throws(TokenError) {
        if let pin { try driver.verifyPIN(pin) }
        try deleteAndCheck(slot)
    }

    /// Erases `slot` if it is in use, checking it is gone; returns whether it was in use.
    public func eraseIfUsed(_ slot: SlotIndex, pin: PIN) throws(TokenError) -> Bool {
        try driver.verifyPIN(pin)
        guard try driver.slots().contains(where: { $0.slot == slot }) else { return false }
        try deleteAndCheck(slot)
        return true
    }

    /// The check looks for the erased entry itself: on a token whose slots are its list's order
    /// (a YubiKey), the next credential moves into the erased slot's number.
    private func deleteAndCheck(_ slot: SlotIndex) throws(TokenError) {
        let erased = try driver.slots().first { $0.slot == slot }
        try driver.deleteSlot(slot)
        let remaining = try driver.slots()
        guard !remaining.contains(where: { entry in erased.map { $0 == entry } ?? (entry.slot == slot) }) else {
            throw .verificationFailed("\(slot) is still listed after erasing it")
        }
    }

    /// The token's clock against `now`, changing nothing.
    public func readClock(now: Int64) throws(TokenError) -> ClockReading {
        let readable = try driver.capabilities().readableClock
        return ClockReading(tokenTime: try driver.time(), hostTime: now, readable: readable, synchronised: false)
    }

    /// Sets the token's clock to `now` and, where the token can report it, checks it took.
    /// `pin` is asked for only when the family needs it to set the clock.
    public func synchroniseClock(now: Int64, pin: () throws -> PIN) throws -> ClockReading {
        let capabilities = try driver.capabilities()
        let before = try driver.time()
        if capabilities.pinToSetClock { try driver.verifyPIN(try pin()) }
        try driver.setTime(UInt64(max(0, now)))
        if capabilities.readableClock {
            guard let after = try driver.time(), abs(Int64(clamping: after) - now) <= Self.clockAllowanceSeconds else {
                throw TokenError.verificationFailed("the token's clock did not take the new time")
            }
        }
        return ClockReading(tokenTime: before, hostTime: now, readable: capabilities.readableClock, synchronised: true)
    }

    /// Erases every slot (and the PIN where the family has none by default), then checks the
    /// token reports no slot and no PIN left. `pin` is asked for only when the family needs it.
    public func factoryReset(pin: () throws -> PIN) throws {
        let capabilities = try driver.capabilities()
        try driver.factoryReset(pin: capabilities.pinToFactoryReset ? try pin() : nil)
        let info = try driver.tokenInfo()
        guard info.freeSlots == info.slotCount, capabilities.alwaysHasPIN || !info.pinSet else {
            throw TokenError.verificationFailed("the token still reports slots or a PIN after the reset")
        }
    }

    /// Gives a token without a PIN its first one, then checks it by verifying it.
    public func setPIN(_ pin: PIN) throws(TokenError) {
        try driver.setPIN(pin)
        try driver.verifyPIN(pin)
    }

    /// Changes the PIN, then checks the new one by verifying it.
    public func changePIN(from current: PIN, to new: PIN) throws(TokenError) {
        try driver.changePIN(from: current, to: new)
        try driver.verifyPIN(new)
    }
}
