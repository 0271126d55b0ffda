public import TokenTransport

/// A clock that moves only when told: sleeping advances it at once, and the in-process
/// connection advances it by the timeout of a read that finds nothing, the way an embedded
/// event loop's time is advanced by its test. A stalled fake therefore times out without waiting.
public final class ManualTransportClock: TransportClock, @unchecked Sendable {
    public private(set) var now: Duration = .zero

    public init() {}

    public func sleep(for duration: Duration) { advance(by: duration) }

    public func advance(by duration: Duration) {
        if duration > .zero { now += duration }
    }
}
