import TokenModel
import Crypto
import Foundation
import OTPCore
import Testing
import TokenWire
import VirtualToken

/// Replays firmware-spec/vectors/ against the virtual token, report for report.
/// `TOKENFORGE_WRITE_VECTORS=1 swift test --filter ConformanceVectorTests` rewrites them from the
/// scenarios below after a deliberate protocol change.
struct ConformanceVectorTests {
    @Test func theVirtualTokenAnswersEveryVectorByteForByte() throws {
        if ProcessInfo.processInfo.environment["TOKENFORGE_WRITE_VECTORS"] == "1" {
            // Keep the committed identity: its attestation signature is not reproducible.
            let identity = (try? ConformanceVector.loadAll().first?.identity) ?? VectorRecorder.newIdentity()
            for scenario in VectorScenarios.all { try scenario(identity).write() }
        }
        let vectors = try ConformanceVector.loadAll()
        #expect(vectors.count == VectorScenarios.all.count)
        for vector in vectors {
            let (token, clock) = try vector.makeToken()
            for (index, step) in vector.steps.enumerated() {
                if let advance = step.advanceMilliseconds { clock.advance(milliseconds: advance) }
                var replies: [String] = []
                for report in step.request { replies += try token.receive(Hex.decode(report)).map(Hex.encode) }
                #expect(replies == step.response, "\(vector.name) step \(index): \(step.note)")
            }
        }
    }

    @Test func theScenariosStillProduceTheCommittedVectors() throws {
        let committed = try ConformanceVector.loadAll()
        for scenario in VectorScenarios.all {
            let fresh = try scenario(try #require(committed.first).identity)
            let stored = try #require(committed.first { $0.name == fresh.name }, "missing vector \(fresh.name)")
            #expect(stored.steps.map(\.request) == fresh.steps.map(\.request), "\(fresh.name)")
            #expect(stored.steps.map(\.response) == fresh.steps.map(\.response), "\(fresh.name)")
        }
    }

    @Test func theVectorsCoverEveryCommandAndStatus() throws {
        var commands: Set<UInt8> = []
        var statuses: Set<UInt8> = []
        var framingErrors: Set<UInt8> = []
        for vector in try ConformanceVector.loadAll() {
            for step in vector.steps {
                for report in try step.request.map(Hex.decode) where report[4] == 0x83 { commands.insert(report[7]) }
                for report in try step.response.map(Hex.decode) {
                    if report[4] == 0x83 { statuses.insert(report[7]) }
                    if report[4] == 0xBF { framingErrors.insert(report[7]) }
                }
            }
        }
        #expect(commands.isSuperset(of: TokenCommand.allCases.map(\.rawValue)))
        #expect(statuses == Set(TokenStatus.allCases.map(\.rawValue)).subtracting([TokenStatus.flashFailure.rawValue]))
        #expect(framingErrors == [0x01, 0x03, 0x04, 0x05, 0x06, 0x0B])
    }
}

enum VectorScenarios {
    static let all: [@Sendable (ConformanceVector.Identity) throws -> ConformanceVector] = [
        transport, pin, slots, wrappedImport, protectedPIN, protocol10Token,
    ]
    static let seed = Secret(bytes: Array("12345678901234567890".utf8))

    static func transport(identity: ConformanceVector.Identity) throws -> ConformanceVector {
        let recorder = try VectorRecorder(
            name: "01-transport", description: "Channel allocation, PING, and every framing error.", identity: identity)
        try recorder.initialise()
        let channel = recorder.channel
        try recorder.frame(
            "PING across three packets", Frame(channel: channel, command: .ping, payload: (0..<130).map { UInt8($0) }))
        try recorder.request("GET_INFO of a new token", .getInfo)
        try recorder.request("GET_TIME before SET_TIME", .getTime)
        let header = withUnsafeBytes(of: channel.rawValue.bigEndian, Array.init)
        func report(_ bytes: [UInt8], on cid: [UInt8]? = nil) -> [UInt8] {
            let start = (cid ?? header) + bytes
            return start + [UInt8](repeating: 0, count: 64 - start.count)
        }
        try recorder.raw("continuation out of sequence", [report([0x81, 0x00, 0x64]), report([0x01])])
        try recorder.raw("an unknown transport command", [report([0x99, 0x00, 0x00])])
        try recorder.raw("a length over 2048", [report([0x83, 0x08, 0x01])])
        try recorder.raw("MSG on an unallocated channel", [report([0x83, 0x00, 0x01, 0x01], on: [0, 0, 0, 0x2A])])
        let other = ChannelID(rawValue: 0x0BAD_CAFE)
        try recorder.raw(
            "another channel while a message is pending: busy",
            [
                report([0x81, 0x00, 0x64]),
                report([0x81, 0x00, 0x01, 0x00], on: withUnsafeBytes(of: other.rawValue.bigEndian, Array.init)),
            ])
        try recorder.raw(
            "the pending message times out after 500 ms; the next report is served",
            [report([0x81, 0x00, 0x01, 0x55])], advance: 501)
        try recorder.frame(
            "INIT on the allocated channel resynchronises it",
            Frame(channel: channel, command: .initialise, payload: [1, 2, 3, 4, 5, 6, 7, 8]))
        try recorder.frame("an empty MSG", Frame(channel: channel, command: .message, payload: []))
        try recorder.frame("an unknown command", Frame(channel: channel, command: .message, payload: [0x77]))
        try recorder.frame(
            "a field running past the end",
            Frame(channel: channel, command: .message, payload: [0x03, 0x0D, 0x09, 0x31]))
        try recorder.frame(
            "VERIFY_PIN without its PIN field", Frame(channel: channel, command: .message, payload: [0x03]))
        return recorder.vector
    }

    static func pin(identity: ConformanceVector.Identity) throws -> ConformanceVector {
        let recorder = try VectorRecorder(
            name: "02-pin", description: "PIN policy, retry counter, lockout and factory reset.", identity: identity)
        try recorder.initialise()
        try recorder.request("VERIFY_PIN before any PIN is set", .verifyPIN(PIN("123456")))
        try recorder.request("a slot command before any PIN is set", .listSlots(start: SlotIndex(0)))
        try recorder.request("SET_PIN too short", .setPIN(PIN("123")))
        try recorder.request("SET_PIN", .setPIN(PIN("123456")))
        try recorder.request("SET_PIN again", .setPIN(PIN("654321")))
        try recorder.request("a slot command on a locked channel", .listSlots(start: SlotIndex(0)))
        for attempt in 1...7 { try recorder.request("wrong PIN, attempt \(attempt)", .verifyPIN(PIN("000000"))) }
        try recorder.request("VERIFY_PIN right after seven failures", .verifyPIN(PIN("123456")))
        try recorder.request("CHANGE_PIN", .changePIN(current: PIN("123456"), new: PIN("24681357")))
        for attempt in 1...8 { try recorder.request("wrong PIN, attempt \(attempt)", .verifyPIN(PIN("000000"))) }
        try recorder.request("the right PIN once blocked", .verifyPIN(PIN("24681357")))
        try recorder.request("FACTORY_RESET without the confirmation", .factoryReset(confirmation: ""))
        try recorder.request("FACTORY_RESET", .factoryReset(confirmation: TokenRequest.factoryResetConfirmation))
        try recorder.request("GET_INFO after the reset", .getInfo)
        return recorder.vector
    }

    static func slots(identity: ConformanceVector.Identity) throws -> ConformanceVector {
        let recorder = try VectorRecorder(
            name: "03-slots", description: "Slot writes, codes, listing, deletion, clock and slot errors.",
            identity: identity)
        try recorder.initialise()
        try recorder.request("SET_PIN", .setPIN(PIN("123456")))
        try recorder.request("VERIFY_PIN", .verifyPIN(PIN("123456")))
        let totp = SlotConfiguration(
            kind: .totp(period: 30), algorithm: .sha1, digits: 8, issuer: "ACME", account: "alice")
        try recorder.request(
            "PUT_SLOT 0: TOTP SHA1, 8 digits",
            .putSlot(SlotWrite(slot: SlotIndex(0), configuration: totp, seed: .plain(seed))))
        try recorder.request(
            "PUT_SLOT 0 again without OVERWRITE",
            .putSlot(SlotWrite(slot: SlotIndex(0), configuration: totp, seed: .plain(seed))))
        try recorder.request(
            "PUT_SLOT 0 with OVERWRITE",
            .putSlot(SlotWrite(slot: SlotIndex(0), configuration: totp, seed: .plain(seed), overwrite: true)))
        try recorder.request(
            "PUT_SLOT 32: out of range",
            .putSlot(SlotWrite(slot: SlotIndex(32), configuration: totp, seed: .plain(seed))))
        var elevenDigits = totp
        elevenDigits.digits = 11
        try recorder.request(
            "PUT_SLOT with 11 digits",
            .putSlot(SlotWrite(slot: SlotIndex(1), configuration: elevenDigits, seed: .plain(seed))))
        try recorder.request("CALCULATE slot 0 at 59 (RFC 6238: 94287082)", .calculate(SlotIndex(0), time: 59))
        try recorder.request("CALCULATE slot 0 on the token's clock, not yet set", .calculate(SlotIndex(0), time: nil))
        try recorder.request("SET_TIME 1111111109", .setTime(1_111_111_109))
        try recorder.request("CALCULATE slot 0 on the token's clock (07081804)", .calculate(SlotIndex(0), time: nil))
        try recorder.request("GET_TIME", .getTime)
        let hotp = SlotConfiguration(kind: .hotp(counter: 0), algorithm: .sha1, digits: 6, issuer: "", account: "bob")
        try recorder.request(
            "PUT_SLOT first free: HOTP", .putSlot(SlotWrite(slot: .firstFree, configuration: hotp, seed: .plain(seed))))
        try recorder.request("CALCULATE HOTP, counter 0 (755224)", .calculate(SlotIndex(1), time: nil))
        try recorder.request("CALCULATE HOTP, counter 1 (287082)", .calculate(SlotIndex(1), time: nil))
        try recorder.request("LIST_SLOTS", .listSlots(start: SlotIndex(0)))
        try recorder.request("DELETE_SLOT 1", .deleteSlot(SlotIndex(1)))
        try recorder.request("DELETE_SLOT 1 again", .deleteSlot(SlotIndex(1)))
        try recorder.request("CALCULATE an empty slot", .calculate(SlotIndex(1), time: 0))
        for index in 1..<32 {
            var configuration = totp
            configuration.account = "user\(index)"
            try recorder.request(
                "PUT_SLOT first free (\(index))",
                .putSlot(SlotWrite(slot: .firstFree, configuration: configuration, seed: .plain(seed))))
        }
        try recorder.request(
            "PUT_SLOT first free when all 32 are used",
            .putSlot(SlotWrite(slot: .firstFree, configuration: totp, seed: .plain(seed))))
        try recorder.request("LIST_SLOTS from 8: one page of 8 and where to continue", .listSlots(start: SlotIndex(8)))
        return recorder.vector
    }

    static func wrappedImport(identity: ConformanceVector.Identity) throws -> ConformanceVector {
        let recorder = try VectorRecorder(
            name: "04-wrapped-import", description: "ATTEST and encrypted seed import (fixed ephemeral key).",
            identity: identity)
        try recorder.initialise()
        try recorder.request("ATTEST", .attest)
        try recorder.request("SET_PIN", .setPIN(PIN("123456")))
        try recorder.request("VERIFY_PIN", .verifyPIN(PIN("123456")))
        let configuration = SlotConfiguration(
            kind: .totp(period: 30), algorithm: .sha1, digits: 8, issuer: "ACME", account: "zoe")
        let ephemeral = try P256.KeyAgreement.PrivateKey(
            rawRepresentation: Array(SHA256.hash(data: Array("TokenForge vector ephemeral key".utf8))))
        let wrapped = try SeedWrap.wrap(
            seed, to: recorder.token.identity.key.publicKey, slot: SlotIndex(2), configuration: configuration,
            ephemeralKey: ephemeral)
        try recorder.request(
            "PUT_SLOT 3 with a seed wrapped for slot 2",
            .putSlot(SlotWrite(slot: SlotIndex(3), configuration: configuration, seed: .wrapped(wrapped))))
        try recorder.request(
            "PUT_SLOT 2 with the wrapped seed",
            .putSlot(SlotWrite(slot: SlotIndex(2), configuration: configuration, seed: .wrapped(wrapped))))
        try recorder.request("CALCULATE slot 2 at 59 (94287082)", .calculate(SlotIndex(2), time: 59))
        return recorder.vector
    }

    /// A fixed host key and IVs, so the protected requests are reproducible (§7.6.4).
    static func hostKey(_ number: Int) throws -> P256.KeyAgreement.PrivateKey {
        try P256.KeyAgreement.PrivateKey(
            rawRepresentation: Array(SHA256.hash(data: Array("TokenForge vector PIN host key \(number)".utf8))))
    }

    static func ivs(_ number: Int) -> [[UInt8]] {
        [
            Array(SHA256.hash(data: Array("TokenForge vector PIN IV \(number)".utf8)).prefix(16)),
            Array(SHA256.hash(data: Array("TokenForge vector new PIN IV \(number)".utf8)).prefix(16)),
        ]
    }

    static func protect(
        _ command: TokenCommand, pin: String?, newPIN: String?, recorder: VectorRecorder,
        tokenKey: P256.KeyAgreement.PublicKey, number: Int
    ) throws -> TokenRequest {
        .protectedPIN(
            command,
            try PINProtection.seal(
                pin: pin.map(PIN.init), newPIN: newPIN.map(PIN.init), command: command, channel: recorder.channel,
                tokenKey: tokenKey, hostKey: hostKey(number), ivs: ivs(number)))
    }

    static let boundConfiguration = SlotConfiguration(
        kind: .totp(period: 30), algorithm: .sha1, digits: 8, issuer: "ACME", account: "zoe")

    static func boundWrap(_ identity: ConformanceVector.Identity) throws -> [UInt8] {
        let key = try P256.KeyAgreement.PrivateKey(rawRepresentation: Hex.decode(identity.privateKey))
        let ephemeral = try P256.KeyAgreement.PrivateKey(
            rawRepresentation: Array(SHA256.hash(data: Array("TokenForge vector ephemeral key".utf8))))
        return try SeedWrap.wrap(
            seed, to: key.publicKey, slot: SlotIndex(2), configuration: boundConfiguration, binding: .allParameters,
            ephemeralKey: ephemeral)
    }

    static func protectedPIN(identity: ConformanceVector.Identity) throws -> ConformanceVector {
        let recorder = try VectorRecorder(
            name: "05-protocol-1.1",
            description: "Protocol 1.1: PINs encrypted to a one-shot token key, seeds bound to every slot parameter.",
            identity: identity, firmwareVersion: "010100")
        try recorder.initialise()
        try recorder.request("GET_INFO of a 1.1 token: FIRMWARE_VERSION 1.1.0, capability bit 5", .getInfo)
        var key = try recorder.pinKey("GET_KEY_AGREEMENT")
        try recorder.request(
            "SET_PIN protected", try protect(.setPIN, pin: nil, newPIN: "123456", recorder: recorder, tokenKey: key, number: 1))
        try recorder.request(
            "VERIFY_PIN protected to the used key: PIN_AUTH_INVALID, no try counted",
            try protect(.verifyPIN, pin: "123456", newPIN: nil, recorder: recorder, tokenKey: key, number: 2))
        key = try recorder.pinKey("GET_KEY_AGREEMENT: a new key")
        try recorder.request(
            "VERIFY_PIN protected, wrong PIN",
            try protect(.verifyPIN, pin: "000000", newPIN: nil, recorder: recorder, tokenKey: key, number: 3))
        key = try recorder.pinKey("GET_KEY_AGREEMENT")
        guard case .protectedPIN(_, var tampered) = try protect(
            .verifyPIN, pin: "123456", newPIN: nil, recorder: recorder, tokenKey: key, number: 4)
        else { throw MessageError.empty }
        tampered.pinEncrypted?[20] ^= 0x01
        try recorder.request(
            "VERIFY_PIN protected with a damaged PIN_ENC: PIN_AUTH_INVALID", .protectedPIN(.verifyPIN, tampered))
        key = try recorder.pinKey("GET_KEY_AGREEMENT")
        try recorder.request(
            "VERIFY_PIN protected",
            try protect(.verifyPIN, pin: "123456", newPIN: nil, recorder: recorder, tokenKey: key, number: 5))
        key = try recorder.pinKey("GET_KEY_AGREEMENT")
        try recorder.request(
            "CHANGE_PIN protected",
            try protect(.changePIN, pin: "123456", newPIN: "24681357", recorder: recorder, tokenKey: key, number: 6))
        try recorder.request("VERIFY_PIN in clear still works on a 1.1 token", .verifyPIN(PIN("24681357")))
        let wrapped = try boundWrap(identity)
        var otherAccount = boundConfiguration
        otherAccount.account = "eve"
        try recorder.request(
            "PUT_SLOT 2 with the bound seed sent for another account: DECRYPTION_FAILED",
            .putSlot(SlotWrite(slot: SlotIndex(2), configuration: otherAccount, seed: .boundWrapped(wrapped))))
        var otherPeriod = boundConfiguration
        otherPeriod.kind = .totp(period: 60)
        try recorder.request(
            "PUT_SLOT 2 with the bound seed sent for a 60 s period: DECRYPTION_FAILED",
            .putSlot(SlotWrite(slot: SlotIndex(2), configuration: otherPeriod, seed: .boundWrapped(wrapped))))
        try recorder.request(
            "PUT_SLOT 2 with the bound seed as a 1.0 WRAPPED_SECRET: DECRYPTION_FAILED",
            .putSlot(SlotWrite(slot: SlotIndex(2), configuration: boundConfiguration, seed: .wrapped(wrapped))))
        try recorder.request(
            "PUT_SLOT 2 with the bound seed",
            .putSlot(SlotWrite(slot: SlotIndex(2), configuration: boundConfiguration, seed: .boundWrapped(wrapped))))
        try recorder.request("CALCULATE slot 2 at 59 (94287082)", .calculate(SlotIndex(2), time: 59))
        return recorder.vector
    }

    static func protocol10Token(identity: ConformanceVector.Identity) throws -> ConformanceVector {
        let recorder = try VectorRecorder(
            name: "06-protocol-1.0-token", description: "A 1.0 token meets the requests of protocol 1.1.",
            identity: identity, firmwareVersion: "010000")
        try recorder.initialise()
        try recorder.request("GET_INFO of a 1.0 token: no capability bit 5", .getInfo)
        try recorder.request("GET_KEY_AGREEMENT: UNKNOWN_COMMAND", .getKeyAgreement)
        let key = try P256.KeyAgreement.PrivateKey(rawRepresentation: Hex.decode(identity.privateKey)).publicKey
        try recorder.request(
            "SET_PIN protected: the 1.0 token finds no NEW_PIN (MISSING_PARAMETER)",
            try protect(.setPIN, pin: nil, newPIN: "123456", recorder: recorder, tokenKey: key, number: 7))
        try recorder.request("SET_PIN in clear", .setPIN(PIN("123456")))
        try recorder.request("VERIFY_PIN in clear", .verifyPIN(PIN("123456")))
        try recorder.request(
            "PUT_SLOT with BOUND_WRAPPED_SECRET: the 1.0 token finds no seed (MISSING_PARAMETER)",
            .putSlot(SlotWrite(slot: SlotIndex(2), configuration: boundConfiguration, seed: .boundWrapped(try boundWrap(identity)))))
        return recorder.vector
    }
}
