import OATHWire
import OTPCore
import Testing

/// Responses both ways, and codes against RFC 4226 Appendix D and RFC 6238 Appendix B.
struct OATHResponseTests {
    static let rfcSeed20 = Array("12345678901234567890".utf8)
    static let rfcSeed32 = Array("12345678901234567890123456789012".utf8)
    static let rfcSeed64 = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    @Test func selectRoundTripsWithAndWithoutAPassword() throws {
        let open = OATHSelectResponse(version: [5, 4, 3], salt: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try OATHSelectResponse(decoding: open.encoded) == open)
        #expect(open.encoded == [0x79, 3, 5, 4, 3, 0x71, 8, 1, 2, 3, 4, 5, 6, 7, 8])
        let locked = OATHSelectResponse(version: [5, 4, 3], salt: [8, 7, 6, 5, 4, 3, 2, 1], challenge: [9, 9, 9, 9, 9, 9, 9, 9], algorithm: .sha1)
        #expect(try OATHSelectResponse(decoding: locked.encoded) == locked)
        #expect(Array(locked.encoded.suffix(3)) == [0x7B, 1, 0x01])
        #expect(locked.versionText == "5.4.3")
    }

    @Test func aCodeOfDigitsNoCredentialHasIsRefused() throws {
        for digits: UInt8 in [0, 5, 9, 162, 255] {
            #expect(throws: OATHWireError.self) {
                try OATHTruncatedCode.decodeCalculateResponse([0x76, 5, digits, 0x12, 0x34, 0x56, 0x78])
            }
            #expect(throws: OATHWireError.self) {
                try OATHCalculateAllEntry.decode([0x71, 1, 0x61, 0x77, 1, digits])
            }
        }
        #expect(try OATHTruncatedCode.decodeCalculateResponse([0x76, 5, 8, 0x12, 0x34, 0x56, 0x78]).code == "05419896")
        #expect(OATHTruncatedCode(digits: 255, value: 0x7FFF_FFFF).code.count == 255)
    }

    @Test func listRoundTrips() throws {
        let entries = [
            OATHListEntry(type: .init(kind: .totp, algorithm: .sha1), name: Array("Example:alice".utf8)),
            OATHListEntry(type: .init(kind: .hotp, algorithm: .sha512), name: Array("h".utf8)),
        ]
        let data = OATHListEntry.encode(entries)
        #expect(Array(data.prefix(3)) == [0x72, 14, 0x21])
        #expect(try OATHListEntry.decode(data) == entries)
    }

    /// RFC 4226 Appendix D: HMAC-SHA1 of counter 0 truncates to 1284755224, code 755224.
    @Test(arguments: [
        (UInt64(0), UInt32(1_284_755_224), "755224"), (1, 1_094_287_082, "287082"), (9, 645_520_489, "520489"),
    ])
    func truncationMatchesRFC4226(counter: UInt64, truncated: UInt32, code: String) {
        let hmac = OATHAccessKey.hmac(.sha1, key: Self.rfcSeed20, message: OATHCommand.timeChallenge(step: counter))
        let value = OATHTruncatedCode(digits: 6, hmac: hmac)
        #expect(value.value == truncated)
        #expect(value.code == code)
    }

    /// RFC 6238 Appendix B at T = 59 and T = 1111111109, 8 digits, period 30.
    @Test(arguments: [
        (OTPAlgorithm.sha1, Int64(59), "94287082"), (.sha256, 59, "46119246"), (.sha512, 59, "90693936"),
        (.sha1, 1_111_111_109, "07081804"), (.sha256, 1_111_111_109, "68084774"), (.sha512, 1_111_111_109, "25091201"),
    ])
    func codesMatchRFC6238(algorithm: OTPAlgorithm, time: Int64, code: String) throws {
        let seed = algorithm == .sha1 ? Self.rfcSeed20 : algorithm == .sha256 ? Self.rfcSeed32 : Self.rfcSeed64
        let hmac = OATHAccessKey.hmac(algorithm, key: seed, message: OATHCommand.timeChallenge(step: UInt64(time / 30)))
        let truncated = OATHTruncatedCode(digits: 8, hmac: hmac)
        #expect(truncated.code == code)
        #expect(try OATHTruncatedCode.decodeCalculateResponse(truncated.encoded) == truncated)
    }

    @Test func shortCodesArePaddedWithZeros() {
        #expect(OATHTruncatedCode(digits: 6, value: 1_107_081_804).code == "081804")
        #expect(OATHTruncatedCode(digits: 8, value: 12).code == "00000012")
    }

    @Test func calculateAllRoundTrips() throws {
        let entries = [
            OATHCalculateAllEntry(name: Array("a".utf8), result: .code(.init(digits: 6, value: 123_456))),
            OATHCalculateAllEntry(name: Array("b".utf8), result: .hotp(digits: 8)),
            OATHCalculateAllEntry(name: Array("c".utf8), result: .touch(digits: 6)),
        ]
        #expect(try OATHCalculateAllEntry.decode(OATHCalculateAllEntry.encode(entries)) == entries)
    }

    @Test func aKeyLongerThanTheBlockIsHashedAndAShortOnePadded() throws {
        let short = try Secret(hex: "0102")
        #expect(OATHAccessKey.putKey(for: short, algorithm: .sha1) == [1, 2] + [UInt8](repeating: 0, count: 12))
        let long = Secret(bytes: [UInt8](repeating: 0x61, count: 65))
        let hashed = OATHAccessKey.putKey(for: long, algorithm: .sha1)
        #expect(hashed.count == 20)
        // Both keys give the same HMAC, which is why the card may keep the shorter one (RFC 2104 §2).
        #expect(
            OATHAccessKey.hmac(.sha1, key: hashed, message: [1]) == OATHAccessKey.hmac(.sha1, key: [UInt8](repeating: 0x61, count: 65), message: [1]))
        #expect(OATHAccessKey.putKey(for: long, algorithm: .sha512).count == 65)
    }
}
