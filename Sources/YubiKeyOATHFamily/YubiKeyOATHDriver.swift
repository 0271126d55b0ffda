import OATHWire
public import OTPCore
public import TokenDrivers
public import TokenModel
public import TokenTransport

extension TokenFamily {
    /// A YubiKey's OATH application (YKOATH) over PC/SC.
    public static let yubiKeyOATH = TokenFamily(name: "YubiKey OATH", vendorID: 0x1050, applicationID: oathApplicationID) {
        (connection: any SmartCardConnection, settings: DriverSettings) throws(TokenError) -> any OTPTokenDriver in
        try YubiKeyOATHDriver(connection: connection, settings: settings)
    }
}

/// Drives the OATH application of a YubiKey (Yubico's YKOATH protocol): slots are the card's
/// credentials in the order LIST gives them, named `[period/]issuer:account`; the PIN is the
/// application's password; codes are computed for the time the host sends, as it has no clock.
public final class YubiKeyOATHDriver {
    public let family: TokenFamily
    let connection: any SmartCardConnection
    let settings: DriverSettings
    /// What the last SELECT said: version, salt, and the challenge when a password is set.
    private(set) var application: OATHSelectResponse
    /// HOTP counters this driver wrote, so verification can say which counter a code used.
    var knownCounters: [[UInt8]: UInt64] = [:]

    public static let capacity = 32
    /// The password: any UTF-8 text; the card keeps only the key derived from it.
    public static let passwordRule = PINRule(name: "OATH password", lengths: 1...128)

    public init(connection: any SmartCardConnection, family: TokenFamily = .yubiKeyOATH, settings: DriverSettings = DriverSettings())
        throws(TokenError)
    {
        self.connection = connection
        self.family = family
        self.settings = settings
        application = OATHSelectResponse(version: [], salt: [])
        try select()
    }

    /// SELECT: the application answers with its version, salt and, when protected, a challenge.
    func select() throws(TokenError) {
        let data = try send(.select, operation: "SELECT")
        do { application = try OATHSelectResponse(decoding: data) } catch { throw .protocolViolation("\(error)") }
    }

    /// Sends `command`, joins chained responses, and maps the status word to the family-neutral error.
    @discardableResult
    func send(_ command: OATHCommand, operation: String) throws(TokenError) -> [UInt8] {
        let response: ResponseAPDU
        do {
            response = try ResponseChaining.transmitAll(command.apdu) {
                (apdu: [UInt8]) throws(SmartCardError) -> [UInt8] in try connection.transmit(apdu)
            }
        } catch {
            switch error {
            case .transport(let failure): throw TokenError(failure)
            case .wire(let wire): throw .protocolViolation("\(operation): \(wire)")
            }
        }
        switch response.status {
        case .success: return response.data
        case .authRequired: throw .pin(.required(operation: operation))
        case .noSpace: throw .slot(nil, .full(""))
        case .noSuchObject: throw .refused(operation: operation, reason: "no such credential or password")
        case .wrongSyntax: throw .refused(operation: operation, reason: "the application rejected the data (6A80)")
        case .conditionsNotSatisfied:
            throw .refused(operation: operation, reason: "the credential needs a touch of the key, and none came")
        default: throw .refused(operation: operation, reason: "status \(response.status)")
        }
    }

    /// The credentials, in the order the card lists them: slot N is the Nth.
    func listEntries() throws(TokenError) -> [OATHListEntry] {
        let data = try send(.list, operation: "LIST")
        do { return try OATHListEntry.decode(data) } catch { throw .protocolViolation("LIST: \(error)") }
    }

    func entry(_ slot: SlotIndex) throws(TokenError) -> OATHListEntry {
        let entries = try listEntries()
        guard Int(slot.rawValue) < entries.count else {
            throw Int(slot.rawValue) < Self.capacity
                ? .slot(slot, .empty) : .slot(slot, .outOfRange("the \(family.name) has slots 0–\(Self.capacity - 1)"))
        }
        return entries[Int(slot.rawValue)]
    }

    /// The device ID ykman derives from the salt.
    var deviceID: String { OATHAccessKey.deviceID(salt: application.salt) }

    /// VALIDATE with `key` after a fresh SELECT (each challenge is good for one answer): answers
    /// the card's challenge, and checks the card's answer to ours.
    func authenticate(key: [UInt8]) throws(TokenError) {
        try select()
        guard let challenge = application.challenge else { return }
        let algorithm = application.algorithm ?? .sha1
        var ours = [UInt8](repeating: 0, count: 8)
        var random = SystemRandomNumberGenerator()
        for index in ours.indices { ours[index] = UInt8.random(in: .min ... .max, using: &random) }
        let data: [UInt8]
        do {
            data = try send(
                .validate(response: OATHAccessKey.hmac(algorithm, key: key, message: challenge), challenge: ours),
                operation: "VALIDATE")
        } catch .refused(_, _) {
            try? select()
            throw .refused(operation: "VALIDATE", reason: "the OATH password is wrong")
        }
        let answer: [UInt8]?
        do { answer = try TLV.parse(data).first { $0.tag == OATHTag.response }?.value } catch {
            throw .protocolViolation("VALIDATE: \(error)")
        }
        guard let answer, OATHAccessKey.answersMatch(answer, OATHAccessKey.hmac(algorithm, key: key, message: ours)) else {
            throw .verificationFailed("the card's answer to TokenForge's challenge is wrong: it does not hold this password's key")
        }
    }

    func accessKey(_ pin: PIN) -> [UInt8] { OATHAccessKey.derive(password: pin.bytes, salt: application.salt) }

    /// SET CODE with the key for `pin`, proving it with a challenge.
    func setCode(_ pin: PIN) throws(TokenError) {
        try Self.passwordRule.check(pin)
        let key = accessKey(pin)
        var challenge = [UInt8](repeating: 0, count: 8)
        var random = SystemRandomNumberGenerator()
        for index in challenge.indices { challenge[index] = UInt8.random(in: .min ... .max, using: &random) }
        let type = OATHCredentialType(kind: .totp, algorithm: .sha1)
        try send(
            .setCode(OATHSetCode(algorithm: type, key: key, challenge: challenge, response: OATHAccessKey.hmac(.sha1, key: key, message: challenge))),
            operation: "SET CODE")
        try authenticate(key: key)
    }

    func rememberCounter(_ counter: UInt64?, for name: [UInt8]) { knownCounters[name] = counter }
    func nextCounter(for name: [UInt8]) -> UInt64? {
        guard let counter = knownCounters[name] else { return nil }
        knownCounters[name] = counter + 1
        return counter
    }
}
