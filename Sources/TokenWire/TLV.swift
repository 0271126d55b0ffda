/// One tag-length-value field of an application message (§4.1): `TAG(1) LEN(1) VALUE(LEN)`.
public struct TLV: Equatable, Sendable {
    public let tag: Tag
    public let value: [UInt8]

    public init(_ tag: Tag, _ value: [UInt8]) {
        precondition(value.count <= 255, "a TLV value holds at most 255 bytes")
        self.tag = tag
        self.value = value
    }

    public init(_ tag: Tag, byte: UInt8) { self.init(tag, [byte]) }
    public init(_ tag: Tag, string: String) { self.init(tag, Array(string.utf8)) }
    public init(_ tag: Tag, uint32: UInt32) { self.init(tag, withUnsafeBytes(of: uint32.bigEndian, Array.init)) }
    public init(_ tag: Tag, uint64: UInt64) { self.init(tag, withUnsafeBytes(of: uint64.bigEndian, Array.init)) }

    /// The fields in order, each as `TAG LEN VALUE`.
    public static func encode(_ fields: [TLV]) -> [UInt8] {
        var bytes: [UInt8] = []
        for field in fields {
            bytes.append(field.tag.rawValue)
            bytes.append(UInt8(field.value.count))
            bytes += field.value
        }
        return bytes
    }

    /// Reads a sequence of fields; unknown tags are kept as `Tag.unknown` so newer hosts work (§4.1).
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(MessageError) -> [TLV]
    where Bytes.Index == Int {
        var fields: [TLV] = []
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            guard offset + 1 < bytes.endIndex else { throw .truncatedField(offset: offset - bytes.startIndex) }
            let length = Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.endIndex else {
                throw .truncatedField(offset: offset - bytes.startIndex)
            }
            fields.append(TLV(Tag(rawValue: bytes[offset]), Array(bytes[(offset + 2)..<(offset + 2 + length)])))
            offset += 2 + length
        }
        return fields
    }
}

/// Field tags (§4.2).
public struct Tag: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let slot = Tag(rawValue: 0x01)
    public static let kind = Tag(rawValue: 0x02)
    public static let algorithm = Tag(rawValue: 0x03)
    public static let digits = Tag(rawValue: 0x04)
    public static let period = Tag(rawValue: 0x05)
    public static let counter = Tag(rawValue: 0x06)
    public static let issuer = Tag(rawValue: 0x07)
    public static let account = Tag(rawValue: 0x08)
    public static let secret = Tag(rawValue: 0x09)
    public static let wrappedSecret = Tag(rawValue: 0x0A)
    public static let time = Tag(rawValue: 0x0B)
    public static let code = Tag(rawValue: 0x0C)
    public static let pin = Tag(rawValue: 0x0D)
    public static let newPIN = Tag(rawValue: 0x0E)
    public static let serial = Tag(rawValue: 0x0F)
    public static let firmwareVersion = Tag(rawValue: 0x10)
    public static let capabilities = Tag(rawValue: 0x11)
    public static let slotCount = Tag(rawValue: 0x12)
    public static let freeSlots = Tag(rawValue: 0x13)
    public static let algorithms = Tag(rawValue: 0x14)
    public static let pinRetries = Tag(rawValue: 0x15)
    public static let publicKey = Tag(rawValue: 0x16)
    public static let attestationSignature = Tag(rawValue: 0x17)
    public static let slotEntry = Tag(rawValue: 0x19)
    public static let nextSlot = Tag(rawValue: 0x1A)
    public static let pinSet = Tag(rawValue: 0x1B)
    public static let overwrite = Tag(rawValue: 0x1C)
    public static let confirmation = Tag(rawValue: 0x1D)
    /// Protocol 1.1 (§7.6, §7.7).
    public static let keyAgreement = Tag(rawValue: 0x1E)
    public static let pinEncrypted = Tag(rawValue: 0x1F)
    public static let newPINEncrypted = Tag(rawValue: 0x20)
    public static let pinAuthenticator = Tag(rawValue: 0x21)
    public static let boundWrappedSecret = Tag(rawValue: 0x22)

    public var description: String { "tag 0x" + String(rawValue, radix: 16) }
}
