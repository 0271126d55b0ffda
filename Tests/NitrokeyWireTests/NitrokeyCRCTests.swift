import NitrokeyWire
import Testing

/// The report CRC against the values worked out from the firmware and libnitrokey sources
/// (research/nitrokey-pro.md).
struct NitrokeyCRCTests {
    @Test func getStatusHasTheKnownCRC() {
        let report = NitrokeyRequest.getStatus.report
        #expect(report.crc == 0xEF6E_B7DF)
        #expect(Array(report.bytes.suffix(4)) == [0xDF, 0xB7, 0x6E, 0xEF])
    }

    @Test func setTimeHasTheKnownCRC() {
        let report = NitrokeyRequest.setTime(reset: true, time: 1_700_000_000).report
        #expect(Array(report.bytes.prefix(10)) == [0x0B, 0x01, 0x00, 0xF1, 0x53, 0x65, 0x00, 0x00, 0x00, 0x00])
        #expect(report.crc == 0x10F1_4A48)
    }

    @Test func firstAuthenticateHasTheKnownCRC() throws {
        let request = NitrokeyRequest.firstAuthenticate(
            pin: try NitrokeyPassword(bytes: Array("12345678".utf8)),
            temporaryPassword: try NitrokeyPassword(bytes: Array("123123123123123123123123".utf8)))
        // research/nitrokey-pro.md writes this one as its wire bytes read in order, 5c 45 2e f5.
        #expect(request.report.crc == 0xF52E_455C)
        #expect(Array(request.report.bytes.suffix(4)) == [0x5C, 0x45, 0x2E, 0xF5])
    }

    @Test func emptyInputLeavesTheInitialValue() {
        #expect(NitrokeyCRC.checksum([UInt8]()) == 0xFFFF_FFFF)
    }

    @Test func wordsAreReadLittleEndian() {
        // One word 0x00000001 differs from 0x01000000: the byte order matters.
        #expect(NitrokeyCRC.checksum([1, 0, 0, 0]) != NitrokeyCRC.checksum([0, 0, 0, 1]))
    }
}

extension NitrokeyCRCTests {
    /// The firmware's definition, one bit at a time, for comparison with the table-driven CRC.
    static func bitwise(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for start in stride(from: 0, to: bytes.count, by: 4) {
            var word: UInt32 = 0
            for (shift, byte) in bytes[start..<min(bytes.count, start + 4)].enumerated() {
                word |= UInt32(byte) << (8 * UInt32(shift))
            }
            crc ^= word
            for _ in 0..<32 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ NitrokeyCRC.polynomial : crc << 1 }
        }
        return crc
    }

    @Test func tableAgreesWithTheBitwiseDefinitionForEveryLength() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(NitrokeyCRC.checksum(bytes) == Self.bitwise(bytes), "length \(length)")
            #expect(NitrokeyCRC.checksum(bytes[...]) == Self.bitwise(bytes), "slice of length \(length)")
        }
    }
}
