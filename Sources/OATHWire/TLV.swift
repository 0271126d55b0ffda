/// One BER-TLV item as YKOATH uses them: a one-byte tag, a definite length (1, 2 or 3 bytes).
public struct TLV: Equatable, Sendable {
    public var tag: UInt8
    public var value: [UInt8]

    public init(_ tag: UInt8, _ value: [UInt8]) {
        self.tag = tag
        self.value = value
    }

    public var encoded: [UInt8] {
        let count = value.count
        let length: [UInt8] =
            count < 0x80
            ? [UInt8(count)]
            : count <= 0xFF ? [0x81, UInt8(count)] : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        return [tag] + length + value
    }

    /// Parses a sequence of items; tags in `bareTags` are followed by one value byte and no length
    /// (the PUT property, YKOATH §PUT).
    public static func parse(_ bytes: [UInt8], bareTags: Set<UInt8> = []) throws(OATHWireError) -> [TLV] {
        var items: [TLV] = []
        var index = 0
        while index < bytes.count {
            let tag = bytes[index]
            index += 1
            if bareTags.contains(tag) {
                guard index < bytes.count else { throw .truncated("tag 0x\(hex(tag)) has no value byte") }
                items.append(TLV(tag, [bytes[index]]))
                index += 1
                continue
            }
            guard index < bytes.count else { throw .truncated("tag 0x\(hex(tag)) has no length") }
            var length = Int(bytes[index])
            index += 1
            if length == 0x81 || length == 0x82 {
                let size = length - 0x80
                guard index + size <= bytes.count else { throw .truncated("tag 0x\(hex(tag))'s length is cut off") }
                length = bytes[index..<(index + size)].reduce(0) { $0 << 8 | Int($1) }
                index += size
            } else if length > 0x7F {
                throw .malformed("tag 0x\(hex(tag)) has an unsupported length byte 0x\(hex(UInt8(length)))")
            }
            guard index + length <= bytes.count else {
                throw .truncated("tag 0x\(hex(tag)) says \(length) bytes, \(bytes.count - index) remain")
            }
            items.append(TLV(tag, Array(bytes[index..<(index + length)])))
            index += length
        }
        return items
    }
}

func hex(_ byte: UInt8) -> String {
    let text = String(byte, radix: 16, uppercase: true)
    return byte < 0x10 ? "0" + text : text
}

extension [TLV] {
    /// The value of the first item with `tag`.
    func value(_ tag: UInt8) -> [UInt8]? { first { $0.tag == tag }?.value }

    func required(_ tag: UInt8, in what: String) throws(OATHWireError) -> [UInt8] {
        guard let value = value(tag) else { throw .missingTag(tag: tag, in: what) }
        return value
    }
}
