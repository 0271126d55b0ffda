/// A 25-byte password field of the protocol (PIN or temporary password), NUL padded, never
/// printed, compared in constant time.
public struct NitrokeyPassword: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public static let fieldSize = 25

    /// The 25 bytes on the wire.
    public let field: [UInt8]

    /// `bytes` NUL padded to the field size.
    public init(bytes: [UInt8]) throws(NitrokeyWireError) {
        guard bytes.count <= Self.fieldSize else {
            throw .fieldTooLong(field: "PIN or password", bytes: bytes.count, maximum: Self.fieldSize)
        }
        field = bytes + [UInt8](repeating: 0, count: Self.fieldSize - bytes.count)
    }

    /// The field as found at `offset` of a payload.
    init(payload: [UInt8], at offset: Int) {
        field = Array(payload[offset..<(offset + Self.fieldSize)])
    }

    /// The bytes before the first NUL: what a PIN field holds.
    public var text: [UInt8] { Array(field.prefix { $0 != 0 }) }

    /// A fresh temporary password: 24 random letters and digits then NUL, as libnitrokey makes them.
    public static func random<Generator: RandomNumberGenerator>(using generator: inout Generator) -> NitrokeyPassword {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let bytes = (0..<24).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
        return try! NitrokeyPassword(bytes: bytes)
    }

    public static func == (lhs: NitrokeyPassword, rhs: NitrokeyPassword) -> Bool {
        zip(lhs.field, rhs.field).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    public var description: String { "NitrokeyPassword(redacted)" }
    public var debugDescription: String { description }
}
