/// Response chaining as YKOATH does it: the card answers at most `maximumChunk` bytes with
/// `61 xx` while more wait, the host asks for the rest with SEND REMAINING (INS 0xA5).
public enum ResponseChaining {
    /// The most data bytes a card puts in one response.
    public static let maximumChunk = 255

    /// The card side: `data` cut into the first response and the bytes SEND REMAINING returns next.
    public static func firstChunk(of data: [UInt8], status: StatusWord, maximumChunk: Int = maximumChunk)
        -> (response: ResponseAPDU, remaining: [UInt8])
    {
        guard data.count > maximumChunk else { return (ResponseAPDU(data: data, status: status), []) }
        let remaining = Array(data[maximumChunk...])
        return (
            ResponseAPDU(data: Array(data[..<maximumChunk]), status: .moreData(UInt8(min(remaining.count, 256) & 0xFF))),
            remaining
        )
    }

    /// The host side: sends `command`, then SEND REMAINING while the card says more data waits,
    /// and returns the whole data with the final status word.
    public static func transmitAll<Failure: Error>(
        _ command: CommandAPDU, maximumRounds: Int = 64,
        through transmit: ([UInt8]) throws(Failure) -> [UInt8]
    ) throws(OATHChainError<Failure>) -> ResponseAPDU {
        var data: [UInt8] = []
        var apdu: [UInt8]
        do { apdu = try command.encoded() } catch { throw .wire(error) }
        for _ in 0..<maximumRounds {
            let raw: [UInt8]
            do { raw = try transmit(apdu) } catch { throw .transport(error) }
            let response: ResponseAPDU
            do { response = try ResponseAPDU(decoding: raw) } catch { throw .wire(error) }
            data += response.data
            guard response.status.hasMoreData else { return ResponseAPDU(data: data, status: response.status) }
            apdu = OATHCommand.sendRemaining.apdu.encodedHeader
        }
        throw .wire(.tooManyChunks(maximumRounds))
    }
}

/// Why a chained exchange failed: the transport's own error, or bytes that break the protocol.
public enum OATHChainError<Failure: Error>: Error {
    case transport(Failure)
    case wire(OATHWireError)
}

extension CommandAPDU {
    /// The header alone, for commands without data.
    var encodedHeader: [UInt8] { [cla, ins, p1, p2] }
}
