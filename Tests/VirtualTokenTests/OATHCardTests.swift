import OATHWire
import OTPCore
import Testing
import VirtualToken

/// The virtual OATH card through raw APDUs: what YKOATH says it answers, what it keeps in flash,
/// and how it fails.
struct OATHCardTests {
    static let rfcSeed = Array("12345678901234567890".utf8)

    final class Host {
        let card: OATHCard
        init(_ card: OATHCard) { self.card = card }

        func send(_ command: OATHCommand) throws -> ResponseAPDU {
            try ResponseChaining.transmitAll(command.apdu) { (apdu: [UInt8]) throws(OATHWireError) -> [UInt8] in
                guard let answer = try? card.transmit(apdu) else { throw .truncated("no answer") }
                return answer
            }
        }

        func put(_ name: String, kind: OATHCredentialType.Kind = .totp, key: [UInt8] = OATHCardTests.rfcSeed, digits: UInt8 = 8, touch: Bool = false, counter: UInt32? = nil) throws -> StatusWord {
            try send(.put(OATHPut(name: Array(name.utf8), type: .init(kind: kind, algorithm: .sha1), digits: digits, key: key, requireTouch: touch, initialCounter: counter))).status
        }
    }

    func newCard(_ medium: MemoryFlashMedium = MemoryFlashMedium()) throws -> Host {
        let host = Host(try OATHCard(medium: medium, serial: 12_345_678))
        #expect(try host.send(.select).status == .success)
        return host
    }

    @Test func selectReportsVersionAndSaltAndNoChallengeWithoutAPassword() throws {
        let host = Host(try OATHCard(medium: MemoryFlashMedium()))
        let response = try host.send(.select)
        let select = try OATHSelectResponse(decoding: response.data)
        #expect(select.versionText == "5.4.3" && select.salt.count == 8 && select.challenge == nil)
    }

    @Test func anotherApplicationIsNotFound() throws {
        let host = try newCard()
        let management = CommandAPDU(ins: 0xA4, p1: 0x04, data: [0xA0, 0x00, 0x00, 0x05, 0x27, 0x47, 0x11, 0x17])
        #expect(try host.card.transmit(try management.encoded()) == [0x6A, 0x82])
    }

    @Test func totpCodesAreRFC6238sForTheHostsStep() throws {
        let host = try newCard()
        #expect(try host.put("Example:alice") == .success)
        let response = try host.send(.calculate(name: Array("Example:alice".utf8), challenge: OATHCommand.timeChallenge(step: 59 / 30), truncate: true))
        #expect(try OATHTruncatedCode.decodeCalculateResponse(response.data).code == "94287082")
    }

    @Test func hotpCountsFromItsInitialCounterAndKeepsTheCountInFlash() throws {
        let medium = MemoryFlashMedium()
        var host = try newCard(medium)
        #expect(try host.put("h", kind: .hotp, digits: 6, counter: 1) == .success)
        let first = try host.send(.calculate(name: Array("h".utf8), challenge: [], truncate: true))
        #expect(try OATHTruncatedCode.decodeCalculateResponse(first.data).code == "287082")  // RFC 4226 counter 1
        host = try newCard(medium)
        let second = try host.send(.calculate(name: Array("h".utf8), challenge: [], truncate: true))
        #expect(try OATHTruncatedCode.decodeCalculateResponse(second.data).code == "359152")  // counter 2
    }

    @Test func aThirtyThirdCredentialFindsNoSpace() throws {
        let host = try newCard()
        for index in 0..<32 { #expect(try host.put("account-\(index)") == .success) }
        #expect(try host.put("one-too-many") == .noSpace)
        #expect(try host.put("account-7") == .success)  // the same name replaces in place
    }

    @Test func listOf32LongNamesIsChainedWithSendRemaining() throws {
        let host = try newCard()
        let names = (0..<32).map { String(format: "%02d", $0) + String(repeating: "n", count: 62) }
        for name in names { #expect(try host.put(name) == .success) }
        let first = try host.card.transmit(try OATHCommand.list.apdu.encoded())!
        #expect(first.count == 257 && first[255] == 0x61)
        let entries = try OATHListEntry.decode(try host.send(.list).data)
        #expect(entries.map { String(decoding: $0.name, as: UTF8.self) } == names)
    }

    @Test func deleteOfAnUnknownNameIsNoSuchObject() throws {
        let host = try newCard()
        #expect(try host.send(.delete(name: Array("nobody".utf8))).status == .noSuchObject)
    }

    @Test func aTouchCredentialWithoutAUserIsRefusedAndListedAsTouchInCalculateAll() throws {
        let host = try newCard()
        #expect(try host.put("t", touch: true) == .success)
        #expect(try host.send(.calculate(name: Array("t".utf8), challenge: OATHCommand.timeChallenge(step: 1), truncate: true)).status == .conditionsNotSatisfied)
        let all = try OATHCalculateAllEntry.decode(try host.send(.calculateAll(challenge: OATHCommand.timeChallenge(step: 1), truncate: true)).data)
        #expect(all == [OATHCalculateAllEntry(name: Array("t".utf8), result: .touch(digits: 8))])
        host.card.touchAvailable = true
        #expect(try host.send(.calculate(name: Array("t".utf8), challenge: OATHCommand.timeChallenge(step: 1), truncate: true)).status == .success)
    }

    @Test func aPasswordLocksEverythingButValidateAndReset() throws {
        let host = try newCard()
        #expect(try host.put("kept") == .success)
        let key = OATHAccessKey.derive(password: Array("hunter2".utf8), salt: host.card.salt)
        let challenge: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let code = OATHSetCode(algorithm: .init(kind: .totp, algorithm: .sha1), key: key, challenge: challenge, response: OATHAccessKey.hmac(.sha1, key: key, message: challenge))
        #expect(try host.send(.setCode(code)).status == .success)
        let select = try OATHSelectResponse(decoding: try host.send(.select).data)
        let cardChallenge = try #require(select.challenge)
        #expect(select.algorithm == .sha1)
        #expect(try host.send(.list).status == .authRequired)
        // A wrong answer is refused, and the card's challenge is then spent.
        #expect(try host.send(.validate(response: [UInt8](repeating: 0, count: 20), challenge: challenge)).status == .noSuchObject)
        #expect(try host.send(.validate(response: OATHAccessKey.hmac(.sha1, key: key, message: cardChallenge), challenge: challenge)).status == .noSuchObject)
        let again = try #require(try OATHSelectResponse(decoding: try host.send(.select).data).challenge)
        let validated = try host.send(.validate(response: OATHAccessKey.hmac(.sha1, key: key, message: again), challenge: challenge))
        #expect(validated.status == .success)
        #expect(try TLV.parse(validated.data) == [TLV(OATHTag.response, OATHAccessKey.hmac(.sha1, key: key, message: challenge))])
        #expect(try OATHListEntry.decode(try host.send(.list).data).count == 1)
    }

    @Test func resetClearsCredentialsAndPasswordAndMakesANewSalt() throws {
        let host = try newCard()
        let salt = host.card.salt
        #expect(try host.put("gone") == .success)
        #expect(try host.send(.reset).status == .success)
        #expect(host.card.salt != salt)
        #expect(try host.send(.select).status == .success)
        #expect(try host.send(.list).data.isEmpty)
        #expect(host.card.serial == 12_345_678)
    }

    @Test func aPowerCutDuringPutLeavesTheOldCredentialOrTheNew() throws {
        for steps in 0..<6 {
            let medium = MemoryFlashMedium()
            var host = try newCard(medium)
            #expect(try host.put("a", key: [UInt8](repeating: 1, count: 20)) == .success)
            host.card.cutPower(afterFlashSteps: steps)
            _ = try? host.put("a", key: [UInt8](repeating: 2, count: 20))
            host = try newCard(medium)
            let code = try OATHTruncatedCode.decodeCalculateResponse(try host.send(.calculate(name: [0x61], challenge: [0, 0, 0, 0, 0, 0, 0, 1], truncate: true)).data)
            let old = OATHTruncatedCode(digits: 8, hmac: OATHAccessKey.hmac(.sha1, key: [UInt8](repeating: 1, count: 20), message: [0, 0, 0, 0, 0, 0, 0, 1]))
            let new = OATHTruncatedCode(digits: 8, hmac: OATHAccessKey.hmac(.sha1, key: [UInt8](repeating: 2, count: 20), message: [0, 0, 0, 0, 0, 0, 0, 1]))
            #expect(code == old || code == new, "power cut after \(steps) steps")
        }
    }

    @Test func faultsRemoveStallAndCorrupt() throws {
        let host = try newCard()
        host.card.faults.stalled = true
        #expect(try host.card.transmit(try OATHCommand.list.apdu.encoded()) == nil)
        host.card.faults.stalled = false
        host.card.faults.corruptOutgoing = 1
        #expect(try host.card.transmit(try OATHCommand.list.apdu.encoded()) == [0x90 ^ 0x5A, 0x00])
        host.card.faults.disconnected = true
        #expect(throws: DisconnectedError.self) { try host.card.transmit(try OATHCommand.list.apdu.encoded()) }
    }

    @Test func commandsBeforeSelectAreRefused() throws {
        let card = try OATHCard(medium: MemoryFlashMedium())
        #expect(try card.transmit(try OATHCommand.list.apdu.encoded()) == [0x69, 0x85])
    }
}
