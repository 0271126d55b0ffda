import Foundation
import NitrokeyWire
import OTPCore
import Testing
import VirtualToken

/// The Nitrokey Pro model driven with raw reports, as libnitrokey or the driver would send them.
struct NitrokeyProTests {
    let clock = ManualDeviceClock(seconds: 0, milliseconds: 1_000)
    let medium = MemoryFlashMedium()
    let temporary = try! NitrokeyPassword(bytes: Array("123123123123123123123123".utf8))
    let rfcSeed = Secret(bytes: Array("12345678901234567890".utf8))

    func makePro(firmware: NitrokeyFirmware = .zeroFifteen, latency: Int = 0) throws -> NitrokeyPro {
        var configuration = NitrokeyPro.Configuration()
        configuration.firmware = firmware
        configuration.latency = .uniform(milliseconds: latency)
        return try NitrokeyPro(medium: medium, clock: clock, configuration: configuration, cardSerial: 0x4E4B_0001)
    }

    func pin(_ text: String) -> NitrokeyPassword { try! NitrokeyPassword(bytes: Array(text.utf8)) }

    /// Sends a request and reads the answer once the device is ready.
    @discardableResult
    func send(_ pro: NitrokeyPro, _ request: NitrokeyRequest) throws -> NitrokeyResponseReport {
        try pro.setReport(request.report.bytes)
        clock.advance(milliseconds: UInt64(pro.latency.milliseconds(for: request.commandID)))
        let response = try NitrokeyResponseReport(decoding: try pro.getReport())
        #expect(response.lastCommandID == request.commandID)
        #expect(response.lastCommandCRC == request.report.crc)
        return response
    }

    func authenticate(_ pro: NitrokeyPro) throws {
        #expect(try send(pro, .firstAuthenticate(pin: pin("12345678"), temporaryPassword: temporary)).result == .ok)
    }

    /// Writes a TOTP slot the 0.8+ way: name, secret chunks, commit.
    @discardableResult
    func writeTOTP(_ pro: NitrokeyPro, slot: NitrokeySlot, name: String, secret: Secret, eightDigits: Bool = false)
        throws
        -> NitrokeyCommandStatus?
    {
        try send(
            pro, .sendOTPData(adminPassword: temporary, kind: .name, chunk: 0, data: Secret(bytes: Array(name.utf8))))
        let bytes = secret.withUnsafeBytes { Array($0) }
        for (index, start) in stride(from: 0, to: bytes.count, by: 30).enumerated() {
            try send(
                pro,
                .sendOTPData(
                    adminPassword: temporary, kind: .secret, chunk: UInt8(index),
                    data: Secret(bytes: bytes[start..<min(bytes.count, start + 30)])))
        }
        let commit = NitrokeySlotCommit(
            adminPassword: temporary, slot: slot, counterOrInterval: 30, config: eightDigits ? [.eightDigits] : [])
        return try send(pro, .writeToSlot(commit)).result
    }

    func code(_ pro: NitrokeyPro, _ slot: NitrokeySlot) throws -> String? {
        let response = try send(pro, .getCode(slot, challenge: 0, userPassword: try NitrokeyPassword(bytes: [])))
        return response.result == .ok ? NitrokeyCodeAnswer(payload: response.payload).text : nil
    }

    @Test func getStatusReportsFirmwareSerialAndConfiguration() throws {
        let pro = try makePro()
        let info = NitrokeyDeviceInfo(payload: try send(pro, .getStatus).payload)
        #expect(info.firmware == .zeroFifteen)
        #expect(info.cardSerial == 0x4E4B_0001)
        #expect(pro.usbSerial == "00000000000000004E4B0001")
        #expect(info.config == .factory)
    }

    @Test func wrongAdminPINsUseTriesThenBlockEvenTheRightOne() throws {
        let pro = try makePro()
        for left in [2, 1, 0] {
            #expect(
                try send(pro, .firstAuthenticate(pin: pin("00000000"), temporaryPassword: temporary)).result
                    == .wrongPassword)
            #expect(try send(pro, .getPasswordRetryCount).payload[0] == UInt8(left))
        }
        #expect(
            try send(pro, .firstAuthenticate(pin: pin("12345678"), temporaryPassword: temporary)).result
                == .wrongPassword)
        #expect(try send(pro, .getUserPasswordRetryCount).payload[0] == 3)
    }

    @Test func theRightPINRestoresTheTries() throws {
        let pro = try makePro()
        try send(pro, .firstAuthenticate(pin: pin("00000000"), temporaryPassword: temporary))
        try authenticate(pro)
        #expect(try send(pro, .getPasswordRetryCount).payload[0] == 3)
    }

    @Test func writesNeedTheTemporaryPassword() throws {
        let pro = try makePro()
        #expect(try writeTOTP(pro, slot: .totp(0), name: "x", secret: rfcSeed) == .notAuthorized)
        try authenticate(pro)
        let other = try NitrokeyPassword(bytes: Array("another".utf8))
        #expect(try send(pro, .eraseSlot(.totp(0), adminPassword: other)).result == .notAuthorized)
        #expect(try writeTOTP(pro, slot: .totp(0), name: "x", secret: rfcSeed) == .ok)
    }

    @Test func aWrittenSlotGivesRFC6238Codes() throws {
        let pro = try makePro()
        try authenticate(pro)
        #expect(try writeTOTP(pro, slot: .totp(1), name: "rfc6238", secret: rfcSeed, eightDigits: true) == .ok)
        #expect(NitrokeyAnswer.slotName(try send(pro, .readSlotName(.totp(1))).payload) == "rfc6238")
        for (time, expected) in [(59, "94287082"), (1_111_111_109, "07081804"), (1_234_567_890, "89005924")] {
            #expect(try send(pro, .setTime(reset: true, time: UInt64(time))).result == .ok)
            #expect(try code(pro, .totp(1)) == expected)
        }
    }

    /// The nitrokey-device fuzz target's reproducer: a time near 2^63 trapped the model.
    @Test func anyTimeAHostSendsIsTakenWithoutATrap() throws {
        let pro = try makePro()
        for time in [UInt64(1) << 63, UInt64.max, (UInt64(1) << 63) - 1, 0] {
            #expect(try send(pro, .setTime(reset: true, time: time)).result == .ok, "time \(time)")
        }
    }

    @Test func theClockRunsFromTheTimeSet() throws {
        let pro = try makePro()
        try send(pro, .setTime(reset: true, time: 1_700_000_000))
        clock.advance(milliseconds: 2_500)
        #expect(pro.currentTime == 1_700_000_002)
    }

    @Test func fortyByteSecretsTravelInTwoChunks() throws {
        let pro = try makePro()
        try authenticate(pro)
        let secret = Secret(bytes: Array("1234567890123456789012345678901234567890".utf8))
        #expect(try writeTOTP(pro, slot: .totp(2), name: "forty", secret: secret) == .ok)
        try send(pro, .setTime(reset: true, time: 1_700_000_000))
        let expected = try TOTPGenerator(secret: secret, algorithm: .sha1, digits: 6).code(at: 1_700_000_000)
        #expect(try code(pro, .totp(2)) == expected)
    }

    @Test func anAllZeroSecretKeepsTheOldOne() throws {
        let pro = try makePro()
        try authenticate(pro)
        try writeTOTP(pro, slot: .totp(0), name: "first", secret: rfcSeed)
        #expect(try writeTOTP(pro, slot: .totp(0), name: "renamed", secret: Secret(bytes: [0, 0, 0])) == .ok)
        try send(pro, .setTime(reset: true, time: 59))
        #expect(try code(pro, .totp(0)) == "287082")
        #expect(NitrokeyAnswer.slotName(try send(pro, .readSlotName(.totp(0))).payload) == "renamed")
    }

    @Test func badSlotsEmptyNamesAndUnprogrammedSlotsAreRefused() throws {
        let pro = try makePro()
        try authenticate(pro)
        #expect(try writeTOTP(pro, slot: NitrokeySlot(rawValue: 0x2F), name: "x", secret: rfcSeed) == .wrongSlot)
        #expect(try writeTOTP(pro, slot: .totp(0), name: "", secret: rfcSeed) == .noNameError)
        #expect(try send(pro, .readSlotName(.hotp(0))).result == .slotNotProgrammed)
        #expect(try send(pro, .getCode(.totp(4), challenge: 0, userPassword: nil)).result == .slotNotProgrammed)
        #expect(try send(pro, .other(commandID: 0x55, payload: [])).result == .unknownCommand)
    }

    @Test func aCommitWithNothingStagedIsNotAuthorised() throws {
        let pro = try makePro()
        try authenticate(pro)
        let commit = NitrokeySlotCommit(adminPassword: temporary, slot: .totp(0), counterOrInterval: 30, config: [])
        #expect(try send(pro, .writeToSlot(commit)).result == .notAuthorized)
    }

    @Test func hotpCountsUpAndKeepsTheCounterInFlash() throws {
        let pro = try makePro()
        try authenticate(pro)
        try send(
            pro, .sendOTPData(adminPassword: temporary, kind: .name, chunk: 0, data: Secret(bytes: Array("h".utf8))))
        try send(pro, .sendOTPData(adminPassword: temporary, kind: .secret, chunk: 0, data: rfcSeed))
        let commit = NitrokeySlotCommit(adminPassword: temporary, slot: .hotp(1), counterOrInterval: 5, config: [])
        #expect(try send(pro, .writeToSlot(commit)).result == .ok)
        #expect(try code(pro, .hotp(1)) == "254676")
        let restarted = try makePro()
        #expect(NitrokeySlotDetails(payload: try send(restarted, .readSlot(.hotp(1))).payload).counterOrInterval == 6)
        #expect(try code(restarted, .hotp(1)) == "287922")
    }

    @Test func firmwareZeroSevenAuthorisesOnePacketByItsCRC() throws {
        let pro = try makePro(firmware: .zeroSeven)
        try authenticate(pro)
        let write = NitrokeyRequest.writeToSlotWithSecret(
            NitrokeyLegacySlotWrite(
                slot: .totp(0), name: Array("old".utf8), secret: rfcSeed, config: [], counterOrInterval: 30))
        #expect(try send(pro, write).result == .notAuthorized)
        #expect(try send(pro, .authorize(crc: write.report.crc, temporaryPassword: temporary)).result == .ok)
        #expect(try send(pro, write).result == .ok)
        #expect(try send(pro, write).result == .notAuthorized)  // the authorisation was used up
        try send(pro, .setTime(reset: true, time: 59))
        #expect(try code(pro, .totp(0)) == "287082")
        #expect(
            try send(pro, .sendOTPData(adminPassword: temporary, kind: .name, chunk: 0, data: rfcSeed)).result
                == .unknownCommand)
        let erase = NitrokeyRequest.eraseSlot(.totp(0), adminPassword: nil)
        #expect(try send(pro, .authorize(crc: erase.report.crc, temporaryPassword: temporary)).result == .ok)
        #expect(try send(pro, erase).result == .ok)
        #expect(try send(pro, .readSlotName(.totp(0))).result == .slotNotProgrammed)
    }

    @Test func newFirmwareHasNoAuthorizeCommand() throws {
        let pro = try makePro()
        try authenticate(pro)
        #expect(try send(pro, .authorize(crc: 1, temporaryPassword: temporary)).result == .unknownCommand)
    }

    @Test func aDamagedCommandGetsWrongCRCAndDoesNothing() throws {
        let pro = try makePro()
        var bytes = NitrokeyRequest.firstAuthenticate(pin: pin("12345678"), temporaryPassword: temporary).report.bytes
        bytes[3] ^= 0x01
        try pro.setReport(bytes)
        #expect(try NitrokeyResponseReport(decoding: try pro.getReport()).result == .wrongCRC)
        #expect(try writeTOTP(pro, slot: .totp(0), name: "x", secret: rfcSeed) == .notAuthorized)
    }

    @Test func whileACommandRunsTheDeviceIsBusyAndDropsReports() throws {
        let pro = try makePro(latency: 20)
        try pro.setReport(NitrokeyRequest.getStatus.report.bytes)
        let busy = try pro.getReport()
        #expect(busy[0] == NitrokeyDeviceStatus.busy.rawValue)
        #expect(busy[1] == 0x00)
        try pro.setReport(NitrokeyRequest.getPasswordRetryCount.report.bytes)  // dropped: still busy
        clock.advance(milliseconds: 20)
        let ready = try NitrokeyResponseReport(decoding: try pro.getReport())
        #expect(ready.lastCommandID == NitrokeyCommandID.getStatus.rawValue)
    }

    @Test func theRealisticProfileMakesFlashWritesAndTheCardSlow() throws {
        #expect(NitrokeyLatency.realistic.milliseconds(for: NitrokeyCommandID.writeToSlot.rawValue) == 95)
        #expect(NitrokeyLatency.realistic.milliseconds(for: NitrokeyCommandID.firstAuthenticate.rawValue) == 40)
        #expect(NitrokeyLatency.realistic.milliseconds(for: NitrokeyCommandID.getStatus.rawValue) == 1)
        #expect(NitrokeyLatency("realistic") == .realistic)
        #expect(NitrokeyLatency("12") == .uniform(milliseconds: 12))
        #expect(NitrokeyLatency("-1") == nil)
        var configuration = NitrokeyPro.Configuration()
        configuration.latency = .realistic
        let pro = try NitrokeyPro(medium: medium, clock: clock, configuration: configuration)
        try pro.setReport(NitrokeyRequest.eraseSlot(.totp(0), adminPassword: temporary).report.bytes)
        clock.advance(milliseconds: 94)
        #expect(try pro.getReport()[0] == NitrokeyDeviceStatus.busy.rawValue)
        clock.advance(milliseconds: 1)
        #expect(try pro.getReport()[0] == NitrokeyDeviceStatus.ready.rawValue)
    }

    @Test func softSetTimeRefusesANeverSetClockAndGoingBack() throws {
        let pro = try makePro()
        #expect(try send(pro, .setTime(reset: false, time: 1_700_000_000)).result == .timestampWarning)
        #expect(try send(pro, .setTime(reset: true, time: 1_700_000_000)).result == .ok)
        #expect(try send(pro, .setTime(reset: false, time: 1_600_000_000)).result == .timestampWarning)
        #expect(try send(pro, .setTime(reset: false, time: 1_700_000_600)).result == .ok)
    }

    @Test func aPowerCycleKeepsSlotsAndLosesTheSessionAndTheClock() throws {
        let pro = try makePro()
        try authenticate(pro)
        try writeTOTP(pro, slot: .totp(0), name: "kept", secret: rfcSeed)
        try send(pro, .setTime(reset: true, time: 1_700_000_000))
        try pro.powerOn()
        #expect(pro.currentTime < 10)
        #expect(NitrokeyAnswer.slotName(try send(pro, .readSlotName(.totp(0))).payload) == "kept")
        #expect(try send(pro, .eraseSlot(.totp(0), adminPassword: temporary)).result == .notAuthorized)
    }

    @Test func slotsAndPINTriesSurviveARestartFromAFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nk-flash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("NKEMU0001.flash").path
        do {
            let pro = try NitrokeyPro(medium: FileFlashMedium(path: path), clock: clock, cardSerial: 7)
            try authenticate(pro)
            try writeTOTP(pro, slot: .totp(3), name: "file", secret: rfcSeed)
            try send(pro, .firstAuthenticate(pin: pin("00000000"), temporaryPassword: temporary))
        }
        let pro = try NitrokeyPro(medium: FileFlashMedium(path: path), clock: clock)
        #expect(pro.cardSerial == 7)
        #expect(try send(pro, .getPasswordRetryCount).payload[0] == 2)
        #expect(NitrokeyAnswer.slotName(try send(pro, .readSlotName(.totp(3))).payload) == "file")
    }

    @Test func factoryResetNeedsTheAdminPINAndRestoresDefaults() throws {
        let pro = try makePro()
        try authenticate(pro)
        try send(pro, .changeAdminPIN(current: pin("12345678"), new: pin("87654321")))
        try send(pro, .firstAuthenticate(pin: pin("87654321"), temporaryPassword: temporary))
        try writeTOTP(pro, slot: .totp(0), name: "gone", secret: rfcSeed)
        #expect(try send(pro, .factoryReset(adminPIN: pin("12345678"))).result == .wrongPassword)
        #expect(try send(pro, .factoryReset(adminPIN: pin("87654321"))).result == .ok)
        #expect(try send(pro, .readSlotName(.totp(0))).result == .slotNotProgrammed)
        #expect(try send(pro, .getPasswordRetryCount).payload[0] == 3)
        try authenticate(pro)  // the factory PIN again
    }

    @Test func aNewAdminPINMustFitTheCardsRules() throws {
        let pro = try makePro()
        #expect(
            try send(pro, .changeAdminPIN(current: pin("12345678"), new: pin("1234"))).result
                == .errorChangingAdminPassword)
        try authenticate(pro)
    }

    @Test func codesCanBeMadeToNeedTheUserPIN() throws {
        let pro = try makePro()
        try authenticate(pro)
        try writeTOTP(pro, slot: .totp(0), name: "pin", secret: rfcSeed)
        var config = NitrokeyGeneralConfig.factory
        config.userPasswordRequired = true
        #expect(try send(pro, .writeConfig(config, adminPassword: temporary)).result == .ok)
        #expect(try code(pro, .totp(0)) == nil)
        let user = try NitrokeyPassword(bytes: Array("user-temporary".utf8))
        #expect(try send(pro, .userAuthenticate(pin: pin("123456"), temporaryPassword: user)).result == .ok)
        #expect(try send(pro, .getCode(.totp(0), challenge: 0, userPassword: user)).result == .ok)
    }

    @Test func transportFaultsDropAndDamageReports() throws {
        let pro = try makePro()
        pro.faults.dropIncoming = 1
        try pro.setReport(NitrokeyRequest.getStatus.report.bytes)
        #expect(try pro.getReport().allSatisfy { $0 == 0 })
        try send(pro, .getStatus)
        pro.faults.corruptOutgoing = 1
        #expect(throws: NitrokeyWireError.self) { try NitrokeyResponseReport(decoding: try pro.getReport()) }
        #expect(try NitrokeyResponseReport(decoding: try pro.getReport()).lastCommandID == 0)
    }

    @Test func aStalledDeviceStaysBusyUntilReleased() throws {
        let pro = try makePro()
        pro.faults.stalled = true
        try pro.setReport(NitrokeyRequest.getStatus.report.bytes)
        clock.advance(milliseconds: 10_000)
        #expect(try pro.getReport()[0] == NitrokeyDeviceStatus.busy.rawValue)
        pro.faults.stalled = false
        #expect(try pro.getReport()[0] == NitrokeyDeviceStatus.ready.rawValue)
    }

    @Test func aSpecTokenImageIsNotTakenForAPro() throws {
        let medium = MemoryFlashMedium()
        _ = try SpecToken(medium: medium, clock: clock)
        #expect(throws: FlashError.foreignImage) { try NitrokeyPro(medium: medium, clock: clock) }
    }
}
