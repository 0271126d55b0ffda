import NitrokeyWire
import OTPCore
import Testing
import VirtualToken

/// Power cuts while a Nitrokey Pro is programmed: the card counts only wrong PINs, so no cut uses
/// an admin-PIN try (report_protocol.c `cmd_first_authenticate` → `cardAuthenticate`).
struct NitrokeyPowerCutTests {
    let clock = ManualDeviceClock(seconds: 0, milliseconds: 1_000)
    let medium = MemoryFlashMedium()
    let temporary = try! NitrokeyPassword(bytes: Array("123123123123123123123123".utf8))
    let admin = try! NitrokeyPassword(bytes: Array("12345678".utf8))
    let wrong = try! NitrokeyPassword(bytes: Array("87654321".utf8))

    func makePro() throws -> NitrokeyPro {
        try NitrokeyPro(medium: medium, clock: clock, cardSerial: 0x4E4B_0001)
    }

    /// Sends a request; nil when the device lost power and gave no answer.
    func send(_ pro: NitrokeyPro, _ request: NitrokeyRequest) throws -> NitrokeyResponseReport? {
        try pro.setReport(request.report.bytes)
        guard !pro.isPoweredOff else { return nil }
        return try NitrokeyResponseReport(decoding: try pro.getReport())
    }

    /// The programming sequence of firmware 0.8 and later; stops at the first unanswered command.
    func program(_ pro: NitrokeyPro) throws -> Bool {
        let name = Secret(bytes: Array("zoe".utf8))
        let secret = Secret(bytes: Array("12345678901234567890".utf8))
        let commit = NitrokeySlotCommit(adminPassword: temporary, slot: .totp(0), counterOrInterval: 30, config: [])
        for request: NitrokeyRequest in [
            .firstAuthenticate(pin: admin, temporaryPassword: temporary),
            .sendOTPData(adminPassword: temporary, kind: .name, chunk: 0, data: name),
            .sendOTPData(adminPassword: temporary, kind: .secret, chunk: 0, data: secret),
            .writeToSlot(commit),
        ] {
            guard let response = try send(pro, request) else { return false }
            #expect(response.result == .ok)
        }
        return true
    }

    func adminTries(_ pro: NitrokeyPro) throws -> Int {
        NitrokeyAnswer.retryCount(try #require(try send(pro, .getPasswordRetryCount)).payload)
    }

    @Test(arguments: 0..<12)
    func aPowerCutAtAnyFlashStepOfProgrammingUsesNoAdminPINTry(steps: Int) throws {
        let pro = try makePro()
        for _ in 0..<5 {
            pro.cutPower(afterFlashSteps: steps)
            _ = try program(pro)
            try pro.powerOn()
            #expect(try adminTries(pro) == 3)
        }
    }

    @Test func aPowerCutWhileAWrongPINIsCountedLeavesTheTriesAsTheyWere() throws {
        let pro = try makePro()
        pro.cutPower(afterFlashSteps: 0)
        #expect(try send(pro, .firstAuthenticate(pin: wrong, temporaryPassword: temporary)) == nil)
        try pro.powerOn()
        #expect(try adminTries(pro) == 3)
        #expect(try send(pro, .firstAuthenticate(pin: wrong, temporaryPassword: temporary))?.result == .wrongPassword)
        #expect(try adminTries(pro) == 2)
    }

    @Test func aRightPINAfterWrongOnesRestoresTheTries() throws {
        let pro = try makePro()
        #expect(try send(pro, .firstAuthenticate(pin: wrong, temporaryPassword: temporary))?.result == .wrongPassword)
        #expect(try send(pro, .firstAuthenticate(pin: wrong, temporaryPassword: temporary))?.result == .wrongPassword)
        #expect(try adminTries(pro) == 1)
        #expect(try send(pro, .firstAuthenticate(pin: admin, temporaryPassword: temporary))?.result == .ok)
        #expect(try adminTries(pro) == 3)
    }

    @Test func threeWrongPINsStillBlockTheAdminPIN() throws {
        let pro = try makePro()
        for _ in 0..<3 {
            #expect(
                try send(pro, .firstAuthenticate(pin: wrong, temporaryPassword: temporary))?.result == .wrongPassword)
        }
        #expect(try adminTries(pro) == 0)
        #expect(try send(pro, .firstAuthenticate(pin: admin, temporaryPassword: temporary))?.result == .wrongPassword)
    }
}
