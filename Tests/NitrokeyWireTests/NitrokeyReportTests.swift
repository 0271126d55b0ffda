import NitrokeyWire
import OTPCore
import Testing

/// Packet layouts against libnitrokey's structures (stick10_commands.h, stick10_commands_0.8.h)
/// and the firmware's offsets (report_protocol.h).
struct NitrokeyReportTests {
    let temporary = try! NitrokeyPassword(bytes: Array("123123123123123123123123".utf8))

    /// Bytes of a command report as the device sees it (command ID at 0, payload from 1).
    func wire(_ request: NitrokeyRequest) -> [UInt8] { request.report.bytes }

    @Test func aCommandReportIsSixtyFourBytesWithItsCRCLast() {
        let bytes = wire(.readSlotName(.totp(3)))
        #expect(bytes.count == 64)
        #expect(bytes[0] == 0x02)
        #expect(bytes[1] == 0x23)
        #expect(bytes[2..<60].allSatisfy { $0 == 0 })
        let crc = NitrokeyCRC.checksum(bytes[0..<60])
        #expect(Array(bytes[60..<64]) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: crc >> $0) })
    }

    @Test func slotsAreNumberedAsTheFirmwareDoes() {
        #expect(NitrokeySlot.totp(0).rawValue == 0x20)
        #expect(NitrokeySlot.totp(14).rawValue == 0x2E)
        #expect(NitrokeySlot.hotp(2).rawValue == 0x12)
        #expect(NitrokeySlot(rawValue: 0x13).kind == nil)
        #expect(NitrokeySlot(rawValue: 0x2F).kind == nil)
        #expect(NitrokeySlot.all.count == 18)
    }

    @Test func firstAuthenticateCarriesPINThenTemporaryPassword() throws {
        let bytes = wire(
            .firstAuthenticate(pin: try NitrokeyPassword(bytes: Array("12345678".utf8)), temporaryPassword: temporary))
        #expect(bytes[0] == 0x07)
        #expect(Array(bytes[1..<9]) == Array("12345678".utf8))
        #expect(bytes[9..<26].allSatisfy { $0 == 0 })
        #expect(Array(bytes[26..<50]) == Array("123123123123123123123123".utf8))
        #expect(bytes[50] == 0)
    }

    @Test func sendOTPDataLayout() {
        let bytes = wire(
            .sendOTPData(adminPassword: temporary, kind: .secret, chunk: 1, data: Secret(bytes: [0xAA, 0xBB])))
        #expect(bytes[0] == 0x17)
        #expect(Array(bytes[1..<26]) == temporary.field)
        #expect(bytes[26] == 0x53)
        #expect(bytes[27] == 1)
        #expect(Array(bytes[28..<31]) == [0xAA, 0xBB, 0])
        #expect(bytes[30..<58].allSatisfy { $0 == 0 })
    }

    @Test func writeToSlotOfFirmwareZeroEightLayout() {
        let commit = NitrokeySlotCommit(
            adminPassword: temporary, slot: .totp(1), counterOrInterval: 30, config: [.eightDigits],
            tokenID: Array("ID".utf8))
        let bytes = wire(.writeToSlot(commit))
        #expect(bytes[0] == 0x01)
        #expect(Array(bytes[1..<26]) == temporary.field)
        #expect(bytes[26] == 0x21)
        #expect(Array(bytes[27..<35]) == [30, 0, 0, 0, 0, 0, 0, 0])
        #expect(bytes[35] == 0x01)
        #expect(Array(bytes[36..<38]) == Array("ID".utf8))
    }

    @Test func legacyWriteToSlotCarriesTheSecretAndATwoBytePeriod() {
        let write = NitrokeyLegacySlotWrite(
            slot: .totp(0), name: Array("abc".utf8), secret: Secret(bytes: [1, 2, 3]), config: [.sendEnter],
            counterOrInterval: 60)
        let bytes = wire(.writeToSlotWithSecret(write))
        #expect(bytes[1] == 0x20)
        #expect(Array(bytes[2..<5]) == Array("abc".utf8))
        #expect(Array(bytes[17..<20]) == [1, 2, 3])
        #expect(bytes[20..<37].allSatisfy { $0 == 0 })
        #expect(bytes[37] == 0x02)
        #expect(Array(bytes[51..<54]) == [60, 0, 0])
        let hotp = NitrokeyLegacySlotWrite(
            slot: .hotp(0), name: Array("h".utf8), secret: Secret(bytes: [1]), config: [],
            counterOrInterval: 0x0102_0304_0506)
        #expect(Array(wire(.writeToSlotWithSecret(hotp))[51..<59]) == [6, 5, 4, 3, 2, 1, 0, 0])
    }

    @Test func getCodeCarriesTheUserPasswordOnlyOnNewFirmware() throws {
        let empty = try NitrokeyPassword(bytes: Array("user".utf8))
        let new = wire(.getCode(.totp(2), challenge: 7, userPassword: empty))
        #expect(new[1] == 0x22)
        #expect(new[2] == 7)
        #expect(Array(new[19..<23]) == Array("user".utf8))
        let old = wire(.getCode(.totp(2), challenge: 7, userPassword: nil))
        #expect(old[19..<60].allSatisfy { $0 == 0 })
    }

    @Test func authorizeNamesTheNextPacketsCRC() {
        let erase = NitrokeyRequest.eraseSlot(.hotp(1), adminPassword: nil)
        let bytes = wire(.authorize(crc: erase.report.crc, temporaryPassword: temporary))
        #expect(bytes[0] == 0x08)
        #expect(Array(bytes[1..<5]) == [0, 8, 16, 24].map { UInt8(truncatingIfNeeded: erase.report.crc >> $0) })
        #expect(Array(bytes[5..<30]) == temporary.field)
    }

    @Test func requestsDecodeAsTheyWereEncodedForEachLayout() throws {
        let new: [NitrokeyRequest] = [
            .getStatus, .readSlot(.hotp(1)), .setTime(reset: true, time: 1_700_000_000),
            .eraseSlot(.totp(5), adminPassword: temporary), .getCode(.totp(1), challenge: 0, userPassword: temporary),
            .writeToSlot(
                NitrokeySlotCommit(adminPassword: temporary, slot: .hotp(0), counterOrInterval: 9, config: [])),
            .factoryReset(adminPIN: try NitrokeyPassword(bytes: Array("12345678".utf8))),
            .writeConfig(.factory, adminPassword: temporary),
        ]
        for request in new {
            #expect(NitrokeyRequest(decoding: request.report, layout: .temporaryPasswordInPacket) == request)
        }
        let old: [NitrokeyRequest] = [
            .eraseSlot(.totp(5), adminPassword: nil), .getCode(.totp(1), challenge: 3, userPassword: nil),
            .authorize(crc: 0xDEAD_BEEF, temporaryPassword: temporary),
            .writeToSlotWithSecret(
                NitrokeyLegacySlotWrite(
                    slot: .totp(3), name: Array("n".utf8), secret: Secret(bytes: [UInt8](repeating: 9, count: 20)),
                    config: [.eightDigits], counterOrInterval: 30)),
        ]
        for request in old {
            #expect(NitrokeyRequest(decoding: request.report, layout: .authorizeThenWrite) == request)
        }
    }

    @Test func aDamagedCommandIsRecognised() throws {
        var bytes = wire(.getStatus)
        bytes[5] ^= 1
        let received = try NitrokeyCommandReport(decoding: bytes)
        #expect(!received.isIntact)
        #expect(try NitrokeyCommandReport(decoding: wire(.getStatus)).isIntact)
    }

    @Test func aResponseCRCIsComputedWithDeviceStatusZero() throws {
        var response = NitrokeyResponseReport(lastCommandID: 0x04, lastCommandCRC: 0x1122_3344, payload: [1, 2, 3])
        let ready = response.bytes
        #expect(ready[0] == 0)
        #expect(Array(ready[1..<7]) == [0x04, 0x44, 0x33, 0x22, 0x11, 0])
        #expect(try NitrokeyResponseReport(decoding: ready) == response)
        response.deviceStatus = NitrokeyDeviceStatus.busy.rawValue
        let busy = response.bytes
        #expect(busy[0] == NitrokeyDeviceStatus.busy.rawValue)
        #expect(Array(busy[60..<64]) == Array(ready[60..<64]))
        #expect(try NitrokeyResponseReport(decoding: busy).status == .busy)
    }

    @Test func aDamagedResponseFailsItsCRC() {
        var bytes = NitrokeyResponseReport(lastCommandID: 0, lastCommandCRC: 0, payload: [15, 0]).bytes
        bytes[9] ^= 0x40
        #expect(throws: NitrokeyWireError.self) { try NitrokeyResponseReport(decoding: bytes) }
    }

    @Test func answersDecodeTheirFields() {
        let info = NitrokeyDeviceInfo(firmware: .zeroFifteen, cardSerial: 0x4E4B_0001, config: .factory)
        #expect(Array(info.payload.prefix(6)) == [15, 0, 0x01, 0x00, 0x4B, 0x4E])
        #expect(NitrokeyDeviceInfo(payload: info.payload + [UInt8](repeating: 0, count: 42)) == info)
        let details = NitrokeySlotDetails(name: "ACME:zoe", config: [.eightDigits], tokenID: [], counterOrInterval: 30)
        #expect(NitrokeySlotDetails(payload: details.payload + [UInt8](repeating: 0, count: 16)) == details)
        let code = NitrokeyCodeAnswer(code: 81_804, config: [.eightDigits])
        #expect(code.text == "00081804")
        #expect(NitrokeyCodeAnswer(code: 42, config: []).text == "000042")
    }

    @Test func passwordsNeverPrintAndLongOnesAreRefused() throws {
        let password = try NitrokeyPassword(bytes: Array("secret-pin".utf8))
        #expect("\(password)" == "NitrokeyPassword(redacted)")
        #expect(!"\(NitrokeyRequest.factoryReset(adminPIN: password))".contains("secret-pin"))
        #expect(throws: NitrokeyWireError.fieldTooLong(field: "PIN or password", bytes: 26, maximum: 25)) {
            try NitrokeyPassword(bytes: [UInt8](repeating: 0x31, count: 26))
        }
        var generator = SystemRandomNumberGenerator()
        let random = NitrokeyPassword.random(using: &generator)
        #expect(random.text.count == 24)
        #expect(random.field[24] == 0)
    }

    @Test func firmwareVersionsChooseTheWriteLayout() {
        #expect(NitrokeyFirmware.zeroFifteen.layout == .temporaryPasswordInPacket)
        #expect(NitrokeyFirmware.zeroFifteen.maximumSecretBytes == 40)
        #expect(NitrokeyFirmware.zeroSeven.layout == .authorizeThenWrite)
        #expect(NitrokeyFirmware.zeroSeven.maximumSecretBytes == 20)
        #expect(NitrokeyFirmware("0.8")?.layout == .temporaryPasswordInPacket)
        #expect(NitrokeyFirmware("zero") == nil)
    }

    @Test func theUSBSerialIsTwentyFourHexDigits() {
        #expect(NitrokeyUSBIdentity.serialString(cardSerial: 0x5F11) == "000000000000000000005F11")
    }

    @Test func namesAreCutAtCharacterBoundaries() {
        #expect(NitrokeyName.truncated("ACME:zoe.muller@example.org", toBytes: 15) == "ACME:zoe.muller")
        #expect(NitrokeyName.truncated("Zoë Müller-Lüdenscheid", toBytes: 15).utf8.count <= 15)
        #expect(NitrokeyName.truncated("ëëëëëëëë", toBytes: 15) == "ëëëëëëë")
    }
}
