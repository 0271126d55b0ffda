public import OTPCore

/// SELECT's answer: the application version, the salt (also the device's name), and when a
/// password is set the card's challenge and the access key's algorithm.
public struct OATHSelectResponse: Equatable, Sendable {
    public var version: [UInt8]
    public var salt: [UInt8]
    public var challenge: [UInt8]?
    public var algorithm: OTPAlgorithm?

    public init(version: [UInt8], salt: [UInt8], challenge: [UInt8]? = nil, algorithm: OTPAlgorithm? = nil) {
        self.version = version
        self.salt = salt
        self.challenge = challenge
        self.algorithm = algorithm
    }

    public var encoded: [UInt8] {
        var bytes = TLV(OATHTag.version, version).encoded + TLV(OATHTag.name, salt).encoded
        if let challenge { bytes += TLV(OATHTag.challenge, challenge).encoded }
        if let algorithm { bytes += TLV(OATHTag.algorithm, [OATHCredentialType.algorithmBits(algorithm)]).encoded }
        return bytes
    }

    public init(decoding data: [UInt8]) throws(OATHWireError) {
        let items = try TLV.parse(data)
        version = try items.required(OATHTag.version, in: "SELECT response")
        salt = try items.required(OATHTag.name, in: "SELECT response")
        challenge = items.value(OATHTag.challenge)
        if let byte = items.value(OATHTag.algorithm)?.first {
            algorithm = try OATHCredentialType(byte: OATHCredentialType.Kind.totp.rawValue | byte).algorithm
        } else {
            algorithm = nil
        }
    }

    /// "5.4.3".
    public var versionText: String { version.map(String.init).joined(separator: ".") }
}

/// One credential as LIST reports it: its type and name, never its key.
public struct OATHListEntry: Equatable, Sendable {
    public var type: OATHCredentialType
    public var name: [UInt8]

    public init(type: OATHCredentialType, name: [UInt8]) {
        self.type = type
        self.name = name
    }

    public static func encode(_ entries: [OATHListEntry]) -> [UInt8] {
        entries.flatMap { TLV(OATHTag.nameList, [$0.type.byte] + $0.name).encoded }
    }

    public static func decode(_ data: [UInt8]) throws(OATHWireError) -> [OATHListEntry] {
        var entries: [OATHListEntry] = []
        for item in try TLV.parse(data) {
            guard item.tag == OATHTag.nameList, !item.value.isEmpty else {
                throw .malformed("LIST answers tag 0x72 items with a type byte")
            }
            entries.append(OATHListEntry(type: try OATHCredentialType(byte: item.value[0]), name: Array(item.value.dropFirst())))
        }
        return entries
    }
}

/// A truncated code as CALCULATE returns it: the digits, then 4 bytes of dynamic truncation (RFC 4226 §5.3).
public struct OATHTruncatedCode: Equatable, Sendable {
    public var digits: UInt8
    public var value: UInt32

    public init(digits: UInt8, value: UInt32) {
        self.digits = digits
        self.value = value
    }

    /// From an HMAC as RFC 4226 §5.3 truncates it.
    public init(digits: UInt8, hmac: [UInt8]) {
        let offset = Int(hmac[hmac.count - 1] & 0x0F)
        let value = hmac[offset..<(offset + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) } & 0x7FFF_FFFF
        self.init(digits: digits, value: value)
    }

    public var encoded: [UInt8] { TLV(OATHTag.truncated, [digits] + (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }).encoded }

    public init(decoding value: [UInt8]) throws(OATHWireError) {
        guard value.count == 5 else { throw .malformed("a truncated code is 5 bytes, not \(value.count)") }
        try Self.checkDigits(value[0])
        self.init(digits: value[0], value: value[1...].reduce(0) { $0 << 8 | UInt32($1) })
    }

    /// The digit counts YKOATH credentials have.
    public static let digitRange: ClosedRange<UInt8> = 6...8

    static func checkDigits(_ digits: UInt8) throws(OATHWireError) {
        guard digitRange.contains(digits) else { throw .malformed("the card answered a code of \(digits) digits") }
    }

    /// The code as a user reads it, zero-padded to its digits (a 31-bit value has at most 10).
    public var code: String {
        var modulus: UInt64 = 1
        for _ in 0..<min(digits, 10) { modulus *= 10 }
        let text = String(UInt64(value & 0x7FFF_FFFF) % modulus)
        return String(repeating: "0", count: max(0, Int(digits) - text.count)) + text
    }

    /// CALCULATE's answer: one tag 0x76 item.
    public static func decodeCalculateResponse(_ data: [UInt8]) throws(OATHWireError) -> OATHTruncatedCode {
        try OATHTruncatedCode(decoding: try TLV.parse(data).required(OATHTag.truncated, in: "CALCULATE response"))
    }
}

/// One credential in CALCULATE ALL's answer: its code, or why the card did not compute one.
public struct OATHCalculateAllEntry: Equatable, Sendable {
    public enum Result: Equatable, Sendable {
        case code(OATHTruncatedCode)
        /// An HOTP credential: computed only on request, since it advances the counter.
        case hotp(digits: UInt8)
        /// A credential that waits for a touch.
        case touch(digits: UInt8)
    }

    public var name: [UInt8]
    public var result: Result

    public init(name: [UInt8], result: Result) {
        self.name = name
        self.result = result
    }

    public static func encode(_ entries: [OATHCalculateAllEntry]) -> [UInt8] {
        entries.flatMap { entry in
            TLV(OATHTag.name, entry.name).encoded
                + {
                    switch entry.result {
                    case .code(let code): code.encoded
                    case .hotp(let digits): TLV(OATHTag.hotp, [digits]).encoded
                    case .touch(let digits): TLV(OATHTag.touch, [digits]).encoded
                    }
                }()
        }
    }

    public static func decode(_ data: [UInt8]) throws(OATHWireError) -> [OATHCalculateAllEntry] {
        let items = try TLV.parse(data)
        guard items.count % 2 == 0 else { throw .malformed("CALCULATE ALL answers name and code pairs") }
        var entries: [OATHCalculateAllEntry] = []
        for pair in stride(from: 0, to: items.count, by: 2) {
            let name = items[pair]
            let answer = items[pair + 1]
            guard name.tag == OATHTag.name else { throw .malformed("CALCULATE ALL's pair \(pair / 2) has no name") }
            let result: Result
            switch answer.tag {
            case OATHTag.truncated: result = .code(try OATHTruncatedCode(decoding: answer.value))
            case OATHTag.hotp where answer.value.count == 1:
                try OATHTruncatedCode.checkDigits(answer.value[0])
                result = .hotp(digits: answer.value[0])
            case OATHTag.touch where answer.value.count == 1:
                try OATHTruncatedCode.checkDigits(answer.value[0])
                result = .touch(digits: answer.value[0])
            default: throw .malformed("CALCULATE ALL answered tag 0x\(hex(answer.tag)) for a code")
            }
            entries.append(OATHCalculateAllEntry(name: name.value, result: result))
        }
        return entries
    }
}
