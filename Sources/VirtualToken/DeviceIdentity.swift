import TokenModel
import Crypto
import FoundationEssentials
import TokenWire

/// What a token gets at manufacture: serial, key-agreement key, and the manufacturer's
/// attestation signature over both (firmware-spec §8).
public struct DeviceIdentity: Sendable {
    public let serial: String
    public let key: P256.KeyAgreement.PrivateKey
    public let attestationSignature: [UInt8]

    public init(serial: String, key: P256.KeyAgreement.PrivateKey, attestationSignature: [UInt8]) {
        self.serial = serial
        self.key = key
        self.attestationSignature = attestationSignature
    }

    /// A new identity signed with `manufacturerKey` (the published test key by default).
    public static func manufacture<Generator: RandomNumberGenerator>(
        serial: String? = nil, manufacturerKey: P256.Signing.PrivateKey = TestManufacturer.privateKey,
        using random: inout Generator
    ) -> DeviceIdentity {
        var key: P256.KeyAgreement.PrivateKey?
        while key == nil {
            key = try? P256.KeyAgreement.PrivateKey(
                rawRepresentation: (0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
        }
        let serial =
            serial ?? "TF" + String(UInt32.random(in: 0...UInt32.max, using: &random), radix: 16, uppercase: true)
        let publicKey = Array(key!.publicKey.x963Representation)
        let message = Attestation.signedMessage(serial: serial, publicKey: publicKey)
        let signature = try! manufacturerKey.signature(for: SHA256.hash(data: message))
        return DeviceIdentity(serial: serial, key: key!, attestationSignature: Array(signature.rawRepresentation))
    }

    var attestation: Attestation {
        Attestation(serial: serial, publicKey: Array(key.publicKey.x963Representation), signature: attestationSignature)
    }

    var flashRecord: [UInt8] {
        [UInt8(serial.utf8.count)] + Array(serial.utf8) + Array(key.rawRepresentation) + attestationSignature
    }

    init?(flashRecord bytes: [UInt8]) {
        guard let length = bytes.first.map(Int.init), bytes.count == 1 + length + 32 + 64,
            let serial = String(validating: bytes[1..<(1 + length)], as: UTF8.self),
            let key = try? P256.KeyAgreement.PrivateKey(rawRepresentation: bytes[(1 + length)..<(1 + length + 32)])
        else { return nil }
        self.init(serial: serial, key: key, attestationSignature: Array(bytes.suffix(64)))
    }
}
