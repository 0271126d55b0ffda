import TokenModel
import Crypto
import OTPCore
import PropertyBased
import Testing
import TokenWire

struct MessageCodecTests {
    static let configuration = SlotConfiguration(
        kind: .totp(period: 30), algorithm: .sha256, digits: 8, issuer: "ACME", account: "zoë")

    /// The PUT_SLOT layout of §5.5, written out by hand.
    @Test func putSlotEncodesAsTheSpecSays() {
        let request = TokenRequest.putSlot(
            SlotWrite(
                slot: SlotIndex(2), configuration: Self.configuration, seed: .plain(Secret(bytes: [0xAA, 0xBB])),
                overwrite: true))
        let expected: [UInt8] = [
            0x05,
            0x01, 0x01, 0x02,  // slot 2
            0x02, 0x01, 0x01,  // TOTP
            0x03, 0x01, 0x02,  // SHA256
            0x04, 0x01, 0x08,  // 8 digits
            0x05, 0x04, 0x00, 0x00, 0x00, 0x1E,  // period 30
            0x07, 0x04, 0x41, 0x43, 0x4D, 0x45,  // issuer "ACME"
            0x08, 0x04, 0x7A, 0x6F, 0xC3, 0xAB,  // account "zoë"
            0x09, 0x02, 0xAA, 0xBB,  // secret
            0x1C, 0x01, 0x01,  // overwrite
        ]
        #expect(request.encoded() == expected)
    }

    static let requests: [TokenRequest] = [
        .getInfo, .getTime, .attest, .setPIN(PIN("1234")), .verifyPIN(PIN("éàü1")),
        .changePIN(current: PIN("1234"), new: PIN("98765432")),
        .putSlot(SlotWrite(slot: .firstFree, configuration: configuration, seed: .wrapped([1, 2, 3]))),
        .putSlot(
            SlotWrite(
                slot: SlotIndex(31),
                configuration: SlotConfiguration(
                    kind: .hotp(counter: .max), algorithm: .sha1, digits: 10, issuer: "", account: "a"),
                seed: .plain(Secret(bytes: [UInt8](repeating: 7, count: 64))))),
        .deleteSlot(SlotIndex(0)), .listSlots(start: SlotIndex(8)), .calculate(SlotIndex(1), time: nil),
        .calculate(SlotIndex(1), time: 20_000_000_000), .setTime(1_700_000_000),
        .factoryReset(confirmation: TokenRequest.factoryResetConfirmation),
    ]

    @Test(arguments: requests)
    func everyRequestDecodesToItself(request: TokenRequest) throws {
        #expect(try TokenRequest(decoding: request.encoded()) == request)
    }

    @Test func responsePayloadsRoundTrip() throws {
        let info = TokenInfo(
            serial: "TF0001", firmwareVersion: [1, 0, 0], capabilities: [.totp, .clock], slotCount: 32, freeSlots: 30,
            algorithms: [.sha1, .sha512], time: 42, pinRetries: 3, pinSet: true)
        #expect(try TokenInfo(fields: info.fields) == info)
        let list = SlotList(
            entries: [SlotEntry(slot: SlotIndex(4), configuration: Self.configuration)], next: SlotIndex(9))
        #expect(try SlotList(fields: list.fields) == list)
        let code = CalculatedCode(code: "0012345678", counter: 7)
        #expect(try CalculatedCode(fields: code.fields) == code)
    }

    @Test func malformedRequestsAreTypedErrors() {
        #expect(throws: MessageError.empty) { try TokenRequest(decoding: []) }
        #expect(throws: MessageError.unknownCommand(0x42)) { try TokenRequest(decoding: [0x42]) }
        #expect(throws: MessageError.truncatedField(offset: 0)) {
            try TokenRequest(decoding: [0x03, 0x0D, 0x05, 0x31])
        }
        #expect(throws: MessageError.missingField(.pin)) { try TokenRequest(decoding: [0x03]) }
        #expect(throws: MessageError.invalidField(.time)) { try TokenRequest(decoding: [0x09, 0x0B, 0x01, 0x00]) }
        #expect(throws: MessageError.unsupportedValue(.algorithm)) {
            try TokenRequest(decoding: [
                0x05, 0x01, 0x01, 0x00, 0x02, 0x01, 0x01, 0x03, 0x01, 0x04, 0x04, 0x01, 0x06, 0x05, 0x04, 0, 0, 0, 30,
                0x08, 0x01, 0x61, 0x09, 0x01, 0x01,
            ])
        }
    }

    @Test func randomBytesNeverCrashTheDecoders() async {
        await propertyCheck(count: 2_000, input: Gen.uint8().array(of: 0...80)) { bytes in
            _ = try? TokenRequest(decoding: bytes)
            _ = try? TokenResponse(decoding: bytes)
            var assembler = FrameAssembler()
            _ = assembler.receive(bytes + [UInt8](repeating: 0, count: max(0, 64 - bytes.count)), now: 0)
        }
    }

    @Test func pinsAreRedacted() {
        #expect("\(PIN("123456"))" == "PIN(redacted)")
    }
}

struct SeedWrapTests {
    let token = P256.KeyAgreement.PrivateKey()
    let configuration = SlotConfiguration(
        kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: "", account: "a")

    @Test func aWrappedSeedOpensOnlyWithTheTokenKeyAndItsSlotParameters() throws {
        let secret = Secret(bytes: Array("12345678901234567890".utf8))
        let wrapped = try SeedWrap.wrap(secret, to: token.publicKey, slot: SlotIndex(1), configuration: configuration)
        #expect(wrapped.count == 65 + 20 + 16)
        #expect(SeedWrap.unwrap(wrapped, with: token, slot: SlotIndex(1), configuration: configuration) == secret)
        #expect(
            SeedWrap.unwrap(
                wrapped, with: P256.KeyAgreement.PrivateKey(), slot: SlotIndex(1), configuration: configuration) == nil)
        #expect(SeedWrap.unwrap(wrapped, with: token, slot: SlotIndex(2), configuration: configuration) == nil)
        var eightDigits = configuration
        eightDigits.digits = 8
        #expect(SeedWrap.unwrap(wrapped, with: token, slot: SlotIndex(1), configuration: eightDigits) == nil)
        #expect(
            SeedWrap.unwrap(Array(wrapped.prefix(80)), with: token, slot: SlotIndex(1), configuration: configuration)
                == nil)
    }

    @Test func everyWrapUsesAFreshEphemeralKey() throws {
        let secret = Secret(bytes: [1, 2, 3, 4])
        let first = try SeedWrap.wrap(secret, to: token.publicKey, slot: SlotIndex(0), configuration: configuration)
        let second = try SeedWrap.wrap(secret, to: token.publicKey, slot: SlotIndex(0), configuration: configuration)
        #expect(first != second)
    }
}
