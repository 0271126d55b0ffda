/// Framing of messages into 64-byte HID reports (firmware-spec/PROTOCOL.md §3).
///
/// An initialisation packet is `CID(4) CMD(1, bit 7 set) BCNT(2) DATA(57)`; continuation packets
/// are `CID(4) SEQ(1, 0…127) DATA(59)`. Integers are big-endian.
public enum Framing {
    public static let reportSize = 64
    public static let initialisationDataSize = reportSize - 7
    public static let continuationDataSize = reportSize - 5
    /// The longest message a token must accept (§3.2).
    public static let maximumMessageSize = 2048
    /// A message whose next packet takes longer than this is abandoned with `messageTimeout` (§3.4).
    public static let continuationTimeoutMilliseconds: UInt64 = 500

    /// Splits `frame` into reports, the last one padded with zeros.
    public static func reports(for frame: Frame) throws(FramingError) -> [[UInt8]] {
        guard frame.payload.count <= maximumMessageSize else { throw .invalidLength(frame.payload.count) }
        var reports: [[UInt8]] = []
        var first = frame.channel.bytes
        first.append(0x80 | frame.command.rawValue)
        first.append(UInt8(frame.payload.count >> 8))
        first.append(UInt8(frame.payload.count & 0xFF))
        first += frame.payload.prefix(initialisationDataSize)
        reports.append(padded(first))
        var offset = initialisationDataSize
        var sequence: UInt8 = 0
        while offset < frame.payload.count {
            var packet = frame.channel.bytes
            packet.append(sequence)
            packet += frame.payload[offset..<min(offset + continuationDataSize, frame.payload.count)]
            reports.append(padded(packet))
            offset += continuationDataSize
            sequence += 1
        }
        return reports
    }

    private static func padded(_ packet: [UInt8]) -> [UInt8] {
        packet + [UInt8](repeating: 0, count: reportSize - packet.count)
    }
}

/// A channel identifier (§3.1): 0 is reserved, 0xFFFFFFFF is the broadcast channel of INIT.
public struct ChannelID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public static let broadcast = ChannelID(rawValue: 0xFFFF_FFFF)
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    var bytes: [UInt8] { withUnsafeBytes(of: rawValue.bigEndian, Array.init) }
    public var description: String { "channel " + String(rawValue, radix: 16) }
}

/// Transport-level commands (§3.3).
public enum FrameCommand: UInt8, Sendable {
    /// Echoes its data back.
    case ping = 0x01
    /// Carries one application request or response (§4).
    case message = 0x03
    /// Allocates a channel (on the broadcast channel) or resynchronises one.
    case initialise = 0x06
    /// Sent by the token while a command is still running.
    case keepalive = 0x3B
    /// Reports a framing error; its data is one `FramingError` code.
    case error = 0x3F
}

/// One reassembled transport message.
public struct Frame: Equatable, Sendable {
    public let channel: ChannelID
    public let command: FrameCommand
    public let payload: [UInt8]

    public init(channel: ChannelID, command: FrameCommand, payload: [UInt8]) {
        self.channel = channel
        self.command = command
        self.payload = payload
    }
}

/// Framing errors, with the codes a token sends in an ERROR frame (§3.5).
public enum FramingError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidCommand(UInt8)
    case invalidParameter
    case invalidLength(Int)
    case invalidSequence(expected: UInt8, received: UInt8)
    case messageTimeout
    case channelBusy
    case invalidChannel
    case other(UInt8)

    /// The code on the wire.
    public var code: UInt8 {
        switch self {
        case .invalidCommand: 0x01
        case .invalidParameter: 0x02
        case .invalidLength: 0x03
        case .invalidSequence: 0x04
        case .messageTimeout: 0x05
        case .channelBusy: 0x06
        case .invalidChannel: 0x0B
        case .other(let code): code
        }
    }

    /// The error a token reported with `code`.
    public init(code: UInt8) {
        self =
            switch code {
            case 0x01: .invalidCommand(0)
            case 0x02: .invalidParameter
            case 0x03: .invalidLength(0)
            case 0x04: .invalidSequence(expected: 0, received: 0)
            case 0x05: .messageTimeout
            case 0x06: .channelBusy
            case 0x0B: .invalidChannel
            default: .other(code)
            }
    }

    public var description: String {
        switch self {
        case .invalidCommand(let command): "unknown transport command 0x\(String(command, radix: 16))"
        case .invalidParameter: "invalid transport parameter"
        case .invalidLength(let length): "invalid message length \(length)"
        case .invalidSequence(let expected, let received):
            "continuation packet out of sequence (expected \(expected), got \(received))"
        case .messageTimeout: "the rest of the message did not arrive in time"
        case .channelBusy: "the token is busy with another channel"
        case .invalidChannel: "invalid or unallocated channel"
        case .other(let code): "transport error 0x\(String(code, radix: 16))"
        }
    }
}
