import FoundationEssentials

/// The token's real-time clock and a monotonic millisecond counter, injected so tests are
/// deterministic.
public protocol DeviceClock: AnyObject {
    /// The raw RTC in seconds; the token adds the offset SET_TIME stored.
    var seconds: Int64 { get }
    /// Monotonic milliseconds, for framing timeouts.
    var milliseconds: UInt64 { get }
}

/// The host's clocks.
public final class SystemDeviceClock: DeviceClock {
    private let start = ContinuousClock.now

    public init() {}

    public var seconds: Int64 { Int64(Date().timeIntervalSince1970) }

    public var milliseconds: UInt64 {
        let elapsed = ContinuousClock.now - start
        return UInt64(elapsed.components.seconds) * 1_000
            + UInt64(elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// A clock tests move by hand.
public final class ManualDeviceClock: DeviceClock {
    public var seconds: Int64
    public var milliseconds: UInt64

    public init(seconds: Int64 = 1_700_000_000, milliseconds: UInt64 = 0) {
        self.seconds = seconds
        self.milliseconds = milliseconds
    }

    public func advance(seconds: Int64 = 0, milliseconds: UInt64 = 0) {
        self.seconds += seconds + Int64(milliseconds / 1_000)
        self.milliseconds += milliseconds + UInt64(seconds) * 1_000
    }
}
