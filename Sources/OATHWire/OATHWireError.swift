/// Why bytes are not a well-formed YKOATH command or response.
public enum OATHWireError: Error, Equatable, Sendable, CustomStringConvertible {
    case truncated(String)
    case malformed(String)
    case missingTag(tag: UInt8, in: String)
    case commandTooLong(Int)
    case tooManyChunks(Int)
    case unknownInstruction(UInt8)
    case unknownCredentialType(UInt8)
    case nameTooLong(Int)

    public var description: String {
        switch self {
        case .truncated(let detail): "truncated YKOATH message: \(detail)"
        case .malformed(let detail): "malformed YKOATH message: \(detail)"
        case .missingTag(let tag, let what): "the \(what) lacks tag 0x\(hex(tag))"
        case .commandTooLong(let count): "a short APDU carries at most 255 data bytes, not \(count)"
        case .tooManyChunks(let count): "the card kept answering 61xx after \(count) SEND REMAINING commands"
        case .unknownInstruction(let ins): "instruction 0x\(hex(ins)) is not a YKOATH command"
        case .unknownCredentialType(let byte): "0x\(hex(byte)) is not a known YKOATH type and algorithm"
        case .nameTooLong(let count): "a YKOATH credential name is at most 64 bytes, not \(count)"
        }
    }
}
