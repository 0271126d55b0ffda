/// Typed reading of a decoded field list.
struct Fields {
    let all: [TLV]

    init(_ fields: [TLV]) { all = fields }

    func optional(_ tag: Tag) -> [UInt8]? { all.first { $0.tag == tag }?.value }

    func required(_ tag: Tag) throws(MessageError) -> [UInt8] {
        guard let value = optional(tag) else { throw .missingField(tag) }
        return value
    }

    func byte(_ tag: Tag) throws(MessageError) -> UInt8 {
        let value = try required(tag)
        guard value.count == 1 else { throw .invalidField(tag) }
        return value[0]
    }

    func optionalInteger<Integer: FixedWidthInteger>(_ tag: Tag, as type: Integer.Type) throws(MessageError) -> Integer?
    {
        guard let value = optional(tag) else { return nil }
        guard value.count == Integer.bitWidth / 8 else { throw .invalidField(tag) }
        return value.reduce(Integer.zero) { $0 << 8 | Integer($1) }
    }

    func integer<Integer: FixedWidthInteger>(_ tag: Tag, as type: Integer.Type) throws(MessageError) -> Integer {
        guard let value = try optionalInteger(tag, as: type) else { throw .missingField(tag) }
        return value
    }

    func string(_ tag: Tag, maximumBytes: Int) throws(MessageError) -> String? {
        guard let value = optional(tag) else { return nil }
        guard value.count <= maximumBytes, let text = String(validating: value, as: UTF8.self) else {
            throw .invalidField(tag)
        }
        return text
    }
}
