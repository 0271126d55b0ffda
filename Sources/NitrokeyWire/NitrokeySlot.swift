/// An OTP slot as the protocol numbers it: HOTP slots 0x10 + n, TOTP slots 0x20 + n.
public struct NitrokeySlot: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case hotp
        case totp
    }

    /// HOTP slots libnitrokey and the Pro firmware use (0x13 is reserved).
    public static let hotpCount = 3
    public static let totpCount = 15

    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static func hotp(_ number: Int) -> NitrokeySlot {
        precondition((0..<hotpCount).contains(number), "the Pro has HOTP slots 0 to 2")
        return NitrokeySlot(rawValue: 0x10 + UInt8(number))
    }

    public static func totp(_ number: Int) -> NitrokeySlot {
        precondition((0..<totpCount).contains(number), "the Pro has TOTP slots 0 to 14")
        return NitrokeySlot(rawValue: 0x20 + UInt8(number))
    }

    /// Every slot of a Pro: TOTP 0...14, then HOTP 0...2.
    public static let all: [NitrokeySlot] = (0..<totpCount).map(totp) + (0..<hotpCount).map(hotp)

    /// nil for a number that is no slot.
    public var kind: Kind? {
        switch rawValue {
        case 0x10..<(0x10 + UInt8(Self.hotpCount)): .hotp
        case 0x20..<(0x20 + UInt8(Self.totpCount)): .totp
        default: nil
        }
    }

    /// The slot's number within its kind.
    public var number: Int { Int(rawValue & 0x0F) }

    public var description: String {
        switch kind {
        case .hotp: "HOTP slot \(number)"
        case .totp: "TOTP slot \(number)"
        case nil: "slot 0x\(String(rawValue, radix: 16))"
        }
    }
}

/// The slot configuration byte.
public struct NitrokeySlotConfig: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// 8-digit codes (else 6).
    public static let eightDigits = NitrokeySlotConfig(rawValue: 1 << 0)
    /// Type Enter after a code sent as keystrokes.
    public static let sendEnter = NitrokeySlotConfig(rawValue: 1 << 1)
    /// Type the token ID before the code.
    public static let sendTokenID = NitrokeySlotConfig(rawValue: 1 << 2)

    public var digits: Int { contains(.eightDigits) ? 8 : 6 }
}

/// Fixed-size, NUL-padded name fields.
public enum NitrokeyName {
    /// Slot names keep this many bytes.
    public static let slotNameSize = 15
    public static let tokenIDSize = 13

    /// `text` cut to at most `size` bytes at a character boundary.
    public static func truncated(_ text: String, toBytes size: Int) -> String {
        var result = ""
        for character in text {
            guard result.utf8.count + String(character).utf8.count <= size else { break }
            result.append(character)
        }
        return result
    }

    /// The bytes before the first NUL, as UTF-8 (invalid sequences repaired).
    public static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    static func field(_ bytes: [UInt8], size: Int) -> [UInt8] {
        Array(bytes.prefix(size)) + [UInt8](repeating: 0, count: max(0, size - bytes.count))
    }
}
