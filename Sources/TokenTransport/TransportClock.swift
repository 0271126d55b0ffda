#if canImport(Glibc)
    import Glibc
#endif

/// The time a driver measures deadlines and poll intervals with. Drivers take one, so tests
/// give a manual clock that the in-process fake advances instead of waiting.
public protocol TransportClock: AnyObject {
    /// Monotonic time since an arbitrary origin.
    var now: Duration { get }
    /// Waits for `duration` (a manual clock only advances).
    func sleep(for duration: Duration)
}

/// The machine's monotonic clock; sleeping is nanosleep, resumed after signals.
public final class SystemTransportClock: TransportClock {
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    public init() { origin = clock.now }

    public var now: Duration { clock.now - origin }

    public func sleep(for duration: Duration) {
        guard duration > .zero else { return }
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
