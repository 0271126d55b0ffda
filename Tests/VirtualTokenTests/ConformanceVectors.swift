import TokenModel
import TestSupport
import Crypto
import Foundation
import OTPCore
import TokenWire
import VirtualToken

/// A conformance vector file of firmware-spec/vectors/ (format: firmware-spec/PROTOCOL.md §13).
struct ConformanceVector: Codable {
    struct Identity: Codable {
        var serial: String
        var privateKey: String
        var attestationSignature: String
    }

    struct Clock: Codable {
        var seconds: Int64
        var milliseconds: UInt64
    }

    struct Step: Codable {
        var note: String
        var advanceMilliseconds: UInt64?
        var request: [String]
        var response: [String]
    }

    var name: String
    var description: String
    /// FIRMWARE_VERSION of the token, hex; absent means "010000", a protocol 1.0 token (§13.1).
    var firmwareVersion: String?
    var identity: Identity
    var randomSeed: UInt64
    var clock: Clock
    var steps: [Step]

    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("firmware-spec/vectors")
    }

    static func loadAll() throws -> [ConformanceVector] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
        return try files.map { try JSONDecoder().decode(ConformanceVector.self, from: Data(contentsOf: $0)) }
    }

    func write() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: Self.directory.appendingPathComponent("\(name).json"))
    }

    /// A token in the vector's initial state.
    func makeToken() throws -> (SpecToken, ManualDeviceClock) {
        let key = try P256.KeyAgreement.PrivateKey(rawRepresentation: Hex.decode(identity.privateKey))
        let deviceIdentity = DeviceIdentity(
            serial: identity.serial, key: key, attestationSignature: try Hex.decode(identity.attestationSignature))
        let clock = ManualDeviceClock(seconds: clock.seconds, milliseconds: clock.milliseconds)
        var configuration = SpecToken.Configuration()
        configuration.firmwareVersion = try firmwareVersion.map(Hex.decode) ?? [1, 0, 0]
        let token = try SpecToken(
            medium: MemoryFlashMedium(), clock: clock, random: SplitMix64(seed: randomSeed),
            configuration: configuration, newIdentity: deviceIdentity)
        return (token, clock)
    }
}

/// Builds vectors by running scenarios against the virtual token and recording every report.
final class VectorRecorder {
    let token: SpecToken
    let clock: ManualDeviceClock
    private(set) var vector: ConformanceVector
    var channel = ChannelID.broadcast

    /// A fixed key-agreement key, signed by the test manufacturer key.
    static func newIdentity() -> ConformanceVector.Identity {
        let key = try! P256.KeyAgreement.PrivateKey(
            rawRepresentation: Array(SHA256.hash(data: Array("TokenForge vector token key 1".utf8))))
        let message = Attestation.signedMessage(
            serial: "TF00000001", publicKey: Array(key.publicKey.x963Representation))
        let signature = try! TestManufacturer.privateKey.signature(for: SHA256.hash(data: message))
        return .init(
            serial: "TF00000001", privateKey: Hex.encode(key.rawRepresentation),
            attestationSignature: Hex.encode(signature.rawRepresentation))
    }

    init(
        name: String, description: String, identity: ConformanceVector.Identity, firmwareVersion: String? = nil
    ) throws {
        vector = ConformanceVector(
            name: name, description: description, firmwareVersion: firmwareVersion, identity: identity,
            randomSeed: 2_026,
            clock: .init(seconds: 1_700_000_000, milliseconds: 0), steps: [])
        (token, clock) = try vector.makeToken()
    }

    @discardableResult
    func raw(_ note: String, _ reports: [[UInt8]], advance: UInt64? = nil) throws -> [[UInt8]] {
        if let advance { clock.advance(milliseconds: advance) }
        var replies: [[UInt8]] = []
        for report in reports { replies += try token.receive(report) }
        vector.steps.append(
            .init(
                note: note, advanceMilliseconds: advance, request: reports.map(Hex.encode),
                response: replies.map(Hex.encode)))
        return replies
    }

    @discardableResult
    func frame(_ note: String, _ frame: Frame, advance: UInt64? = nil) throws -> [[UInt8]] {
        try raw(note, Framing.reports(for: frame), advance: advance)
    }

    func initialise(nonce: [UInt8] = [0x10, 0x32, 0x54, 0x76, 0x98, 0xBA, 0xDC, 0xFE]) throws {
        let replies = try frame(
            "INIT on the broadcast channel allocates a channel",
            Frame(channel: .broadcast, command: .initialise, payload: nonce))
        channel = ChannelID(rawValue: replies[0][15..<19].reduce(0) { $0 << 8 | UInt32($1) })
    }

    @discardableResult
    func request(_ note: String, _ request: TokenRequest, on channel: ChannelID? = nil) throws -> [[UInt8]] {
        try frame(note, Frame(channel: channel ?? self.channel, command: .message, payload: request.encoded()))
    }

    /// The message of the first MSG frame in `reports`, decoded as a response.
    static func response(_ reports: [[UInt8]]) throws -> TokenResponse? {
        var assembler = FrameAssembler()
        for report in reports {
            if case .complete(let frame) = assembler.receive(report, now: 0), frame.command == .message {
                return try TokenResponse(decoding: frame.payload)
            }
        }
        return nil
    }

    /// GET_KEY_AGREEMENT: the token's current PIN key.
    func pinKey(_ note: String) throws -> P256.KeyAgreement.PublicKey {
        let replies = try request(note, .getKeyAgreement)
        let response = try VectorRecorder.response(replies)
        let field = response?.fields.first { $0.tag == .publicKey }
        return try P256.KeyAgreement.PublicKey(x963Representation: field?.value ?? [])
    }
}
