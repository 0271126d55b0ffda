import Activation
import Crypto
import EmulatorServer
import Exports
import Foundation
import Issuance
import NitrokeyWire
import OATHWire
import OTPCore
import TokenModel
import TokenWire
import VirtualToken

/// One libFuzzer target: a parser or one side of a wire, fed arbitrary bytes. Every input must
/// return (a thrown error is fine); a trap, a sanitizer report or a hang is a bug. The fuzz
/// package (fuzz/) runs them instrumented; FuzzCorpusTests replays their corpora and crash
/// reproducers in the normal suite.
public struct FuzzTarget: Sendable {
    public let name: String
    public let run: @Sendable ([UInt8]) -> Void

    /// Every target, by the name of its corpus directory (fuzz/corpus/NAME).
    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "otpauth-uri", run: otpauthURI),
        FuzzTarget(name: "base32", run: base32),
        FuzzTarget(name: "roster-csv", run: rosterCSV),
        FuzzTarget(name: "pskc-reader", run: pskcReader),
        FuzzTarget(name: "migration-link", run: migrationLink),
        FuzzTarget(name: "tokenwire-host", run: tokenWireHost),
        FuzzTarget(name: "tokenwire-token", run: tokenWireToken),
        FuzzTarget(name: "nitrokey-host", run: nitrokeyHost),
        FuzzTarget(name: "nitrokey-device", run: nitrokeyDevice),
        FuzzTarget(name: "emulator-socket", run: emulatorSocket),
        FuzzTarget(name: "letter-template", run: letterTemplate),
        FuzzTarget(name: "oath-host", run: oathHost),
        FuzzTarget(name: "oath-card", run: oathCard),
    ]

    public static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// A parsed URI prints back to one that parses to the same account.
    static func otpauthURI(_ bytes: [UInt8]) {
        guard let uri = try? OTPAuthURI(parsing: text(bytes)) else { return }
        let again = try? OTPAuthURI(parsing: uri.uriString)
        precondition(again == uri, "an otpauth URI does not survive printing and parsing again")
    }

    /// A decoded secret encodes back to text that decodes to the same bytes.
    static func base32(_ bytes: [UInt8]) {
        guard let decoded = try? Base32.decode(text(bytes)) else { return }
        precondition((try? Base32.decode(Base32.encode(decoded))) == decoded, "Base32 does not round-trip")
    }

    static func rosterCSV(_ bytes: [UInt8]) {
        _ = try? Roster.parse(text(bytes), file: "fuzz.csv")
    }

    static func pskcReader(_ bytes: [UInt8]) {
        _ = try? PSKCDocument.read(xml: text(bytes))
    }

    static func migrationLink(_ bytes: [UInt8]) {
        let input = text(bytes)
        _ = try? MigrationPayload(link: input)
        _ = try? MigrationPayload(link: "otpauth-migration://offline?data=" + input)
    }

    /// The host's side of the spec wire: reports reassembled, responses decoded and parsed.
    static func tokenWireHost(_ bytes: [UInt8]) {
        var assembler = FrameAssembler()
        var now: UInt64 = 0
        for start in stride(from: 0, to: bytes.count, by: Framing.reportSize) {
            var report = Array(bytes[start..<min(bytes.count, start + Framing.reportSize)])
            report += [UInt8](repeating: 0, count: Framing.reportSize - report.count)
            now += UInt64(report[0] & 0x0F) * 100
            guard case .complete(let frame) = assembler.receive(report, now: now) else { continue }
            guard let response = try? TokenResponse(decoding: frame.payload) else { continue }
            _ = response.pinRetries
            _ = try? TokenInfo(fields: response.fields)
            _ = try? SlotList(fields: response.fields)
            _ = try? CalculatedCode(fields: response.fields)
            _ = try? Attestation(fields: response.fields)
            precondition(
                (try? TokenResponse(decoding: response.encoded())) == response, "a response does not re-encode")
        }
        if let request = try? TokenRequest(decoding: bytes) {
            precondition((try? TokenRequest(decoding: request.encoded())) == request, "a request does not re-encode")
        }
    }

    static let identity: DeviceIdentity = {
        let key = try! P256.KeyAgreement.PrivateKey(
            rawRepresentation: Array(SHA256.hash(data: Array("TokenForge fuzz token key".utf8))))
        return DeviceIdentity(serial: "TFFUZZ0001", key: key, attestationSignature: [UInt8](repeating: 0, count: 64))
    }()

    static let specToken11: SpecToken.Configuration = {
        var configuration = SpecToken.Configuration()
        configuration.firmwareVersion = [1, 1, 0]
        return configuration
    }()
    static let specToken10: SpecToken.Configuration = {
        var configuration = SpecToken.Configuration()
        configuration.firmwareVersion = [1, 0, 0]
        return configuration
    }()

    /// The flash of a new device, made once: each input mounts a copy, which is quicker than
    /// making the device anew and leaves it in the same state.
    static func snapshot(_ make: (MemoryFlashMedium) throws -> Void) -> [UInt8] {
        let medium = MemoryFlashMedium()
        do { try make(medium) } catch { preconditionFailure("a blank device does not mount: \(error)") }
        return medium.bytes
    }

    static let blankSpecTokens: [[UInt8]: [UInt8]] = Dictionary(
        uniqueKeysWithValues: [specToken11, specToken10].map { configuration in
            (
                configuration.firmwareVersion,
                snapshot {
                    _ = try SpecToken(
                        medium: $0, clock: ManualDeviceClock(), random: FuzzRandom(seed: 7), configuration: configuration,
                        newIdentity: identity)
                }
            )
        })

    static func blankImage(of configuration: SpecToken.Configuration) -> [UInt8] {
        blankSpecTokens[configuration.firmwareVersion]!
    }

    /// The token's side: a 1.1 spec token with a PIN, fed the input as output reports.
    static func tokenWireToken(_ bytes: [UInt8]) {
        let clock = ManualDeviceClock()
        let configuration = bytes.first.map { $0 & 1 == 0 ? specToken11 : specToken10 } ?? specToken11
        guard
            let token = try? SpecToken(
                medium: MemoryFlashMedium(bytes: blankImage(of: configuration)), clock: clock,
                random: FuzzRandom(seed: 7), configuration: configuration, newIdentity: identity)
        else { preconditionFailure("a blank token does not mount") }
        for start in stride(from: 0, to: bytes.count, by: Framing.reportSize) {
            var report = Array(bytes[start..<min(bytes.count, start + Framing.reportSize)])
            report += [UInt8](repeating: 0, count: Framing.reportSize - report.count)
            clock.advance(milliseconds: UInt64(report[63]) * 4)
            _ = token.expireStalledMessage()
            _ = try? token.receive(report)
        }
        _ = try? TokenRequest(decoding: bytes)
    }

    /// The host's side of the Nitrokey wire: answers decoded and read as each command's answer.
    static func nitrokeyHost(_ bytes: [UInt8]) {
        for start in stride(from: 0, to: bytes.count, by: NitrokeyReport.size) {
            var report = Array(bytes[start..<min(bytes.count, start + NitrokeyReport.size)])
            report += [UInt8](repeating: 0, count: NitrokeyReport.size - report.count)
            guard let response = try? NitrokeyResponseReport(decoding: report) else { continue }
            let payload = response.payload
            _ = NitrokeyDeviceInfo(payload: payload)
            _ = NitrokeySlotDetails(payload: payload)
            _ = NitrokeyCodeAnswer(payload: payload)
            _ = NitrokeyAnswer.slotName(payload)
            _ = NitrokeyAnswer.retryCount(payload)
        }
    }

    static let blankPro = snapshot {
        _ = try NitrokeyPro(medium: $0, clock: ManualDeviceClock(), random: FuzzRandom(seed: 9), cardSerial: 1)
    }

    /// The device's side: an emulated Pro (firmware 0.15 or 0.7) fed the input as command reports.
    static func nitrokeyDevice(_ bytes: [UInt8]) {
        let clock = ManualDeviceClock(seconds: 0, milliseconds: 1_000)
        var configuration = NitrokeyPro.Configuration()
        configuration.firmware = bytes.first.map { $0 & 1 == 0 ? .zeroFifteen : .zeroSeven } ?? .zeroFifteen
        guard
            let pro = try? NitrokeyPro(
                medium: MemoryFlashMedium(bytes: blankPro), clock: clock, random: FuzzRandom(seed: 9),
                configuration: configuration, cardSerial: 1)
        else { preconditionFailure("a blank Pro does not mount") }
        for start in stride(from: 0, to: bytes.count, by: NitrokeyReport.size) {
            var report = Array(bytes[start..<min(bytes.count, start + NitrokeyReport.size)])
            report += [UInt8](repeating: 0, count: NitrokeyReport.size - report.count)
            // Most inputs would fail the CRC: give every other report its right one.
            if report[1] & 1 == 0 {
                report.replaceSubrange(
                    60..<64, with: withUnsafeBytes(of: NitrokeyCRC.checksum(report[0..<60]).littleEndian, Array.init))
            }
            _ = try? pro.setReport(report)
            clock.advance(milliseconds: 50)
            _ = try? pro.getReport()
        }
    }
}

extension FuzzTarget {
    /// One override directory per kind of template, on a memory file system where there is one:
    /// the file is rewritten for every input.
    static let templateDirectories: (letter: String, sheet: String) = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/tokenforge-fuzz-templates-\(getpid())"
        for kind in ["letter", "sheet"] {
            try? FileManager.default.createDirectory(atPath: path + "/" + kind, withIntermediateDirectories: true)
        }
        return (path + "/letter", path + "/sheet")
    }()
    static let letterEntry = RosterEntry(
        username: "z", displayName: "Zoë", email: "z@example.org", language: .en, method: .app)
    static let letterURI = try! OTPAuthURI(account: "z@example.org", issuer: "ACME", secret: Secret(bytes: Array(0..<20)))

    /// Letter-template loading: the input as a custom letter (first byte even) or handover sheet
    /// (odd); a template that passes the checks is rendered.
    static func letterTemplate(_ bytes: [UInt8]) {
        let isSheet = bytes.first.map { $0 & 1 == 1 } ?? false
        let directory = isSheet ? templateDirectories.sheet : templateDirectories.letter
        let file = directory + (isSheet ? "/sheet.en.mustache" : "/letter.en.mustache")
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        let body = Array(bytes.dropFirst())
        let written = body.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == body.count,
            let renderer = try? LetterRenderer(overrides: directory, languages: isSheet ? [] : [.en])
        else { return }
        if isSheet {
            _ = renderer.render(
                HandoverSheet(
                    username: "z", name: "Zoë", language: .en, serial: "TF1", slot: 1, issuer: "ACME", account: "z",
                    pinDelivery: .none))
        } else {
            _ = renderer.render(for: letterEntry, issuer: "ACME", uri: letterURI, png: [0], svg: "<svg/>")
        }
    }

    /// The host's side of the YKOATH wire: the input as a response APDU, its data read as each
    /// command's answer; TLVs re-encode to what parses the same.
    static func oathHost(_ bytes: [UInt8]) {
        guard let response = try? ResponseAPDU(decoding: bytes) else { return }
        precondition((try? ResponseAPDU(decoding: response.encoded)) == response, "a response APDU does not re-encode")
        let data = response.data
        _ = try? OATHSelectResponse(decoding: data)
        _ = try? OATHListEntry.decode(data)
        _ = try? OATHCalculateAllEntry.decode(data)
        if let code = try? OATHTruncatedCode.decodeCalculateResponse(data) { _ = code.code }
        if let items = try? TLV.parse(data) {
            precondition(
                (try? TLV.parse(items.flatMap(\.encoded))) == items, "TLV items do not parse back from their encoding")
        }
    }

    static let blankCard = snapshot { _ = try OATHCard(medium: $0, random: FuzzRandom(seed: 11), serial: 1) }

    /// The card's side: command APDUs (each preceded by its length byte) into a virtual YubiKey
    /// OATH application; every APDU the card accepts as a command re-encodes to the same command.
    static func oathCard(_ bytes: [UInt8]) {
        guard let card = try? OATHCard(medium: MemoryFlashMedium(bytes: blankCard), random: FuzzRandom(seed: 11), serial: 1)
        else { preconditionFailure("a blank OATH card does not mount") }
        var index = 0
        while index < bytes.count {
            let length = Int(bytes[index])
            index += 1
            let apdu = Array(bytes[index..<min(bytes.count, index + length)])
            index += length
            if let command = try? CommandAPDU(decoding: apdu), let decoded = try? OATHCommand(apdu: command) {
                precondition(
                    (try? OATHCommand(apdu: decoded.apdu)) == decoded, "an OATH command does not re-encode")
            }
            _ = try? card.transmit(apdu)
        }
    }

    /// On a memory file system where there is one: the server binds it for every input.
    static let socketPath = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory())
        + "/tokenforge-fuzz-\(getpid()).sock"

    /// The emulator's side of its socket: the input as the byte stream a client sends, to a server
    /// with a spec token and a Nitrokey Pro.
    static func emulatorSocket(_ bytes: [UInt8]) {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return }
        var size: Int32 = 4 << 20
        for descriptor in pair {
            _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
            _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        let client = pair[0]
        _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(client, Int32(SHUT_WR))
        let clock = DriftingClock()
        guard
            let token = try? SpecToken(
                medium: MemoryFlashMedium(bytes: blankImage(of: specToken11)), clock: clock, random: FuzzRandom(seed: 3),
                newIdentity: identity),
            let pro = try? NitrokeyPro(
                medium: MemoryFlashMedium(bytes: blankPro), clock: ManualDeviceClock(), random: FuzzRandom(seed: 5)),
            let server = try? EmulatorServer(
                socketPath: socketPath,
                devices: [SpecTokenDevice(token: token, clock: clock), NitrokeyProDevice(pro: pro, name: "NKFUZZ0001")])
        else { preconditionFailure("the emulator does not start") }
        server.serve(SocketConnection(descriptor: pair[1]))
        close(client)
    }
}

/// SplitMix64, so a target's behaviour depends on its input only.
struct FuzzRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
