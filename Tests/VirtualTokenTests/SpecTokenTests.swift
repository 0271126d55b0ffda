import TokenModel
import Crypto
import Foundation
import OTPCore
import TestSupport
import Testing
import TokenWire
import VirtualToken

struct SpecTokenTests {
    @Test func aFreshTokenReportsItsIdentityAndEmptySlots() throws {
        let host = try TestHost(token: makeToken())
        let info = try TokenInfo(fields: host.ok(.getInfo).fields)
        #expect(info.slotCount == 32)
        #expect(info.freeSlots == 32)
        #expect(info.pinSet == false)
        #expect(info.pinRetries == 8)
        #expect(info.time == nil)
        #expect(info.algorithms == [.sha1, .sha256, .sha512])
        #expect(info.capabilities.contains([.totp, .hotp, .wrappedSeedImport, .attestation]))
    }

    @Test func pingEchoesOnAnAllocatedChannelOnly() throws {
        let host = try TestHost(token: makeToken())
        let payload = Array(0..<100).map { UInt8($0) }
        #expect(try host.exchange(Frame(channel: host.channel, command: .ping, payload: payload)).payload == payload)
        let stranger = try host.exchange(Frame(channel: ChannelID(rawValue: 42), command: .ping, payload: [1]))
        #expect(stranger == Frame(channel: ChannelID(rawValue: 42), command: .error, payload: [0x0B]))
    }

    @Test func slotCommandsNeedAPINThatIsSetAndVerifiedOnTheChannel() throws {
        let host = try TestHost(token: makeToken())
        #expect(try host.send(totpSlot(0)).status == .pinNotSet)
        try host.ok(.setPIN(PIN("123456")))
        #expect(try host.send(totpSlot(0)).status == .pinRequired)
        try host.ok(.verifyPIN(PIN("123456")))
        try host.ok(totpSlot(0))
        let otherChannel = try host.allocateChannel(nonce: [9, 9, 9, 9, 9, 9, 9, 9])
        #expect(try host.send(.calculate(SlotIndex(0), time: 59), on: otherChannel).status == .pinRequired)
    }

    @Test func calculateGivesTheRFC6238CodesForEveryAlgorithm() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        let seeds: [(OTPAlgorithm, String, String)] = [
            (.sha1, "12345678901234567890", "94287082"),
            (.sha256, "12345678901234567890123456789012", "46119246"),
            (.sha512, "1234567890123456789012345678901234567890123456789012345678901234", "90693936"),
        ]
        for (index, (algorithm, seed, expected)) in seeds.enumerated() {
            try host.ok(totpSlot(index, secret: Array(seed.utf8), algorithm: algorithm))
            #expect(try host.code(index, at: 59) == expected)
        }
    }

    @Test func calculateUsesTheTokensClockOnceSet() throws {
        let clock = ManualDeviceClock(seconds: 5_000)
        let host = try TestHost(token: makeToken(clock: clock))
        try host.unlock()
        try host.ok(totpSlot(0))
        #expect(try host.send(.calculate(SlotIndex(0), time: nil)).status == .timeNotSet)
        try host.ok(.setTime(1_111_111_109))
        #expect(try host.code(0) == "07081804")
        clock.advance(seconds: 2)
        #expect(try host.code(0) == "14050471")
        #expect(try TokenInfo(fields: host.ok(.getInfo).fields).time == 1_111_111_111)
    }

    @Test func hotpCountsUpAndNeverRepeatsACode() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        let configuration = SlotConfiguration(
            kind: .hotp(counter: 0), algorithm: .sha1, digits: 6, issuer: "", account: "bob")
        try host.ok(
            .putSlot(
                SlotWrite(
                    slot: SlotIndex(3), configuration: configuration,
                    seed: .plain(Secret(bytes: Array("12345678901234567890".utf8))))))
        let codes = try (0..<4).map { _ in try host.code(3) }
        #expect(codes == ["755224", "287082", "359152", "969429"])
        let list = try SlotList(fields: host.ok(.listSlots(start: SlotIndex(0))).fields)
        #expect(list.entries.first?.configuration.kind == .hotp(counter: 4))
    }

    @Test func aWrongPINCountsDownThenBlocksEvenTheRightPIN() throws {
        let host = try TestHost(token: makeToken())
        try host.ok(.setPIN(PIN("123456")))
        for expected in stride(from: 7, through: 1, by: -1) {
            let response = try host.send(.verifyPIN(PIN("000000")))
            #expect(response.status == .pinInvalid)
            #expect(response.pinRetries == expected)
        }
        let last = try host.send(.verifyPIN(PIN("000000")))
        #expect(last.status == .pinBlocked)
        #expect(last.pinRetries == 0)
        #expect(try host.send(.verifyPIN(PIN("123456"))).status == .pinBlocked)
        #expect(try host.send(.changePIN(current: PIN("123456"), new: PIN("654321"))).status == .pinBlocked)
    }

    @Test func aRightPINRestoresTheRetries() throws {
        let host = try TestHost(token: makeToken())
        try host.ok(.setPIN(PIN("123456")))
        _ = try host.send(.verifyPIN(PIN("000000")))
        try host.ok(.verifyPIN(PIN("123456")))
        #expect(try TokenInfo(fields: host.ok(.getInfo).fields).pinRetries == 8)
    }

    @Test func pinPolicyAndStateErrorsAreDistinct() throws {
        let host = try TestHost(token: makeToken())
        #expect(try host.send(.verifyPIN(PIN("123456"))).status == .pinNotSet)
        #expect(try host.send(.setPIN(PIN("123"))).status == .pinPolicy)
        #expect(try host.send(.setPIN(PIN(String(repeating: "9", count: 33)))).status == .pinPolicy)
        try host.ok(.setPIN(PIN("123456")))
        #expect(try host.send(.setPIN(PIN("654321"))).status == .pinAlreadySet)
        #expect(try host.send(.changePIN(current: PIN("123456"), new: PIN("12"))).status == .pinPolicy)
        try host.ok(.changePIN(current: PIN("123456"), new: PIN("654321")))
        #expect(try host.send(.verifyPIN(PIN("123456"))).status == .pinInvalid)
        try host.ok(.verifyPIN(PIN("654321")))
    }

    @Test func slotErrorsAreDistinct() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        try host.ok(totpSlot(0))
        #expect(try host.send(totpSlot(0)).status == .slotOccupied)
        try host.ok(totpSlot(0, overwrite: true))
        #expect(try host.send(totpSlot(32)).status == .slotOutOfRange)
        #expect(try host.send(.calculate(SlotIndex(5), time: 0)).status == .slotEmpty)
        #expect(try host.send(.deleteSlot(SlotIndex(5))).status == .slotEmpty)
        #expect(try host.send(totpSlot(1, digits: 11)).status == .unsupportedParameter)
        #expect(try host.send(totpSlot(1, digits: 5)).status == .unsupportedParameter)
        #expect(try host.send(totpSlot(1, secret: [UInt8](repeating: 1, count: 65))).status == .unsupportedParameter)
        #expect(try host.send(totpSlot(1, period: 0)).status == .unsupportedParameter)
        for index in 1..<32 { try host.ok(totpSlot(0xFF, account: "user\(index)")) }
        #expect(try TokenInfo(fields: host.ok(.getInfo).fields).freeSlots == 0)
        #expect(try host.send(totpSlot(0xFF)).status == .slotsFull)
    }

    @Test func putSlotWithFirstFreeAnswersTheSlotItUsed() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        try host.ok(totpSlot(0))
        try host.ok(totpSlot(2))
        #expect(try host.ok(totpSlot(0xFF)).fields == [TLV(.slot, byte: 1)])
    }

    @Test func listSlotsPagesMetadataInEightsAndNeverTheSecret() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        let secret = Array("SECRET-SEED-BYTES-20".utf8)
        for index in 0..<20 { try host.ok(totpSlot(index, secret: secret, account: "user\(index)")) }
        var start = SlotIndex(0)
        var seen: [Int] = []
        while true {
            let response = try host.ok(.listSlots(start: start))
            #expect(!response.encoded().containsSubsequence(secret))
            let page = try SlotList(fields: response.fields)
            #expect(page.entries.count <= 8)
            seen += page.entries.map { Int($0.slot.rawValue) }
            guard let next = page.next else { break }
            start = next
        }
        #expect(seen == Array(0..<20))
    }

    @Test func deleteWipesTheSecretBytesFromFlash() throws {
        let medium = MemoryFlashMedium()
        let host = try TestHost(token: makeToken(medium: medium))
        try host.unlock()
        let secret = Array("WIPE-ME-PLEASE-NOW!!".utf8)
        try host.ok(totpSlot(4, secret: secret))
        #expect(medium.bytes.containsSubsequence(secret))
        try host.ok(.deleteSlot(SlotIndex(4)))
        #expect(!medium.bytes.containsSubsequence(secret))
        #expect(try host.send(.calculate(SlotIndex(4), time: 0)).status == .slotEmpty)
    }

    @Test func overwriteWipesTheOldSecret() throws {
        let medium = MemoryFlashMedium()
        let host = try TestHost(token: makeToken(medium: medium))
        try host.unlock()
        let old = Array("OLD-SECRET-OLD-SECRE".utf8)
        try host.ok(totpSlot(0, secret: old))
        try host.ok(totpSlot(0, overwrite: true))
        #expect(!medium.bytes.containsSubsequence(old))
    }

    @Test func factoryResetNeedsTheConfirmationAndWipesEverything() throws {
        let medium = MemoryFlashMedium()
        let token = try makeToken(medium: medium)
        let host = try TestHost(token: token)
        try host.unlock()
        let secret = Array("RESET-SECRET-BYTES-1".utf8)
        try host.ok(totpSlot(0, secret: secret))
        for _ in 0..<3 { _ = try host.send(.verifyPIN(PIN("999999"))) }
        #expect(try host.send(.factoryReset(confirmation: "yes")).status == .confirmationRequired)
        try host.ok(.factoryReset(confirmation: TokenRequest.factoryResetConfirmation))
        #expect(!medium.bytes.containsSubsequence(secret))
        let info = try TokenInfo(fields: host.ok(.getInfo).fields)
        #expect(info.freeSlots == 32)
        #expect(info.pinSet == false)
        #expect(info.pinRetries == 8)
        #expect(info.serial == token.identity.serial)
        #expect(try host.send(totpSlot(0)).status == .pinNotSet)
    }

    @Test func attestationVerifiesUnderTheManufacturerKeyOnly() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        let attestation = try Attestation(fields: host.ok(.attest).fields)
        #expect(attestation.serial == token.identity.serial)
        #expect(attestation.verifiedKey(manufacturerKey: ManufacturerKeys.test) != nil)
        #expect(attestation.verifiedKey(manufacturerKey: P256.Signing.PrivateKey().publicKey) == nil)
        var forged = attestation
        forged.serial = "TF-FORGED"
        #expect(forged.verifiedKey(manufacturerKey: ManufacturerKeys.test) == nil)
    }

    @Test func wrappedSeedsImportToTheAttestedKeyAndAreBoundToTheirSlot() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        let attestation = try Attestation(fields: host.ok(.attest).fields)
        let tokenKey = try #require(attestation.verifiedKey(manufacturerKey: ManufacturerKeys.test))
        let configuration = SlotConfiguration(
            kind: .totp(period: 30), algorithm: .sha1, digits: 8, issuer: "ACME", account: "zoe")
        let secret = Secret(bytes: Array("12345678901234567890".utf8))
        let wrapped = try SeedWrap.wrap(secret, to: tokenKey, slot: SlotIndex(2), configuration: configuration)
        #expect(!wrapped.containsSubsequence(Array("12345678901234567890".utf8)))
        let moved = SlotWrite(slot: SlotIndex(3), configuration: configuration, seed: .wrapped(wrapped))
        #expect(try host.send(.putSlot(moved)).status == .decryptionFailed)
        var tampered = wrapped
        tampered[70] ^= 1
        let damaged = SlotWrite(slot: SlotIndex(2), configuration: configuration, seed: .wrapped(tampered))
        #expect(try host.send(.putSlot(damaged)).status == .decryptionFailed)
        try host.ok(.putSlot(SlotWrite(slot: SlotIndex(2), configuration: configuration, seed: .wrapped(wrapped))))
        #expect(try host.code(2, at: 59) == "94287082")
    }

    @Test func codesMatchOathtool() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        var random = SplitMix64(seed: 99)
        for index in 0..<20 {
            let secret = (0..<20).map { _ in UInt8.random(in: 0...255, using: &random) }
            let algorithm = OTPAlgorithm.allCases[index % 3]
            let time = UInt64.random(in: 0...4_000_000_000, using: &random)
            try host.ok(totpSlot(index, secret: secret, algorithm: algorithm, digits: 6 + index % 3, period: 30))
            let expected = try oathtool([
                "--totp=\(algorithm.rawValue)", "--digits=\(6 + index % 3)", "--now=@\(time)", Hex.encode(secret),
            ])
            #expect(try host.code(index, at: time) == expected)
        }
    }
}


extension Array where Element == UInt8 {
    func containsSubsequence(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, count >= needle.count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
