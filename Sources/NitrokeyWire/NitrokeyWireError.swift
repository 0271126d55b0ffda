/// Why bytes are not a well-formed Nitrokey report or payload.
public enum NitrokeyWireError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongReportSize(Int)
    case responseCRCMismatch(expected: UInt32, received: UInt32)
    case fieldTooLong(field: String, bytes: Int, maximum: Int)

    public var description: String {
        switch self {
        case .wrongReportSize(let size): "a Nitrokey report is 64 bytes, not \(size)"
        case .responseCRCMismatch(let expected, let received):
            "the response CRC is 0x\(String(received, radix: 16)), not 0x\(String(expected, radix: 16)): it was damaged on the way"
        case .fieldTooLong(let field, let bytes, let maximum): "the \(field) is \(bytes) bytes; at most \(maximum) fit"
        }
    }
}
