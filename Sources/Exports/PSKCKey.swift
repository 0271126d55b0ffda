import OTPCore

/// One key read back from a PSKC file, its secret decrypted and MAC-checked. Fields the file does
/// not carry are nil. `description` redacts the secret.
public struct PSKCKey: Sendable, CustomStringConvertible {
    /// Key Id; for a key without one, "serial SERIAL" or "KeyPackage N".
    public let id: String
    /// Key Algorithm, e.g. `urn:ietf:params:xml:ns:keyprov:pskc:hotp`.
    public let algorithmURI: String?
    /// DeviceInfo SerialNo.
    public let serial: String?
    public let manufacturer: String?
    public let model: String?
    public let issuer: String?
    public let friendlyName: String?
    /// Key UserId, else DeviceInfo UserId.
    public let userID: String?
    /// AlgorithmParameters Suite as written, e.g. `sha1`.
    public let suite: String?
    /// ResponseFormat Length.
    public let digits: Int?
    public let secret: Secret
    public let counter: UInt64?
    public let time: Int?
    public let timeInterval: Int?
    public let timeDrift: Int?

    /// The hash named by Suite (`sha1`, `SHA-256`, …), if it names one.
    public var algorithm: OTPAlgorithm? {
        suite.flatMap { try? OTPAlgorithm(name: $0) }
    }

    public var description: String {
        "PSKCKey(\(id), \(algorithmURI ?? "no algorithm"), serial \(serial ?? "none"), \(secret))"
    }
}
