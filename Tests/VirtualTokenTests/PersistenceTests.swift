import TokenModel
import Foundation
import OTPCore
import Testing
import TokenWire
import VirtualToken

struct PersistenceTests {
    @Test func slotsPINAndClockSurviveARestartFromAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-flash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("token.flash").path
        let clock = ManualDeviceClock()
        let serial: String
        do {
            let token = try makeToken(medium: FileFlashMedium(path: path), clock: clock)
            serial = token.identity.serial
            let host = try TestHost(token: token)
            try host.unlock()
            try host.ok(totpSlot(7))
            try host.ok(.setTime(1_234_567_890))
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let restarted = try makeToken(medium: FileFlashMedium(path: path), clock: clock, seed: 2)
        #expect(restarted.identity.serial == serial)
        let host = try TestHost(token: restarted)
        #expect(try host.send(.calculate(SlotIndex(7), time: nil)).status == .pinRequired)
        try host.ok(.verifyPIN(PIN("123456")))
        #expect(try host.code(7) == "89005924")
    }

    @Test func aPowerCycleEndsEverySession() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        try host.unlock()
        try token.powerOn()
        let fresh = try TestHost(token: token)
        #expect(try fresh.send(.listSlots(start: SlotIndex(0))).status == .pinRequired)
        let stale = try host.exchange(Frame(channel: host.channel, command: .message, payload: [0x07]))
        #expect(stale == Frame(channel: host.channel, command: .error, payload: [0x0B]))
    }

    @Test func aForeignImageIsAnErrorNotAReset() throws {
        let medium = MemoryFlashMedium(bytes: Array("PNG\r\n this is not flash".utf8))
        #expect(throws: FlashError.foreignImage) { try makeToken(medium: medium) }
        #expect(medium.bytes == Array("PNG\r\n this is not flash".utf8))
    }

    @Test func anUnknownVersionIsAnError() throws {
        let medium = MemoryFlashMedium(bytes: Array("TFFLASH\0".utf8) + [0x00, 0x09])
        #expect(throws: FlashError.unsupportedVersion(9)) { try makeToken(medium: medium) }
    }

    @Test func aDamagedRecordIsCorruptionNotATornWrite() throws {
        let medium = MemoryFlashMedium()
        let host = try TestHost(token: makeToken(medium: medium))
        try host.unlock()
        try host.ok(totpSlot(0))
        var bytes = medium.bytes
        bytes[20] ^= 0xFF  // inside the identity record, which later records follow
        let damaged = MemoryFlashMedium(bytes: bytes)
        #expect(throws: FlashError.self) { try makeToken(medium: damaged) }
        #expect(damaged.bytes == bytes)
    }

    @Test func aTornLastRecordIsDroppedAndTheOldValueKept() throws {
        let medium = MemoryFlashMedium()
        let host = try TestHost(token: makeToken(medium: medium))
        try host.unlock()
        try host.ok(totpSlot(0))
        let before = medium.bytes.count
        medium.write([0x54, 0x52, 0xFF, 0x05, 0x00, 0x00, 0x40, 1, 2, 3], at: before)
        let restarted = try makeToken(medium: medium)
        #expect(medium.bytes.count == before)
        let again = try TestHost(token: restarted)
        try again.ok(.verifyPIN(PIN("123456")))
        #expect(try again.code(0, at: 59) == "94287082")
    }

    /// Power lost at every program step of an overwrite leaves the old slot or the new, never a mix.
    @Test func powerCutAtEveryStepOfASlotWriteLeavesOldOrNew() throws {
        let old = Array("12345678901234567890".utf8)
        let new = Array("abcdefghijabcdefghij".utf8)
        let oldCode = try HOTPGenerator(secret: Secret(bytes: old), digits: 8).code(counter: 1)
        let newCode = try HOTPGenerator(secret: Secret(bytes: new), digits: 8).code(counter: 1)
        var codes: [String] = []
        for steps in 0..<40 {
            let medium = MemoryFlashMedium()
            let token = try makeToken(medium: medium)
            let host = try TestHost(token: token)
            try host.unlock()
            try host.ok(totpSlot(0, secret: old))
            token.cutPower(afterFlashSteps: steps)
            let answered = (try? host.send(totpSlot(0, secret: new, overwrite: true))) != nil
            #expect(answered == !token.isPoweredOff)
            let restarted = try makeToken(medium: medium)
            let again = try TestHost(token: restarted)
            try again.ok(.verifyPIN(PIN("123456")))
            let code = try again.code(0, at: 59)
            codes.append(code)
            if answered { #expect(code == newCode, "cut after \(steps) steps") }
            let reloaded = medium.bytes
            #expect(!(reloaded.containsSubsequence(old) && reloaded.containsSubsequence(new)) || !answered)
        }
        // One commit step: every earlier cut leaves the old slot, every later one the new.
        let commit = try #require(codes.firstIndex(of: newCode), "no cut left the new slot")
        #expect(commit > 0, "no cut left the old slot")
        #expect(codes[..<commit].allSatisfy { $0 == oldCode }, "\(codes)")
        #expect(codes[commit...].allSatisfy { $0 == newCode }, "\(codes)")
    }

    /// A power cut during VERIFY_PIN never answers a comparison whose retry was not first counted.
    @Test func powerCutDuringPINVerificationGivesNoFreeTry() throws {
        for steps in 0..<12 {
            let medium = MemoryFlashMedium()
            let token = try makeToken(medium: medium)
            let host = try TestHost(token: token)
            try host.ok(.setPIN(PIN("123456")))
            token.cutPower(afterFlashSteps: steps)
            let response = try? host.send(.verifyPIN(PIN("000000")))
            let restarted = try makeToken(medium: medium)
            let retries = try TokenInfo(fields: TestHost(token: restarted).ok(.getInfo).fields).pinRetries
            if let response {
                #expect(response.status == .pinInvalid)
                #expect(retries == 7, "cut after \(steps) steps")
            } else {
                #expect(retries >= 7 && retries <= 8)
            }
        }
    }

    @Test func theImageIsCompactedAndStaysReadable() throws {
        let medium = MemoryFlashMedium()
        let host = try TestHost(token: makeToken(medium: medium))
        try host.unlock()
        for round in 0..<400 { try host.ok(totpSlot(round % 4, account: "user\(round)", overwrite: true)) }
        #expect(medium.bytes.count < FlashStore.compactionThreshold + 1_024)
        let again = try TestHost(token: makeToken(medium: medium))
        try again.ok(.verifyPIN(PIN("123456")))
        let list = try SlotList(fields: again.ok(.listSlots(start: SlotIndex(0))).fields)
        #expect(list.entries.map(\.configuration.account) == ["user396", "user397", "user398", "user399"])
    }
}

struct FlashImageLocationTests {
    @Test func followsXDGDataHomeElseTheHomeDirectory() {
        #expect(FlashImageLocation.path(serial: "TF1", environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/tokenforge/tokens/TF1.flash")
        #expect(FlashImageLocation.path(serial: "TF1", environment: ["HOME": "/h"]) == "/h/.local/share/tokenforge/tokens/TF1.flash")
        #expect(FlashImageLocation.path(serial: "TF1", environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"]) == "/h/.local/share/tokenforge/tokens/TF1.flash")
    }
}

/// A medium whose writes fail once armed, as worn-out flash does.
final class FailingFlashMedium: FlashMedium {
    let inner = MemoryFlashMedium()
    var failing = false
    struct WriteFailure: Error {}
    func read() throws -> [UInt8] { inner.read() }
    func write(_ bytes: [UInt8], at offset: Int) throws {
        if failing { throw WriteFailure() }
        inner.write(bytes, at: offset)
    }
    func truncate(to length: Int) throws { inner.truncate(to: length) }
    func replace(with bytes: [UInt8]) throws { inner.replace(with: bytes) }
    func sync() throws {}
}

struct FlashFailureTests {
    @Test func aFailedFlashWriteIsAnsweredWithFlashFailureAndTheSlotKeepsItsValue() throws {
        let medium = FailingFlashMedium()
        let token = try makeToken(medium: medium)
        let host = try TestHost(token: token)
        try host.unlock()
        try host.ok(totpSlot(0))
        medium.failing = true
        #expect(try host.send(totpSlot(0, secret: Array("abcdefghijabcdefghij".utf8), overwrite: true)).status == .flashFailure)
        #expect(!token.isPoweredOff)
        medium.failing = false
        #expect(try host.code(0, at: 59) == "94287082")
    }
}

extension FlashFailureTests {
    @Test func aWriteFailingHalfwayLeavesAReadableImage() throws {
        final class FailAfter: FlashMedium {
            let inner = MemoryFlashMedium()
            var writesLeft = Int.max
            struct WriteFailure: Error {}
            func read() throws -> [UInt8] { inner.read() }
            func write(_ bytes: [UInt8], at offset: Int) throws {
                guard writesLeft > 0 else { throw WriteFailure() }
                writesLeft -= 1
                inner.write(bytes, at: offset)
            }
            func truncate(to length: Int) throws { inner.truncate(to: length) }
            func replace(with bytes: [UInt8]) throws { inner.replace(with: bytes) }
            func sync() throws {}
        }
        let medium = FailAfter()
        let host = try TestHost(token: makeToken(medium: medium))
        try host.unlock()
        medium.writesLeft = 2
        #expect(try host.send(totpSlot(0)).status == .flashFailure)
        medium.writesLeft = .max
        try host.ok(totpSlot(1))
        let again = try TestHost(token: makeToken(medium: medium.inner))
        try again.ok(.verifyPIN(PIN("123456")))
        #expect(try again.code(1, at: 59) == "94287082")
    }
}
