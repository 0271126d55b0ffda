public import OTPCore
public import TokenModel

extension SlotIndex {
    /// 0xFF in PUT_SLOT asks for the first free slot (§5.5).
    public static let firstFree = SlotIndex(rawValue: 0xFF)
}

/// The encoding of a slot's configuration in LIST_SLOTS and PUT_SLOT (§5.5, §5.7).
extension SlotConfiguration {
    /// Issuer and account are at most this many UTF-8 bytes each on a spec token.
    public static let maximumNameBytes = 64
    /// A spec token's secrets are 1 to 64 bytes.
    public static let secretSizes = 1...64

    public var fields: [TLV] {
        var fields = [
            TLV(.kind, byte: kind.code), TLV(.algorithm, byte: algorithm.code), TLV(.digits, byte: UInt8(digits)),
        ]
        switch kind {
        case .totp(let period): fields.append(TLV(.period, uint32: period))
        case .hotp(let counter): fields.append(TLV(.counter, uint64: counter))
        }
        if !issuer.isEmpty { fields.append(TLV(.issuer, string: issuer)) }
        fields.append(TLV(.account, string: account))
        return fields
    }

    public init(fields: [TLV]) throws(MessageError) {
        try self.init(Fields(fields))
    }

    init(_ fields: Fields) throws(MessageError) {
        let kindCode = try fields.byte(.kind)
        let kind: Kind
        switch kindCode {
        case 1:
            let period = try fields.integer(.period, as: UInt32.self)
            guard period > 0 else { throw .unsupportedValue(.period) }
            kind = .totp(period: period)
        case 2:
            kind = .hotp(counter: try fields.integer(.counter, as: UInt64.self))
        default:
            throw .unsupportedValue(.kind)
        }
        guard let algorithm = OTPAlgorithm(code: try fields.byte(.algorithm)) else {
            throw .unsupportedValue(.algorithm)
        }
        let digits = Int(try fields.byte(.digits))
        guard HOTPGenerator.supportedDigits.contains(digits) else { throw .unsupportedValue(.digits) }
        let issuer = try fields.string(.issuer, maximumBytes: Self.maximumNameBytes) ?? ""
        guard let account = try fields.string(.account, maximumBytes: Self.maximumNameBytes) else {
            throw .missingField(.account)
        }
        self.init(kind: kind, algorithm: algorithm, digits: digits, issuer: issuer, account: account)
    }
}

extension SlotConfiguration.Kind {
    var code: UInt8 {
        switch self {
        case .totp: 1
        case .hotp: 2
        }
    }
}

extension OTPAlgorithm {
    /// The algorithm's code on the wire (§4.2): 1 SHA1, 2 SHA256, 3 SHA512.
    public var code: UInt8 {
        switch self {
        case .sha1: 1
        case .sha256: 2
        case .sha512: 3
        }
    }

    public init?(code: UInt8) {
        switch code {
        case 1: self = .sha1
        case 2: self = .sha256
        case 3: self = .sha512
        default: return nil
        }
    }
}

extension PINRule {
    /// A spec token's PIN: 4 to 32 bytes of UTF-8 (§5.2).
    public static let specToken = PINRule(name: "PIN", lengths: 4...32)
}

/// The seed of a PUT_SLOT: in clear, or wrapped to the token's key (§5.5, §7).
public enum SeedMaterial: Equatable, Sendable {
    case plain(Secret)
    case wrapped([UInt8])
    /// Protocol 1.1: wrapped with every slot parameter bound (§7.7).
    case boundWrapped([UInt8])
}

/// A PUT_SLOT request's content.
public struct SlotWrite: Equatable, Sendable {
    public var slot: SlotIndex
    public var configuration: SlotConfiguration
    public var seed: SeedMaterial
    public var overwrite: Bool

    public init(slot: SlotIndex, configuration: SlotConfiguration, seed: SeedMaterial, overwrite: Bool = false) {
        self.slot = slot
        self.configuration = configuration
        self.seed = seed
        self.overwrite = overwrite
    }
}
