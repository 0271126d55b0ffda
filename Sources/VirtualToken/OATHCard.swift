import Crypto
import OATHWire
import OTPCore

/// A YubiKey's OATH application as YKOATH describes it and yubikit expects it: up to 32
/// credentials, TOTP from the host's challenge, HOTP counters on the card, an optional password
/// (access key) checked by mutual challenge-response, touch-required credentials, RESET.
///
/// Credentials, the access key and the salt live in a `FlashStore`; the selection, the
/// authentication and a chained response's remaining bytes live in RAM and end at power-off.
public final class OATHCard {
    public struct Configuration: Sendable {
        /// The application version SELECT reports (a YubiKey 5's 5.4.3).
        public var version: [UInt8] = [5, 4, 3]
        public var capacity = 32
        public init() {}
    }

    /// A YubiKey 5 NFC's ATR over USB.
    public static let atr: [UInt8] = [
        0x3B, 0xFD, 0x13, 0x00, 0x00, 0x81, 0x31, 0xFE, 0x15, 0x80, 0x73, 0xC0, 0x21, 0xC0, 0x57, 0x59, 0x75, 0x62, 0x69,
        0x4B, 0x65, 0x79, 0x40,
    ]

    enum RecordType {
        static let identity: UInt8 = 0x60
        static let salt: UInt8 = 0x61
        static let accessKey: UInt8 = 0x62
        static let credential: UInt8 = 0x63
    }

    public let configuration: Configuration
    /// The serial a YubiKey reports in decimal (its management application's).
    public let serial: UInt32
    public var faults = TransportFaults()
    /// Whether a user is there to touch the key when a credential asks for it.
    public var touchAvailable = false
    public private(set) var isPoweredOff = false

    private let medium: FlashMedium
    private var random: DeviceRandom
    private var flash: FlashStore

    // RAM, lost at power-off.
    private var selected = false
    private var authenticated = false
    private var cardChallenge: [UInt8]?
    private var remaining: [UInt8] = []

    /// Mounts the flash on `medium`; a blank medium becomes a new card with `serial` (or a random one).
    public init(
        medium: FlashMedium, random: any RandomNumberGenerator = SystemRandomNumberGenerator(),
        configuration: Configuration = Configuration(), serial newSerial: UInt32? = nil
    ) throws(FlashError) {
        var generator = DeviceRandom(base: random)
        let flash = try FlashStore(medium: medium)
        if let record = flash.value(.init(type: RecordType.identity, index: 0)) {
            guard record.count == 10, record.prefix(6).elementsEqual("YKOATH".utf8) else { throw .missingIdentity }
            serial = record.suffix(4).reduce(0) { $0 << 8 | UInt32($1) }
        } else {
            guard flash.keys(ofType: 1).isEmpty, flash.keys(ofType: 0x40).isEmpty else { throw .foreignImage }
            let value = newSerial ?? UInt32(truncatingIfNeeded: generator.next() % 90_000_000 + 10_000_000)
            try flash.write(.init(type: RecordType.identity, index: 0), Array("YKOATH".utf8) + Self.bigEndian(value))
            try flash.write(.init(type: RecordType.salt, index: 0), Self.randomBytes(8, &generator))
            serial = value
        }
        self.medium = medium
        self.random = generator
        self.configuration = configuration
        self.flash = flash
    }

    /// The salt SELECT reports; a RESET makes a new one, as the application does.
    public var salt: [UInt8] { flash.value(.init(type: RecordType.salt, index: 0)) ?? [] }

    /// Arms a power cut after `steps` flash program steps (0: at the next write).
    public func cutPower(afterFlashSteps steps: Int) { flash.powerCutAfterSteps = steps }

    /// Powers the card up (again): RAM state is lost, the flash is mounted anew.
    public func powerOn() throws(FlashError) {
        flash = try FlashStore(medium: medium)
        selected = false
        authenticated = false
        cardChallenge = nil
        remaining = []
        isPoweredOff = false
    }

    /// The reader cut the card's power.
    public func powerOff() {
        isPoweredOff = true
        selected = false
        authenticated = false
        cardChallenge = nil
        remaining = []
    }

    /// One command APDU in, its response APDU out; nil when no answer comes (stalled, the command
    /// lost, or the power cut during it).
    public func transmit(_ bytes: [UInt8]) throws(DisconnectedError) -> [UInt8]? {
        if faults.disconnected || isPoweredOff { throw DisconnectedError() }
        if faults.dropIncoming > 0 {
            faults.dropIncoming -= 1
            return nil
        }
        if faults.stalled { return nil }
        let response: ResponseAPDU
        do { response = try respond(to: bytes) } catch {
            isPoweredOff = true
            return nil
        }
        var encoded = response.encoded
        if faults.corruptOutgoing > 0, !encoded.isEmpty {
            faults.corruptOutgoing -= 1
            encoded[0] ^= 0x5A
        }
        return encoded
    }

    // MARK: Commands

    /// The response to `bytes`; throws only on a power cut during a flash write.
    private func respond(to bytes: [UInt8]) throws(FlashError) -> ResponseAPDU {
        guard let apdu = try? CommandAPDU(decoding: bytes) else { return ResponseAPDU(status: StatusWord(rawValue: 0x6700)) }
        guard apdu.cla == 0x00 else { return ResponseAPDU(status: StatusWord(rawValue: 0x6E00)) }
        if apdu.ins == OATHInstruction.select, apdu.p1 == 0x04, apdu.data != oathApplicationID {
            selected = false
            return ResponseAPDU(status: .fileNotFound)
        }
        let command: OATHCommand
        do { command = try OATHCommand(apdu: apdu) } catch {
            if case .unknownInstruction = error { return ResponseAPDU(status: .insNotSupported) }
            return ResponseAPDU(status: .wrongSyntax)
        }
        if command == .select { return select() }
        guard selected else { return ResponseAPDU(status: .conditionsNotSatisfied) }
        if accessKey != nil, !authenticated, !Self.openWithoutPassword(command) {
            return ResponseAPDU(status: .authRequired)
        }
        if command == .sendRemaining {
            guard !remaining.isEmpty else { return ResponseAPDU(status: .wrongSyntax) }
            return chunked(remaining)
        }
        remaining = []
        switch command {
        case .select, .sendRemaining: return ResponseAPDU(status: .success)
        case .put(let put): return try self.put(put)
        case .delete(let name):
            guard let index = index(of: name) else { return ResponseAPDU(status: .noSuchObject) }
            try flash.write(.init(type: RecordType.credential, index: index), [])
            return ResponseAPDU(status: .success)
        case .setCode(let code): return try setCode(code)
        case .reset:
            try flash.erase(keepingTypes: [RecordType.identity])
            try flash.write(.init(type: RecordType.salt, index: 0), Self.randomBytes(8, &random))
            authenticated = false
            cardChallenge = nil
            return ResponseAPDU(status: .success)
        case .list:
            return chunked(
                OATHListEntry.encode(credentials().map { OATHListEntry(type: $0.credential.type, name: $0.credential.name) }))
        case .calculate(let name, let challenge, let truncate):
            return try calculate(name: name, challenge: challenge, truncate: truncate)
        case .validate(let response, let challenge): return validate(response: response, hostChallenge: challenge)
        case .calculateAll(let challenge, _):
            let entries = credentials().map { index, credential in
                let digits = credential.digits
                let result: OATHCalculateAllEntry.Result =
                    credential.type.kind == .hotp
                    ? .hotp(digits: digits)
                    : credential.requireTouch
                        ? .touch(digits: digits)
                        : .code(OATHTruncatedCode(digits: digits, hmac: credential.hmac(challenge)))
                return OATHCalculateAllEntry(name: credential.name, result: result)
            }
            return chunked(OATHCalculateAllEntry.encode(entries))
        }
    }

    private static func openWithoutPassword(_ command: OATHCommand) -> Bool {
        switch command {
        case .validate, .reset, .select: true
        default: false
        }
    }

    private func select() -> ResponseAPDU {
        selected = true
        remaining = []
        authenticated = false
        var answer = OATHSelectResponse(version: configuration.version, salt: salt)
        if let key = accessKey {
            let challenge = Self.randomBytes(8, &random)
            cardChallenge = challenge
            answer.challenge = challenge
            answer.algorithm = key.algorithm
        }
        return ResponseAPDU(data: answer.encoded, status: .success)
    }

    private func put(_ put: OATHPut) throws(FlashError) -> ResponseAPDU {
        let blockSize = put.type.algorithm == .sha512 ? 128 : 64
        guard (6...8).contains(put.digits), put.key.count >= oathMinimumKeyBytes, put.key.count <= blockSize,
            !put.name.isEmpty
        else { return ResponseAPDU(status: .wrongSyntax) }
        let target: UInt8
        if let existing = index(of: put.name) {
            target = existing
        } else {
            let used = Set(flash.keys(ofType: RecordType.credential).map(\.index))
            guard let free = (0..<UInt8(configuration.capacity)).first(where: { !used.contains($0) }) else {
                return ResponseAPDU(status: .noSpace)
            }
            target = free
        }
        let credential = StoredCredential(
            type: put.type, digits: put.digits, requireTouch: put.requireTouch, name: put.name, key: put.key,
            counter: put.initialCounter ?? 0)
        try flash.write(.init(type: RecordType.credential, index: target), credential.record)
        return ResponseAPDU(status: .success)
    }

    private func setCode(_ code: OATHSetCode?) throws(FlashError) -> ResponseAPDU {
        guard let code else {
            try flash.write(.init(type: RecordType.accessKey, index: 0), [])
            return ResponseAPDU(status: .success)
        }
        guard code.algorithm.kind == .totp, !code.key.isEmpty, code.challenge.count == 8,
            OATHAccessKey.answersMatch(OATHAccessKey.hmac(code.algorithm.algorithm, key: code.key, message: code.challenge), code.response)
        else { return ResponseAPDU(status: .wrongSyntax) }
        try flash.write(.init(type: RecordType.accessKey, index: 0), [code.algorithm.byte] + code.key)
        authenticated = false
        return ResponseAPDU(status: .success)
    }

    private func validate(response: [UInt8], hostChallenge: [UInt8]) -> ResponseAPDU {
        defer { cardChallenge = nil }
        guard let key = accessKey, let challenge = cardChallenge else { return ResponseAPDU(status: .noSuchObject) }
        guard OATHAccessKey.answersMatch(OATHAccessKey.hmac(key.algorithm, key: key.key, message: challenge), response) else {
            authenticated = false
            return ResponseAPDU(status: .noSuchObject)
        }
        authenticated = true
        return ResponseAPDU(
            data: TLV(OATHTag.response, OATHAccessKey.hmac(key.algorithm, key: key.key, message: hostChallenge)).encoded,
            status: .success)
    }

    private func calculate(name: [UInt8], challenge: [UInt8], truncate: Bool) throws(FlashError) -> ResponseAPDU {
        guard let index = index(of: name), var credential = credential(at: index) else {
            return ResponseAPDU(status: .noSuchObject)
        }
        if credential.requireTouch, !touchAvailable { return ResponseAPDU(status: .conditionsNotSatisfied) }
        let message: [UInt8]
        if credential.type.kind == .hotp {
            message = OATHCommand.timeChallenge(step: UInt64(credential.counter))
            credential.counter &+= 1
            try flash.write(.init(type: RecordType.credential, index: index), credential.record)
        } else {
            message = challenge
        }
        let hmac = credential.hmac(message)
        let data =
            truncate
            ? OATHTruncatedCode(digits: credential.digits, hmac: hmac).encoded
            : TLV(OATHTag.response, [credential.digits] + hmac).encoded
        return ResponseAPDU(data: data, status: .success)
    }

    private func chunked(_ data: [UInt8]) -> ResponseAPDU {
        let (response, rest) = ResponseChaining.firstChunk(of: data, status: .success)
        remaining = rest
        return response
    }

    // MARK: Flash

    private var accessKey: (algorithm: OTPAlgorithm, key: [UInt8])? {
        guard let record = flash.value(.init(type: RecordType.accessKey, index: 0)), record.count > 1,
            let type = try? OATHCredentialType(byte: record[0])
        else { return nil }
        return (type.algorithm, Array(record.dropFirst()))
    }

    private func credentials() -> [(index: UInt8, credential: StoredCredential)] {
        flash.keys(ofType: RecordType.credential).compactMap { key in credential(at: key.index).map { (key.index, $0) } }
    }

    private func credential(at index: UInt8) -> StoredCredential? {
        flash.value(.init(type: RecordType.credential, index: index)).flatMap(StoredCredential.init(record:))
    }

    private func index(of name: [UInt8]) -> UInt8? { credentials().first { $0.credential.name == name }?.index }

    /// The names of the credentials the card holds, for tests and the emulator's controls.
    public var storedCredentialNames: [String] {
        credentials().map { String(decoding: $0.credential.name, as: UTF8.self) }
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }

    private static func randomBytes(_ count: Int, _ random: inout DeviceRandom) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &random) }
    }
}

/// One credential as the card's flash holds it.
private struct StoredCredential {
    var type: OATHCredentialType
    var digits: UInt8
    var requireTouch: Bool
    var name: [UInt8]
    var key: [UInt8]
    var counter: UInt32

    init(type: OATHCredentialType, digits: UInt8, requireTouch: Bool, name: [UInt8], key: [UInt8], counter: UInt32) {
        self.type = type
        self.digits = digits
        self.requireTouch = requireTouch
        self.name = name
        self.key = key
        self.counter = counter
    }

    init?(record: [UInt8]) {
        guard record.count >= 9, let type = try? OATHCredentialType(byte: record[0]) else { return nil }
        let nameLength = Int(record[3])
        guard record.count >= 4 + nameLength + 1 else { return nil }
        let keyLength = Int(record[4 + nameLength])
        guard record.count == 4 + nameLength + 1 + keyLength + 4 else { return nil }
        self.type = type
        digits = record[1]
        requireTouch = record[2] != 0
        name = Array(record[4..<(4 + nameLength)])
        key = Array(record[(5 + nameLength)..<(5 + nameLength + keyLength)])
        counter = record.suffix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    var record: [UInt8] {
        [type.byte, digits, requireTouch ? 1 : 0, UInt8(name.count)] + name + [UInt8(key.count)] + key
            + (0..<4).map { UInt8(truncatingIfNeeded: counter >> (24 - 8 * $0)) }
    }

    func hmac(_ message: [UInt8]) -> [UInt8] { OATHAccessKey.hmac(type.algorithm, key: key, message: message) }
}
