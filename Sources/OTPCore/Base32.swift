/// A Base32 (RFC 4648 §6) input that cannot be decoded; the offset counts characters from 0.
public enum Base32Error: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidCharacter(Character, offset: Int)
    case misplacedPadding(offset: Int)
    case invalidLength(Int)
    /// The last character sets bits no byte uses, so other texts decode to the same bytes.
    case nonCanonical(Character, offset: Int)
    case empty

    public var description: String {
        switch self {
        case .invalidCharacter(let character, let offset):
            "invalid Base32 character \(Self.quoted(character)) at offset \(offset): use A-Z and 2-7"
        case .misplacedPadding(let offset):
            "Base32 padding '=' at offset \(offset) is followed by data"
        case .invalidLength(let count):
            "Base32 text of \(count) characters cannot be whole bytes (a valid length leaves 0, 2, 4, 5 or 7 over a multiple of 8)"
        case .nonCanonical(let character, let offset):
            "Base32 character \(Self.quoted(character)) at offset \(offset) sets bits that no byte uses: the text is not canonical (was it mistyped or cut short?)"
        case .empty:
            "Base32 text is empty"
        }
    }

    private static func quoted(_ character: Character) -> String {
        let scalars = character.unicodeScalars
        if scalars.allSatisfy({ $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return scalars.map { "U+" + String($0.value, radix: 16, uppercase: true) }.joined(separator: " ")
        }
        return "'\(character)'"
    }
}

/// Base32 without padding on output; on input lenient about case, spaces, hyphens and padding as
/// authenticator apps are, but canonical only: one text for one secret (RFC 4648 §3.5).
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
            table[Int(symbol | 0x20)] = UInt8(value)  // lower case
        }
        return table
    }()

    /// Encodes `bytes` as upper-case Base32 without padding.
    public static func encode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        var output = [UInt8]()
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 0x1F)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 0x1F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes Base32 in either case; spaces and hyphens are skipped, trailing `=` is optional.
    public static func decode(_ text: String) throws(Base32Error) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(text.utf8.count * 5 / 8)
        var buffer: UInt32 = 0
        var bits = 0
        var symbols = 0
        var paddingOffset: Int?
        var last: (character: Character, offset: Int)?
        for (offset, character) in text.enumerated() {
            if character == " " || character == "-" { continue }
            if character == "=" {
                paddingOffset = paddingOffset ?? offset
                continue
            }
            guard let ascii = character.asciiValue, decodeTable[Int(ascii)] != 0xFF else {
                throw .invalidCharacter(character, offset: offset)
            }
            if let paddingOffset { throw .misplacedPadding(offset: paddingOffset) }
            buffer = (buffer << 5) | UInt32(decodeTable[Int(ascii)])
            bits += 5
            symbols += 1
            last = (character, offset)
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard symbols > 0 else { throw .empty }
        guard [0, 2, 4, 5, 7].contains(symbols % 8) else { throw .invalidLength(symbols) }
        if let last, buffer & ((1 << UInt32(bits)) - 1) != 0 {
            throw .nonCanonical(last.character, offset: last.offset)
        }
        return output
    }
}
