import OATHWire
import OTPCore
import Testing

/// Every YKOATH command encoded by the host decodes to itself on the card, and PUT's bytes are
/// the ones YKOATH §PUT lays out.
struct OATHCommandTests {
    static let commands: [OATHCommand] = [
        .select,
        .put(OATHPut(name: Array("Example:alice".utf8), type: .init(kind: .totp, algorithm: .sha256), digits: 8, key: [UInt8](repeating: 0x31, count: 32))),
        .put(OATHPut(name: Array("h".utf8), type: .init(kind: .hotp, algorithm: .sha1), digits: 6, key: [UInt8](repeating: 0x32, count: 14), requireTouch: true, initialCounter: 7)),
        .delete(name: Array("Example:alice".utf8)),
        .setCode(OATHSetCode(algorithm: .init(kind: .totp, algorithm: .sha1), key: [UInt8](repeating: 9, count: 16), challenge: [1, 2, 3, 4, 5, 6, 7, 8], response: [UInt8](repeating: 0xAA, count: 20))),
        .setCode(nil),
        .reset,
        .list,
        .calculate(name: Array("60/x:y".utf8), challenge: OATHCommand.timeChallenge(step: 1), truncate: true),
        .calculate(name: Array("counter".utf8), challenge: [], truncate: true),
        .validate(response: [UInt8](repeating: 1, count: 20), challenge: [8, 7, 6, 5, 4, 3, 2, 1]),
        .calculateAll(challenge: OATHCommand.timeChallenge(step: 56_666_666), truncate: true),
        .sendRemaining,
    ]

    @Test(arguments: commands)
    func roundTrips(command: OATHCommand) throws {
        let bytes = try command.apdu.encoded()
        #expect(try OATHCommand(apdu: try CommandAPDU(decoding: bytes)) == command)
    }

    @Test func putLaysOutNameKeyPropertyAndCounter() throws {
        let put = OATHPut(
            name: [0x41], type: .init(kind: .hotp, algorithm: .sha256), digits: 6, key: [UInt8](repeating: 0xEE, count: 14),
            requireTouch: true, initialCounter: 0x0102_0304)
        let bytes = try OATHCommand.put(put).apdu.encoded()
        let expected: [UInt8] =
            [0x00, 0x01, 0x00, 0x00, 3 + 18 + 2 + 6, 0x71, 0x01, 0x41, 0x73, 16, 0x12, 0x06]
            + [UInt8](repeating: 0xEE, count: 14) + [0x78, 0x02, 0x7A, 0x04, 0x01, 0x02, 0x03, 0x04]
        #expect(bytes == expected)
    }

    /// A counter of 0 is not sent, so a card that receives one reads it as none: the command
    /// re-encodes to one that decodes the same (found by the oath-card fuzz target).
    @Test func aZeroInitialCounterReadsAsNone() throws {
        let data: [UInt8] = [0x71, 0x01, 0x41, 0x73, 16, 0x11, 0x06] + [UInt8](repeating: 0xEE, count: 14) + [0x7A, 0x04, 0, 0, 0, 0]
        let apdu = try CommandAPDU(decoding: [0x00, 0x01, 0x00, 0x00, UInt8(data.count)] + data)
        let command = try OATHCommand(apdu: apdu)
        guard case .put(let put) = command else { Issue.record("not a PUT: \(command)"); return }
        #expect(put.initialCounter == nil)
        #expect(try OATHCommand(apdu: command.apdu) == command)
    }

    @Test func theTimeChallengeIsTheStepBigEndian() {
        #expect(OATHCommand.timeChallenge(step: 0x0102_0304_0506_0708) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(OATHCommand.timeChallenge(step: 1) == [0, 0, 0, 0, 0, 0, 0, 1])
    }

    @Test func calculateAllIsNotSelect() throws {
        let apdu = try CommandAPDU(decoding: [0x00, 0xA4, 0x00, 0x01, 0x0A, 0x74, 0x08, 0, 0, 0, 0, 0, 0, 0, 1])
        #expect(try OATHCommand(apdu: apdu) == .calculateAll(challenge: [0, 0, 0, 0, 0, 0, 0, 1], truncate: true))
    }

    @Test func aNameOver64BytesIsRefusedByTheCardSide() throws {
        let put = OATHPut(name: [UInt8](repeating: 0x61, count: 65), type: .init(kind: .totp, algorithm: .sha1), digits: 6, key: [UInt8](repeating: 1, count: 14))
        let apdu = try CommandAPDU(decoding: try OATHCommand.put(put).apdu.encoded())
        #expect(throws: OATHWireError.nameTooLong(65)) { try OATHCommand(apdu: apdu) }
    }

    @Test func anUnknownInstructionIsNamed() throws {
        #expect(throws: OATHWireError.unknownInstruction(0x55)) { try OATHCommand(apdu: CommandAPDU(ins: 0x55)) }
    }

    @Test func typeBytesMapKindAndHash() throws {
        #expect(OATHCredentialType(kind: .totp, algorithm: .sha1).byte == 0x21)
        #expect(OATHCredentialType(kind: .hotp, algorithm: .sha512).byte == 0x13)
        #expect(try OATHCredentialType(byte: 0x22) == .init(kind: .totp, algorithm: .sha256))
        #expect(throws: OATHWireError.unknownCredentialType(0x31)) { try OATHCredentialType(byte: 0x31) }
        #expect(throws: OATHWireError.unknownCredentialType(0x24)) { try OATHCredentialType(byte: 0x24) }
    }
}
