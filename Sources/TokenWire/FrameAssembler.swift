/// Reassembles reports into frames for one message at a time (§3.2, §3.4).
///
/// Used by both sides: the token feeds it every report it receives; the host feeds it the reports
/// of its channel. Time comes in as milliseconds from any monotonic origin.
public struct FrameAssembler: Sendable {
    /// What a report did to the message being assembled.
    public enum Outcome: Equatable, Sendable {
        case incomplete
        case complete(Frame)
        /// The report was refused; `channel` should get an ERROR frame with the error.
        case failed(FramingError, channel: ChannelID)
    }

    private struct Pending: Sendable {
        let channel: ChannelID
        let command: FrameCommand
        let length: Int
        var payload: [UInt8]
        var nextSequence: UInt8
        var lastPacketAt: UInt64
    }

    private var pending: Pending?

    public init() {}

    /// The channel of the message being assembled, if any.
    public var busyChannel: ChannelID? { pending?.channel }

    /// Abandons a message whose next packet is overdue; returns the channel to tell.
    public mutating func expire(now: UInt64) -> ChannelID? {
        guard let current = pending, now &- current.lastPacketAt > Framing.continuationTimeoutMilliseconds else {
            return nil
        }
        pending = nil
        return current.channel
    }

    /// Drops the message being assembled on `channel` (an INIT resynchronisation, §3.3).
    public mutating func abandon(channel: ChannelID) {
        if pending?.channel == channel { pending = nil }
    }

    public mutating func receive(_ report: [UInt8], now: UInt64) -> Outcome {
        guard report.count == Framing.reportSize else {
            return .failed(.invalidLength(report.count), channel: ChannelID(rawValue: 0))
        }
        let channel = ChannelID(rawValue: report[0..<4].reduce(0) { $0 << 8 | UInt32($1) })
        if let expired = expire(now: now), expired == channel {
            return .failed(.messageTimeout, channel: channel)
        }
        let marker = report[4]
        if marker & 0x80 != 0 {
            return receiveInitialisation(report, channel: channel, now: now)
        }
        guard var current = pending, current.channel == channel else {
            // A continuation with no message started on its channel is ignored (§3.4).
            return .incomplete
        }
        guard marker == current.nextSequence else {
            pending = nil
            return .failed(.invalidSequence(expected: current.nextSequence, received: marker), channel: channel)
        }
        let take = min(Framing.continuationDataSize, current.length - current.payload.count)
        current.payload += report[5..<(5 + take)]
        current.nextSequence += 1
        current.lastPacketAt = now
        return finishOrKeep(current)
    }

    private mutating func receiveInitialisation(_ report: [UInt8], channel: ChannelID, now: UInt64) -> Outcome {
        guard let command = FrameCommand(rawValue: report[4] & 0x7F) else {
            return .failed(.invalidCommand(report[4] & 0x7F), channel: channel)
        }
        if let current = pending, current.channel != channel {
            // INIT may always interrupt (§3.3); anything else waits for the busy channel.
            guard command == .initialise else { return .failed(.channelBusy, channel: channel) }
        }
        let length = Int(report[5]) << 8 | Int(report[6])
        guard length <= Framing.maximumMessageSize else {
            pending = nil
            return .failed(.invalidLength(length), channel: channel)
        }
        let take = min(Framing.initialisationDataSize, length)
        let started = Pending(
            channel: channel, command: command, length: length, payload: Array(report[7..<(7 + take)]),
            nextSequence: 0, lastPacketAt: now)
        return finishOrKeep(started)
    }

    private mutating func finishOrKeep(_ current: Pending) -> Outcome {
        if current.payload.count == current.length {
            pending = nil
            return .complete(Frame(channel: current.channel, command: current.command, payload: current.payload))
        }
        guard current.nextSequence <= 0x7F else {
            pending = nil
            return .failed(.invalidLength(current.length), channel: current.channel)
        }
        pending = current
        return .incomplete
    }
}
