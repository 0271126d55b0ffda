import OTPCore

/// A slot number; 0xFF in PUT_SLOT asks for the first free slot (§5.5).
public struct SlotIndex: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let firstFree = SlotIndex(rawValue: 0xFF)
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ value: Int) { rawValue = UInt8(value) }
    public static func < (lhs: SlotIndex, rhs: SlotIndex) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { self == .firstFree ? "first free slot" : "slot \(rawValue)" }
}

/// What a slot holds besides its secret: everything LIST_SLOTS may reveal (§5.7).
public struct SlotConfiguration: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case totp(period: UInt32)
        case hotp(counter: UInt64)
    }

    /// Issuer and account are at most this many UTF-8 bytes each.
    public static let maximumNameBytes = 64
    /// Secrets are 1 to 64 bytes.
    public static let secretSizes = 1...64

    public var kind: Kind
    public var algorithm: OTPAlgorithm
    public var digits: Int
    public var issuer: String
    public var account: String

    public init(kind: Kind, algorithm: OTPAlgorithm, digits: Int, issuer: String, account: String) {
        self.kind = kind
        self.algorithm = algorithm
        self.digits = digits
        self.issuer = issuer
        self.account = account
    }

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
        self.algorithm = algorithm
        digits = Int(try fields.byte(.digits))
        guard HOTPGenerator.supportedDigits.contains(digits) else { throw .unsupportedValue(.digits) }
        issuer = try fields.string(.issuer, maximumBytes: Self.maximumNameBytes) ?? ""
        guard let account = try fields.string(.account, maximumBytes: Self.maximumNameBytes) else {
            throw .missingField(.account)
        }
        self.account = account
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

/// A PIN: 4 to 32 bytes of UTF-8, redacted when printed (§5.2).
public struct PIN: Equatable, Sendable, CustomStringConvertible {
    public static let allowedLengths = 4...32
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { bytes = Array(text.utf8) }

    public var meetsPolicy: Bool { Self.allowedLengths.contains(bytes.count) }
    public var description: String { "PIN(redacted)" }
}

/// The seed of a PUT_SLOT: in clear, or wrapped to the token's key (§5.5, §7).
public enum SeedMaterial: Equatable, Sendable {
    case plain(Secret)
    case wrapped([UInt8])
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
