import Synchronization
public import TokenTransport

/// A clock that moves only when told: sleeping advances it at once, and the in-process
/// connection advances it by the timeout of a read that finds nothing, the way an embedded
/// event loop's time is advanced by its test. A stalled fake therefore times out without waiting.
public final class ManualTransportClock: TransportClock, Sendable {
    private let elapsed = Mutex<Duration>(.zero)

    public init() {}

    public var now: Duration { elapsed.withLock { $0 } }

    public func sleep(for duration: Duration) { advance(by: duration) }

    public func advance(by duration: Duration) {
        guard duration > .zero else { return }
        elapsed.withLock { $0 += duration }
    }
}
