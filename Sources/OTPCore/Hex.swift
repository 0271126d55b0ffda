/// A hexadecimal input that cannot be decoded; the offset counts characters from 0.
public enum HexError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidCharacter(Character, offset: Int)
    case oddLength(Int)
    case empty

    public var description: String {
        switch self {
        case .invalidCharacter(let character, let offset):
            "invalid hex character '\(character)' at offset \(offset): use 0-9 and a-f"
        case .oddLength(let count):
            "hex text has an odd number of digits (\(count))"
        case .empty:
            "hex text is empty"
        }
    }
}

/// Hexadecimal encoding of bytes, two digits per byte.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Encodes `bytes` as lower-case hex.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes hex in either case; spaces are skipped.
    public static func decode(_ text: String) throws(HexError) -> [UInt8] {
        var output = [UInt8]()
        var high: UInt8?
        var count = 0
        for (offset, character) in text.enumerated() where character != " " {
            guard let value = character.hexDigitValue, character.isASCII else {
                throw .invalidCharacter(character, offset: offset)
            }
            count += 1
            if let pending = high {
                output.append(pending << 4 | UInt8(value))
                high = nil
            } else {
                high = UInt8(value)
            }
        }
        guard count > 0 else { throw .empty }
        guard high == nil else { throw .oddLength(count) }
        return output
    }
}
