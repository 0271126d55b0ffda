public import OTPCore

/// The byte that names a credential's kind and hash: kind in the high nibble, hash in the low.
public struct OATHCredentialType: Equatable, Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        case hotp = 0x10
        case totp = 0x20
    }

    public var kind: Kind
    public var algorithm: OTPAlgorithm

    public init(kind: Kind, algorithm: OTPAlgorithm) {
        self.kind = kind
        self.algorithm = algorithm
    }

    public init(byte: UInt8) throws(OATHWireError) {
        guard let kind = Kind(rawValue: byte & 0xF0) else { throw .unknownCredentialType(byte) }
        let algorithm: OTPAlgorithm
        switch byte & 0x0F {
        case 0x01: algorithm = .sha1
        case 0x02: algorithm = .sha256
        case 0x03: algorithm = .sha512
        default: throw .unknownCredentialType(byte)
        }
        self.init(kind: kind, algorithm: algorithm)
    }

    public var byte: UInt8 { kind.rawValue | Self.algorithmBits(algorithm) }

    static func algorithmBits(_ algorithm: OTPAlgorithm) -> UInt8 {
        switch algorithm {
        case .sha1: 0x01
        case .sha256: 0x02
        case .sha512: 0x03
        }
    }
}
