import Crypto
import FoundationEssentials

/// Shared-secret bytes of an OTP credential.
///
/// The bytes live in a `SymmetricKey`, which zeroes them when freed; equality is constant time,
/// and neither `description` nor `debugDescription` reveals them.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    let key: SymmetricKey

    /// Wraps raw secret bytes.
    public init<Bytes: Collection<UInt8>>(bytes: Bytes) {
        key = SymmetricKey(data: Array(bytes))
    }

    /// A new secret of `byteCount` bytes from the system CSPRNG.
    public static func random(byteCount: Int) -> Secret {
        precondition(byteCount > 0, "a secret has at least one byte")
        return Secret(key: SymmetricKey(size: SymmetricKeySize(bitCount: byteCount * 8)))
    }

    /// A new secret as long as `algorithm`'s output (20, 32 or 64 bytes) from the system CSPRNG.
    public static func random(for algorithm: OTPAlgorithm) -> Secret {
        random(byteCount: algorithm.outputByteCount)
    }

    /// A secret from a caller's generator: deterministic in tests when the generator is seeded.
    public static func random<Generator: RandomNumberGenerator>(
        byteCount: Int, using generator: inout Generator
    ) -> Secret {
        precondition(byteCount > 0, "a secret has at least one byte")
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Secret(bytes: bytes)
    }

    /// Decodes a Base32 secret (RFC 4648 §6), accepting lower case, spaces, hyphens and padding.
    public init(base32: String) throws(Base32Error) {
        self.init(bytes: try Base32.decode(base32))
    }

    /// Decodes a hexadecimal secret; spaces are ignored.
    public init(hex: String) throws(HexError) {
        self.init(bytes: try Hex.decode(hex))
    }

    private init(key: SymmetricKey) {
        self.key = key
    }

    public var byteCount: Int { key.bitCount / 8 }

    /// The secret as unpadded upper-case Base32: reveals the secret, so only call it to hand it out.
    public func base32EncodedString() -> String {
        key.withUnsafeBytes { Base32.encode($0) }
    }

    /// The secret as lower-case hex: reveals the secret, so only call it to hand it out.
    public func hexEncodedString() -> String {
        key.withUnsafeBytes { Hex.encode($0) }
    }

    /// Calls `body` with the secret bytes; the buffer must not escape.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try key.withUnsafeBytes(body)
    }

    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        lhs.key == rhs.key
    }

    public var description: String { "Secret(\(byteCount) bytes, redacted)" }
    public var debugDescription: String { description }
}
