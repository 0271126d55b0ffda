/// A YKOATH command, as the host encodes it and the card decodes it (YKOATH §PUT … §SEND REMAINING).
public enum OATHCommand: Equatable, Sendable {
    case select
    case put(OATHPut)
    case delete(name: [UInt8])
    /// A new access key and the host's proof of it; nil key removes the password.
    case setCode(OATHSetCode?)
    case reset
    case list
    /// `challenge` is the time step in 8 big-endian bytes for TOTP, empty for HOTP.
    case calculate(name: [UInt8], challenge: [UInt8], truncate: Bool)
    /// The host's answer to the card's challenge, and the host's challenge to the card.
    case validate(response: [UInt8], challenge: [UInt8])
    case calculateAll(challenge: [UInt8], truncate: Bool)
    case sendRemaining

    public var apdu: CommandAPDU {
        switch self {
        case .select: CommandAPDU(ins: OATHInstruction.select, p1: 0x04, data: oathApplicationID)
        case .put(let put): CommandAPDU(ins: OATHInstruction.put, data: put.encoded)
        case .delete(let name): CommandAPDU(ins: OATHInstruction.delete, data: TLV(OATHTag.name, name).encoded)
        case .setCode(let code): CommandAPDU(ins: OATHInstruction.setCode, data: code?.encoded ?? TLV(OATHTag.key, []).encoded)
        case .reset: CommandAPDU(ins: OATHInstruction.reset, p1: 0xDE, p2: 0xAD)
        case .list: CommandAPDU(ins: OATHInstruction.list)
        case .calculate(let name, let challenge, let truncate):
            CommandAPDU(
                ins: OATHInstruction.calculate, p2: truncate ? 1 : 0,
                data: TLV(OATHTag.name, name).encoded + TLV(OATHTag.challenge, challenge).encoded)
        case .validate(let response, let challenge):
            CommandAPDU(
                ins: OATHInstruction.validate,
                data: TLV(OATHTag.response, response).encoded + TLV(OATHTag.challenge, challenge).encoded)
        case .calculateAll(let challenge, let truncate):
            CommandAPDU(ins: OATHInstruction.calculateAll, p2: truncate ? 1 : 0, data: TLV(OATHTag.challenge, challenge).encoded)
        case .sendRemaining: CommandAPDU(ins: OATHInstruction.sendRemaining)
        }
    }

    /// The TOTP challenge for `step`: 8 bytes, big-endian.
    public static func timeChallenge(step: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: step >> (56 - 8 * $0)) }
    }

    /// The card side: the command an APDU carries.
    public init(apdu: CommandAPDU) throws(OATHWireError) {
        let items = { () throws(OATHWireError) -> [TLV] in try TLV.parse(apdu.data, bareTags: [OATHTag.property]) }
        switch apdu.ins {
        case OATHInstruction.select where apdu.p1 == 0x04:
            guard apdu.data == oathApplicationID else { throw .malformed("SELECT of another application") }
            self = .select
        case OATHInstruction.calculateAll:
            self = .calculateAll(challenge: try items().required(OATHTag.challenge, in: "CALCULATE ALL"), truncate: apdu.p2 == 1)
        case OATHInstruction.put: self = .put(try OATHPut(decoding: try items()))
        case OATHInstruction.delete: self = .delete(name: try items().required(OATHTag.name, in: "DELETE"))
        case OATHInstruction.setCode:
            let parsed = try items()
            let key = try parsed.required(OATHTag.key, in: "SET CODE")
            self = .setCode(key.isEmpty ? nil : try OATHSetCode(decoding: parsed))
        case OATHInstruction.reset:
            guard apdu.p1 == 0xDE, apdu.p2 == 0xAD else { throw .malformed("RESET needs P1 P2 = DE AD") }
            self = .reset
        case OATHInstruction.list: self = .list
        case OATHInstruction.calculate:
            let parsed = try items()
            self = .calculate(
                name: try parsed.required(OATHTag.name, in: "CALCULATE"),
                challenge: parsed.value(OATHTag.challenge) ?? [], truncate: apdu.p2 == 1)
        case OATHInstruction.validate:
            let parsed = try items()
            self = .validate(
                response: try parsed.required(OATHTag.response, in: "VALIDATE"),
                challenge: try parsed.required(OATHTag.challenge, in: "VALIDATE"))
        case OATHInstruction.sendRemaining: self = .sendRemaining
        default: throw .unknownInstruction(apdu.ins)
        }
    }
}

/// PUT's data: the name, the key with its type and digits, touch, and an HOTP initial counter.
public struct OATHPut: Equatable, Sendable {
    public var name: [UInt8]
    public var type: OATHCredentialType
    public var digits: UInt8
    /// The HMAC key as sent: shortened by hashing when longer than the hash's block, padded to 14 bytes.
    public var key: [UInt8]
    public var requireTouch: Bool
    public var initialCounter: UInt32?

    public init(
        name: [UInt8], type: OATHCredentialType, digits: UInt8, key: [UInt8], requireTouch: Bool = false,
        initialCounter: UInt32? = nil
    ) {
        self.name = name
        self.type = type
        self.digits = digits
        self.key = key
        self.requireTouch = requireTouch
        self.initialCounter = initialCounter
    }

    var encoded: [UInt8] {
        var bytes = TLV(OATHTag.name, name).encoded + TLV(OATHTag.key, [type.byte, digits] + key).encoded
        if requireTouch { bytes += [OATHTag.property, oathRequireTouchProperty] }
        if let initialCounter, initialCounter > 0 {
            bytes += TLV(OATHTag.initialCounter, (0..<4).map { UInt8(truncatingIfNeeded: initialCounter >> (24 - 8 * $0)) }).encoded
        }
        return bytes
    }

    init(decoding items: [TLV]) throws(OATHWireError) {
        name = try items.required(OATHTag.name, in: "PUT")
        guard name.count <= oathMaximumNameBytes else { throw .nameTooLong(name.count) }
        let keyField = try items.required(OATHTag.key, in: "PUT")
        guard keyField.count >= 2 else { throw .truncated("PUT's key field lacks its type and digits") }
        type = try OATHCredentialType(byte: keyField[0])
        digits = keyField[1]
        key = Array(keyField.dropFirst(2))
        requireTouch = items.value(OATHTag.property).map { $0[0] & oathRequireTouchProperty != 0 } ?? false
        if let counter = items.value(OATHTag.initialCounter) {
            guard counter.count == 4 else { throw .malformed("the initial counter is 4 bytes, not \(counter.count)") }
            // A counter of 0 is the card's default and is not sent (YKOATH §PUT, yubikit): the same as none.
            let value = counter.reduce(0) { $0 << 8 | UInt32($1) }
            initialCounter = value == 0 ? nil : value
        } else {
            initialCounter = nil
        }
    }
}

/// SET CODE's data: the access key with its algorithm, a challenge, and the key's answer to it.
public struct OATHSetCode: Equatable, Sendable {
    public var algorithm: OATHCredentialType
    public var key: [UInt8]
    public var challenge: [UInt8]
    public var response: [UInt8]

    public init(algorithm: OATHCredentialType, key: [UInt8], challenge: [UInt8], response: [UInt8]) {
        self.algorithm = algorithm
        self.key = key
        self.challenge = challenge
        self.response = response
    }

    var encoded: [UInt8] {
        TLV(OATHTag.key, [algorithm.byte] + key).encoded + TLV(OATHTag.challenge, challenge).encoded
            + TLV(OATHTag.response, response).encoded
    }

    init(decoding items: [TLV]) throws(OATHWireError) {
        let keyField = try items.required(OATHTag.key, in: "SET CODE")
        algorithm = try OATHCredentialType(byte: keyField[0])
        key = Array(keyField.dropFirst())
        challenge = try items.required(OATHTag.challenge, in: "SET CODE")
        response = try items.required(OATHTag.response, in: "SET CODE")
    }
}
