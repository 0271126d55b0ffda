/// An ISO 7816-4 command APDU in short form: header, optional data (at most 255 bytes) and Le.
public struct CommandAPDU: Equatable, Sendable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public var data: [UInt8]

    public init(cla: UInt8 = 0x00, ins: UInt8, p1: UInt8 = 0, p2: UInt8 = 0, data: [UInt8] = []) {
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
    }

    /// The bytes on the wire: `CLA INS P1 P2 [Lc data]` (ISO 7816-4 §5.1, cases 1 and 3).
    public func encoded() throws(OATHWireError) -> [UInt8] {
        guard data.count <= 255 else { throw .commandTooLong(data.count) }
        return [cla, ins, p1, p2] + (data.isEmpty ? [] : [UInt8(data.count)] + data)
    }

    /// Parses a short command APDU as a card receives it; a trailing Le byte is accepted and dropped.
    public init(decoding bytes: [UInt8]) throws(OATHWireError) {
        guard bytes.count >= 4 else { throw .truncated("a command APDU has a 4-byte header, got \(bytes.count) bytes") }
        cla = bytes[0]
        ins = bytes[1]
        p1 = bytes[2]
        p2 = bytes[3]
        switch bytes.count {
        case 4, 5: data = []  // case 1, or case 2 with Le
        default:
            let length = Int(bytes[4])
            guard length > 0, bytes.count == 5 + length || bytes.count == 6 + length else {
                throw .truncated("Lc says \(length) data bytes, the APDU carries \(bytes.count - 5)")
            }
            data = Array(bytes[5..<(5 + length)])
        }
    }
}

/// The status word ending every response APDU (ISO 7816-4 §5.1.3), with the values YKOATH uses.
public struct StatusWord: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public init(_ sw1: UInt8, _ sw2: UInt8) { rawValue = UInt16(sw1) << 8 | UInt16(sw2) }

    public static let success = StatusWord(rawValue: 0x9000)
    /// SW1 0x61: `SW2` more bytes wait for SEND REMAINING (0 means 256 or more).
    public static func moreData(_ count: UInt8) -> StatusWord { StatusWord(0x61, count) }
    public static let noSpace = StatusWord(rawValue: 0x6A84)
    public static let wrongSyntax = StatusWord(rawValue: 0x6A80)
    public static let noSuchObject = StatusWord(rawValue: 0x6984)
    public static let authRequired = StatusWord(rawValue: 0x6982)
    public static let conditionsNotSatisfied = StatusWord(rawValue: 0x6985)
    public static let fileNotFound = StatusWord(rawValue: 0x6A82)
    public static let wrongP1P2 = StatusWord(rawValue: 0x6B00)
    public static let insNotSupported = StatusWord(rawValue: 0x6D00)
    public static let genericError = StatusWord(rawValue: 0x6581)

    public var sw1: UInt8 { UInt8(rawValue >> 8) }
    public var sw2: UInt8 { UInt8(rawValue & 0xFF) }
    /// Whether more response bytes wait (SW1 0x61).
    public var hasMoreData: Bool { sw1 == 0x61 }

    public var description: String {
        let hex = String(rawValue, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - hex.count) + hex
    }
}

/// A response APDU: data, then SW1 SW2.
public struct ResponseAPDU: Equatable, Sendable {
    public var data: [UInt8]
    public var status: StatusWord

    public init(data: [UInt8] = [], status: StatusWord) {
        self.data = data
        self.status = status
    }

    public init(decoding bytes: [UInt8]) throws(OATHWireError) {
        guard bytes.count >= 2 else { throw .truncated("a response APDU ends in 2 status bytes, got \(bytes.count) bytes") }
        data = Array(bytes.dropLast(2))
        status = StatusWord(bytes[bytes.count - 2], bytes[bytes.count - 1])
    }

    public var encoded: [UInt8] { data + [status.sw1, status.sw2] }
}
