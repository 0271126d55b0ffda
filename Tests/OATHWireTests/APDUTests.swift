import OATHWire
import Testing

/// Command and response APDUs, TLV lengths and response chaining, both sides.
struct APDUTests {
    @Test func selectIsTheOATHApplicationsSelectByName() throws {
        #expect(try OATHCommand.select.apdu.encoded() == [0x00, 0xA4, 0x04, 0x00, 0x07, 0xA0, 0x00, 0x00, 0x05, 0x27, 0x21, 0x01])
    }

    @Test func resetCarriesDEADAndNoData() throws {
        #expect(try OATHCommand.reset.apdu.encoded() == [0x00, 0x04, 0xDE, 0xAD])
    }

    @Test func aCommandWithLeDecodesWithoutIt() throws {
        let apdu = try CommandAPDU(decoding: [0x00, 0xA1, 0x00, 0x00, 0x00])
        #expect(apdu.ins == 0xA1 && apdu.data.isEmpty)
        let withData = try CommandAPDU(decoding: [0x00, 0x02, 0x00, 0x00, 0x03, 0x71, 0x01, 0x41, 0x00])
        #expect(withData.data == [0x71, 0x01, 0x41])
    }

    @Test func aCommandWhoseLcOverrunsIsRefused() {
        #expect(throws: OATHWireError.truncated("Lc says 5 data bytes, the APDU carries 2")) {
            try CommandAPDU(decoding: [0x00, 0x01, 0x00, 0x00, 0x05, 0x71, 0x00])
        }
    }

    @Test func moreThan255DataBytesIsRefused() {
        #expect(throws: OATHWireError.commandTooLong(256)) {
            try CommandAPDU(ins: 0x01, data: [UInt8](repeating: 0, count: 256)).encoded()
        }
    }

    @Test func responseSplitsDataAndStatus() throws {
        let response = try ResponseAPDU(decoding: [0x01, 0x02, 0x61, 0x10])
        #expect(response.data == [0x01, 0x02])
        #expect(response.status == .moreData(0x10) && response.status.hasMoreData)
        #expect(response.encoded == [0x01, 0x02, 0x61, 0x10])
        #expect(throws: OATHWireError.self) { try ResponseAPDU(decoding: [0x90]) }
    }

    @Test(arguments: [0, 1, 0x7F, 0x80, 0xFF, 0x100, 0x1234])
    func tlvLengthsRoundTrip(count: Int) throws {
        let item = TLV(0x75, (0..<count).map { UInt8(truncatingIfNeeded: $0) })
        let encoded = item.encoded
        #expect(encoded.count == 1 + (count < 0x80 ? 1 : count <= 0xFF ? 2 : 3) + count)
        #expect(try TLV.parse(encoded) == [item])
    }

    @Test func aTLVLongerThanItsBytesIsRefused() {
        #expect(throws: OATHWireError.truncated("tag 0x71 says 4 bytes, 2 remain")) {
            try TLV.parse([0x71, 0x04, 0x41, 0x42])
        }
    }

    @Test func theCardSendsTheFirst255BytesAndSaysMoreWait() {
        let data = (0..<600).map { UInt8(truncatingIfNeeded: $0) }
        let (first, remaining) = ResponseChaining.firstChunk(of: data, status: .success)
        #expect(first.data == Array(data[..<255]))
        #expect(first.status == .moreData(0x00))  // 345 remain: 256 or more is 00
        #expect(remaining == Array(data[255...]))
        let (second, rest) = ResponseChaining.firstChunk(of: remaining, status: .success)
        #expect(second.status == .moreData(90) && rest.count == 90)
        let (last, none) = ResponseChaining.firstChunk(of: rest, status: .success)
        #expect(last == ResponseAPDU(data: rest, status: .success) && none.isEmpty)
    }

    @Test func theHostJoinsChunksWithSendRemaining() throws {
        let data = (0..<600).map { UInt8(truncatingIfNeeded: $0 * 7) }
        var pending: [UInt8] = []
        var sent: [[UInt8]] = []
        let whole = try ResponseChaining.transmitAll(OATHCommand.list.apdu) { (apdu: [UInt8]) throws(OATHWireError) -> [UInt8] in
            sent.append(apdu)
            let (response, remaining) = ResponseChaining.firstChunk(of: sent.count == 1 ? data : pending, status: .success)
            pending = remaining
            return response.encoded
        }
        #expect(whole == ResponseAPDU(data: data, status: .success))
        #expect(sent == [[0x00, 0xA1, 0x00, 0x00], [0x00, 0xA5, 0x00, 0x00], [0x00, 0xA5, 0x00, 0x00]])
    }

    @Test func aCardThatNeverStopsChainingIsAnError() {
        #expect(throws: OATHChainError<OATHWireError>.self) {
            try ResponseChaining.transmitAll(OATHCommand.list.apdu, maximumRounds: 3) { (_: [UInt8]) throws(OATHWireError) -> [UInt8] in
                [0x00, 0x61, 0x01]
            }
        }
    }
}
