import TokenModel
import OTPCore
import PropertyBased
import Testing
import TokenWire
import VirtualToken

/// Random command sequences against the token, checking the spec's invariants after each step.
struct CommandSequencePropertyTests {
    enum Step: CaseIterable, Sendable {
        case setPIN, verifyRight, verifyWrong, changePIN, put, putFirstFree, calculate, list, delete, info, attest
        case reset, powerCycle
    }

    static let pin = PIN("24681357")

    @Test func noResponseEverCarriesASecretAndABlockedPINStaysBlocked() async {
        let steps = Gen<Step>.case.array(of: 1...60)
        let slots = Gen.int(in: 0...5).array(of: 60)
        await propertyCheck(count: 150, input: steps, slots) { steps, slots in
            do {
                try Self.run(steps, slots: slots)
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    static func run(_ steps: [Step], slots: [Int]) throws {
        let token = try makeToken()
        var host = try TestHost(token: token)
        var secrets: [Int: [UInt8]] = [:]
        var blocked = false
        var written: [[UInt8]] = []
        for (index, step) in steps.enumerated() {
            let slot = slots[index]
            // 24 bytes that cannot occur by chance in a response.
            let secret = (0..<24).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ index &* 101 &+ 13) }
            let request: TokenRequest
            switch step {
            case .setPIN: request = .setPIN(pin)
            case .verifyRight: request = .verifyPIN(pin)
            case .verifyWrong: request = .verifyPIN(PIN("00000000"))
            case .changePIN: request = .changePIN(current: pin, new: pin)
            case .put: request = totpSlot(slot, secret: secret, overwrite: true)
            case .putFirstFree: request = totpSlot(0xFF, secret: secret)
            case .calculate: request = .calculate(SlotIndex(slot), time: 59)
            case .list: request = .listSlots(start: SlotIndex(0))
            case .delete: request = .deleteSlot(SlotIndex(slot))
            case .info: request = .getInfo
            case .attest: request = .attest
            case .reset: request = .factoryReset(confirmation: TokenRequest.factoryResetConfirmation)
            case .powerCycle:
                try token.powerOn()
                host = try TestHost(token: token)
                continue
            }
            let response = try host.send(request)
            let bytes = response.encoded()
            if case .putSlot = request, response.status == .ok { written.append(secret) }
            for secret in written { #expect(!bytes.containsSubsequence(secret), "\(step) leaked a secret") }
            switch (step, response.status) {
            case (.verifyWrong, .pinBlocked), (.verifyRight, .pinBlocked), (.changePIN, .pinBlocked): blocked = true
            case (.reset, .ok): blocked = false
            case (.verifyRight, .ok), (.changePIN, .ok): #expect(!blocked, "a PIN was accepted after lockout")
            default: break
            }
            if case .put = step, response.status == .ok { secrets[slot] = secret }
            if case .calculate = step, response.status == .ok, let secret = secrets[slot] {
                let expected = try HOTPGenerator(secret: Secret(bytes: secret), digits: 8).code(counter: 1)
                #expect(try CalculatedCode(fields: response.fields).code == expected)
            }
            if case .delete = step, response.status == .ok { secrets[slot] = nil }
            if case .reset = step, response.status == .ok { secrets = [:] }
            if case .putFirstFree = step, response.status == .ok,
                let used = response.fields.first(where: { $0.tag == .slot })?.value.first
            {
                secrets[Int(used)] = secret
            }
        }
    }
}
