import TokenModel
import Crypto
import TokenWire

/// The published test manufacturer (firmware-spec §8.2): its private key is SHA-256("TokenForge
/// test manufacturer key v1"), so anyone can sign with it. Virtual tokens are signed with it;
/// hosts trust its public key (`ManufacturerKeys.test`) only when told to.
public enum TestManufacturer {
    public static let privateKey: P256.Signing.PrivateKey = {
        let seed = SHA256.hash(data: Array("TokenForge test manufacturer key v1".utf8))
        return try! P256.Signing.PrivateKey(rawRepresentation: Array(seed))
    }()
}
