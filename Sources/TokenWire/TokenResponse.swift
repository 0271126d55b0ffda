import TokenModel
import OTPCore

/// An application response (§4.1; statuses §6): `STATUS(1) FIELDS…`.
public struct TokenResponse: Equatable, Sendable {
    public let status: TokenStatus
    public let fields: [TLV]

    public init(status: TokenStatus, fields: [TLV] = []) {
        self.status = status
        self.fields = fields
    }

    public func encoded() -> [UInt8] { [status.rawValue] + TLV.encode(fields) }

    public init(decoding message: [UInt8]) throws(MessageError) {
        guard let first = message.first else { throw .empty }
        guard let status = TokenStatus(rawValue: first) else { throw .unknownStatus(first) }
        self.status = status
        fields = try TLV.decode(message[1...])
    }

    /// PIN retries left, sent with `pinInvalid` and `pinBlocked` (§5.3).
    public var pinRetries: Int? {
        (try? Fields(fields).optionalInteger(.pinRetries, as: UInt8.self)).flatMap { $0.map(Int.init) }
    }
}

/// Capability bits of GET_INFO (§5.1).
public struct TokenCapabilities: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let totp = TokenCapabilities(rawValue: 1 << 0)
    public static let hotp = TokenCapabilities(rawValue: 1 << 1)
    public static let wrappedSeedImport = TokenCapabilities(rawValue: 1 << 2)
    public static let attestation = TokenCapabilities(rawValue: 1 << 3)
    public static let clock = TokenCapabilities(rawValue: 1 << 4)
    /// Protocol 1.1: protected PIN requests (§7.6) and bound seed wrapping (§7.7).
    public static let pinProtection = TokenCapabilities(rawValue: 1 << 5)
}

/// The GET_INFO response (§5.1).
public struct TokenInfo: Equatable, Sendable {
    public var serial: String
    public var firmwareVersion: [UInt8]
    public var capabilities: TokenCapabilities
    public var slotCount: Int
    public var freeSlots: Int
    public var algorithms: [OTPAlgorithm]
    /// The token's clock, or nil when it has never been set.
    public var time: UInt64?
    public var pinRetries: Int
    public var pinSet: Bool

    public init(
        serial: String, firmwareVersion: [UInt8], capabilities: TokenCapabilities, slotCount: Int, freeSlots: Int,
        algorithms: [OTPAlgorithm], time: UInt64?, pinRetries: Int, pinSet: Bool
    ) {
        self.serial = serial
        self.firmwareVersion = firmwareVersion
        self.capabilities = capabilities
        self.slotCount = slotCount
        self.freeSlots = freeSlots
        self.algorithms = algorithms
        self.time = time
        self.pinRetries = pinRetries
        self.pinSet = pinSet
    }

    public var fields: [TLV] {
        var fields = [
            TLV(.serial, string: serial), TLV(.firmwareVersion, firmwareVersion),
            TLV(.capabilities, withUnsafeBytes(of: capabilities.rawValue.bigEndian, Array.init)),
            TLV(.slotCount, byte: UInt8(slotCount)), TLV(.freeSlots, byte: UInt8(freeSlots)),
            TLV(.algorithms, byte: algorithms.reduce(0) { $0 | 1 << ($1.code - 1) }),
        ]
        if let time { fields.append(TLV(.time, uint64: time)) }
        fields += [TLV(.pinRetries, byte: UInt8(pinRetries)), TLV(.pinSet, byte: pinSet ? 1 : 0)]
        return fields
    }

    public init(fields list: [TLV]) throws(MessageError) {
        let fields = Fields(list)
        guard let serial = try fields.string(.serial, maximumBytes: 32) else { throw .missingField(.serial) }
        self.serial = serial
        firmwareVersion = try fields.required(.firmwareVersion)
        capabilities = TokenCapabilities(rawValue: try fields.integer(.capabilities, as: UInt16.self))
        slotCount = Int(try fields.byte(.slotCount))
        freeSlots = Int(try fields.byte(.freeSlots))
        let mask = try fields.byte(.algorithms)
        algorithms = OTPAlgorithm.allCases.filter { mask & 1 << ($0.code - 1) != 0 }
        time = try fields.optionalInteger(.time, as: UInt64.self)
        pinRetries = Int(try fields.byte(.pinRetries))
        pinSet = try fields.byte(.pinSet) != 0
    }
}

/// One entry of a LIST_SLOTS response (§5.7): a slot's metadata, never its secret.
extension SlotEntry {
    public var field: TLV {
        TLV(.slotEntry, TLV.encode([TLV(.slot, byte: slot.rawValue)] + configuration.fields))
    }

    init(field: TLV) throws(MessageError) {
        let inner = Fields(try TLV.decode(field.value))
        self.init(slot: SlotIndex(rawValue: try inner.byte(.slot)), configuration: try SlotConfiguration(inner))
    }
}

/// A LIST_SLOTS page: entries, and the slot to ask from next when there are more (§5.7).
public struct SlotList: Equatable, Sendable {
    public var entries: [SlotEntry]
    public var next: SlotIndex?

    public init(entries: [SlotEntry], next: SlotIndex?) {
        self.entries = entries
        self.next = next
    }

    public var fields: [TLV] {
        entries.map(\.field) + (next.map { [TLV(.nextSlot, byte: $0.rawValue)] } ?? [])
    }

    public init(fields list: [TLV]) throws(MessageError) {
        var entries: [SlotEntry] = []
        for field in list where field.tag == .slotEntry { entries.append(try SlotEntry(field: field)) }
        self.entries = entries
        next = try Fields(list).optionalInteger(.nextSlot, as: UInt8.self).map { SlotIndex(rawValue: $0) }
    }
}

/// A CALCULATE response (§5.8): the code, and for HOTP the counter it was computed at.
extension CalculatedCode {
    public var fields: [TLV] {
        [TLV(.code, string: code)] + (counter.map { [TLV(.counter, uint64: $0)] } ?? [])
    }

    public init(fields list: [TLV]) throws(MessageError) {
        let fields = Fields(list)
        guard let code = try fields.string(.code, maximumBytes: 10), code.allSatisfy(\.isASCII),
            code.allSatisfy(\.isNumber)
        else { throw .missingField(.code) }
        self.init(code: code, counter: try fields.optionalInteger(.counter, as: UInt64.self))
    }
}
