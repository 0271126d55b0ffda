/// A request or response that does not follow §4–§5. Values are never echoed: they may be secret.
public enum MessageError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case unknownCommand(UInt8)
    case unknownStatus(UInt8)
    case truncatedField(offset: Int)
    case missingField(Tag)
    case invalidField(Tag)
    case unsupportedValue(Tag)

    /// The status a token answers this error with.
    public var status: TokenStatus {
        switch self {
        case .empty, .truncatedField, .invalidField, .unknownStatus: .malformed
        case .unknownCommand: .unknownCommand
        case .missingField: .missingParameter
        case .unsupportedValue: .unsupportedParameter
        }
    }

    public var description: String {
        switch self {
        case .empty: "empty message"
        case .unknownCommand(let byte): "unknown command 0x\(String(byte, radix: 16))"
        case .unknownStatus(let byte): "unknown status 0x\(String(byte, radix: 16))"
        case .truncatedField(let offset): "field at offset \(offset) runs past the end of the message"
        case .missingField(let tag): "required field \(tag) is missing"
        case .invalidField(let tag): "field \(tag) has an invalid length or encoding"
        case .unsupportedValue(let tag): "field \(tag) has a value the protocol does not support"
        }
    }
}
