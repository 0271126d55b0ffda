import EmulatorServer
import Foundation
import NitrokeyProFamily
import NitrokeyWire
import OTPCore
import Provisioning
import SpecTokenFamily
import TokenDrivers
import TokenModel
import TokenTesting
import TokenTransport
import VirtualToken
import YubiKeyOATHFamily

// Fault soak: program/verify cycles on every emulated family with a random fault armed at a
// random point of each cycle; after each cycle the token is read back through a fresh driver.
// Usage: soak [CYCLES per family, default 2000] [SEED]
// Counts (target 0): false "verified" (reported verified, the token disagrees), half-written
// slots (neither the old nor the new credential), token states the model cannot explain.

/// One clock for the driver and the device: the device sees the time the driver waits.
final class SharedClock: DeviceClock, @unchecked Sendable {
    let transport = ManualTransportClock()
    let epoch: Int64 = 1_700_000_000
    var seconds: Int64 { epoch + transport.now.components.seconds }
    var milliseconds: UInt64 { UInt64(transport.now.components.seconds) * 1_000 + UInt64(transport.now.components.attoseconds / 1_000_000_000_000_000) }
}

enum Fault: CaseIterable {
    case none, drop, duplicate, corrupt, stall, unplug, powerCut, latency
}

/// Arms the cycle's fault after `trigger` reports or APDUs have gone out.
final class FaultTrigger {
    var trigger = Int.max
    var arm: () -> Void = {}
    /// Whether the cycle got as far as the trigger, so that its fault was armed.
    private(set) var fired = false
    private var count = 0
    func tick() {
        count += 1
        if count == trigger {
            fired = true
            arm()
        }
    }
}

/// A HID connection that ticks the trigger for every report sent.
final class FaultyConnection: HIDConnection {
    let inner: InProcessHIDConnection
    let trigger: FaultTrigger?
    init(_ inner: InProcessHIDConnection, trigger: FaultTrigger?) {
        self.inner = inner
        self.trigger = trigger
    }
    var info: HIDDeviceInfo { inner.info }
    func write(_ report: [UInt8]) throws(HIDError) {
        trigger?.tick()
        try inner.write(report)
    }
    func read(timeoutMilliseconds: Int) throws(HIDError) -> [UInt8]? { try inner.read(timeoutMilliseconds: timeoutMilliseconds) }
    func sendFeatureReport(_ data: [UInt8]) throws(HIDError) {
        trigger?.tick()
        try inner.sendFeatureReport(data)
    }
    func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8] {
        try inner.featureReport(id: id, length: length)
    }
}

/// A smart-card connection that ticks the trigger for every APDU sent; a duplicate fault has
/// the reader send the APDU twice (the card carries it out twice, the host gets the second answer).
final class FaultySmartCardConnection: SmartCardConnection {
    let inner: InProcessSmartCardConnection
    let trigger: FaultTrigger?
    init(_ inner: InProcessSmartCardConnection, trigger: FaultTrigger?) {
        self.inner = inner
        self.trigger = trigger
    }
    var reader: SmartCardReaderInfo { inner.reader }
    func transmit(_ apdu: [UInt8]) throws(SmartCardError) -> [UInt8] {
        trigger?.tick()
        if inner.card.faults.duplicateOutgoing > 0 {
            inner.card.faults.duplicateOutgoing -= 1
            _ = try? inner.transmit(apdu)
        }
        return try inner.transmit(apdu)
    }
}

/// A family under soak: how to reach it, how faults reach it, and which slots to use.
struct Family {
    let name: String
    let setFaults: ((inout TransportFaults) -> Void) -> Void
    let cutPower: (Int) -> Void
    let setLatency: (Int) -> Void
    let powerOn: () -> Void
    let pin: PIN
    /// A driver on a new connection; `trigger` ticks for everything sent.
    let connect: (FaultTrigger?) throws(TokenError) -> any OTPTokenDriver
    let slots: [(SlotIndex, SlotConfiguration.Kind)]
    /// TOTP codes are asked for the host's time (the token has no clock of its own to trust).
    var hostTime = false
    /// Credentials are found by name (YKOATH): each slot keeps one name, which PUT replaces in place.
    var namedSlots = false
}

struct Counts {
    var cycles = 0
    var verified = 0
    var failed = 0
    var faultsFired = 0
    var falseVerified = 0
    var halfWritten = 0
    var unexplained = 0
    var outcomes: [String: Int] = [:]
}

/// SplitMix64 behind a reference, so the fault closures draw from the cycle's one sequence.
final class SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let seed = CommandLine.arguments.count > 2 ? UInt64(CommandLine.arguments[2]) ?? 2_026 : 2_026
let cyclesPerFamily = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2_000 : 2_000

func makeFamilies(clock: SharedClock) throws -> [Family] {
    var families: [Family] = []
    for firmware in [[UInt8(1), 1, 0], [1, 0, 0]] {
        var configuration = SpecToken.Configuration()
        configuration.firmwareVersion = firmware
        var generator = SystemRandomNumberGenerator()
        let token = try SpecToken(
            medium: MemoryFlashMedium(), clock: clock, configuration: configuration,
            newIdentity: DeviceIdentity.manufacture(serial: "TFSOAK\(firmware[1])", using: &generator))
        let device = SpecTokenDevice(token: token, clock: DriftingClock())
        families.append(
            Family(
                name: "spec token \(firmware.map(String.init).joined(separator: "."))",
                setFaults: { change in change(&token.faults) },
                cutPower: { token.cutPower(afterFlashSteps: $0) }, setLatency: { _ in },
                powerOn: { try? device.powerOn() }, pin: PIN("583920"),
                connect: { (trigger) throws(TokenError) in
                    try SpecTokenDriver(
                        connection: FaultyConnection(
                            InProcessHIDConnection(device: device, clock: clock.transport), trigger: trigger),
                        settings: DriverSettings(timeoutMilliseconds: 300, clock: clock.transport))
                },
                slots: [(SlotIndex(0), .totp(period: 30)), (SlotIndex(1), .totp(period: 60)), (SlotIndex(2), .hotp(counter: 0))],
                hostTime: true))
    }
    for firmware in [NitrokeyFirmware.zeroFifteen, .zeroSeven] {
        var configuration = NitrokeyPro.Configuration()
        configuration.firmware = firmware
        let pro = try NitrokeyPro(medium: MemoryFlashMedium(), clock: clock, configuration: configuration, cardSerial: 0x50AC)
        let device = NitrokeyProDevice(pro: pro, name: "NKSOAK")
        families.append(
            Family(
                name: "Nitrokey Pro \(firmware)",
                setFaults: { change in change(&pro.faults) }, cutPower: { pro.cutPower(afterFlashSteps: $0) },
                setLatency: { pro.latency = .uniform(milliseconds: $0) }, powerOn: { try? device.powerOn() },
                pin: PIN("12345678"),
                connect: { (trigger) throws(TokenError) in
                    try NitrokeyDriver(
                        connection: FaultyConnection(
                            InProcessHIDConnection(device: device, clock: clock.transport), trigger: trigger),
                        settings: DriverSettings(timeoutMilliseconds: 300, clock: clock.transport))
                },
                slots: [(SlotIndex(0), .totp(period: 30)), (SlotIndex(1), .totp(period: 30)), (SlotIndex(15), .hotp(counter: 0))]))
    }
    // The YubiKey's OATH application answers at once (no clock, so latency is a no-op).
    let card = try OATHCard(medium: MemoryFlashMedium(), serial: 0x50AC)
    families.append(
        Family(
            name: "YubiKey OATH \(card.configuration.version.map(String.init).joined(separator: "."))",
            setFaults: { change in change(&card.faults) }, cutPower: { card.cutPower(afterFlashSteps: $0) },
            setLatency: { _ in }, powerOn: { try? card.powerOn() }, pin: PIN("soak password"),
            connect: { (trigger) throws(TokenError) in
                try YubiKeyOATHDriver(
                    connection: FaultySmartCardConnection(InProcessSmartCardConnection(card: card), trigger: trigger))
            },
            slots: [(SlotIndex(0), .totp(period: 30)), (SlotIndex(1), .totp(period: 60)), (SlotIndex(2), .hotp(counter: 0))],
            hostTime: true, namedSlots: true))
    return families
}

/// What the model knows a slot holds.
struct Credential: Equatable {
    var secret: [UInt8]
    var configuration: SlotConfiguration
}

/// The counter (HOTP) or time step (TOTP, ±1) at which `credential` gives `code`, if any.
func match(_ credential: Credential, code: String, at time: Int64) -> UInt64? {
    guard
        let generator = try? HOTPGenerator(
            secret: Secret(bytes: credential.secret), algorithm: credential.configuration.algorithm,
            digits: credential.configuration.digits)
    else { return nil }
    switch credential.configuration.kind {
    case .totp(let period):
        let step = UInt64(time) / UInt64(period)
        return [step &- 1, step, step + 1].first { generator.code(counter: $0) == code }
    case .hotp(let counter):
        // Codes read while the answer was lost move the counter on.
        return (counter..<(counter + 8)).first { generator.code(counter: $0) == code }
    }
}

/// A credential for `slot`: a random 20-byte seed, 6 or 8 digits, an HOTP counter up to 1,000.
func draw(_ slot: SlotIndex, _ kind: SlotConfiguration.Kind, account: String, using random: inout SeededRandom)
    -> Credential
{
    let secret = (0..<20).map { _ in UInt8.random(in: 0...255, using: &random) }
    var configurationKind = kind
    if case .hotp = kind { configurationKind = .hotp(counter: UInt64.random(in: 0...1_000, using: &random)) }
    let configuration = SlotConfiguration(
        kind: configurationKind, algorithm: .sha1, digits: Bool.random(using: &random) ? 6 : 8, issuer: "Soak",
        account: account)
    return Credential(secret: secret, configuration: configuration)
}

func program(_ credential: Credential, slot: SlotIndex, family: Family, driver: any OTPTokenDriver, now: Int64) throws {
    try driver.verifyPIN(family.pin)
    var options = SlotProgrammer.Options()
    options.overwrite = true
    options.allowTestTokens = true
    options.allowPlainImport = family.namedSlots
    _ = try SlotProgrammer(driver: driver, options: options).program(
        Secret(bytes: credential.secret), configuration: credential.configuration, slot: slot, now: now)
}

func soak(_ family: Family, clock: SharedClock, seed: UInt64) throws -> Counts {
    var random = SeededRandom(seed: seed)
    let shared = random
    var counts = Counts()
    var model: [SlotIndex: Credential] = [:]
    if family.name.hasPrefix("spec") || family.namedSlots { try family.connect(nil).setPIN(family.pin) }
    if family.namedSlots {
        // Slots are the listed order of names: fill them in order, then each keeps its name.
        for (slot, kind) in family.slots {
            let credential = draw(slot, kind, account: "s\(slot.rawValue)", using: &random)
            try program(credential, slot: slot, family: family, driver: try family.connect(nil), now: clock.seconds)
            model[slot] = credential
        }
    }
    for _ in 0..<cyclesPerFamily {
        counts.cycles += 1
        let (slot, kind) = family.slots.randomElement(using: &random)!
        let new = draw(slot, kind, account: family.namedSlots ? "s\(slot.rawValue)" : "u\(counts.cycles)", using: &random)
        let fault = Fault.allCases.randomElement(using: &random)!
        let trigger = FaultTrigger()
        // A YubiKey cycle sends about 8 APDUs, a HID cycle dozens of reports.
        trigger.trigger = Int.random(in: 1...(family.namedSlots ? 8 : 14), using: &random)
        let amount = Int.random(in: 1...3, using: &random)
        trigger.arm = {
            var random = shared
            switch fault {
            case .none: break
            case .drop: family.setFaults { $0.dropIncoming = amount }
            case .duplicate: family.setFaults { $0.duplicateOutgoing = amount }
            case .corrupt: family.setFaults { $0.corruptOutgoing = amount }
            case .stall: family.setFaults { $0.stalled = true }
            case .unplug: family.setFaults { $0.disconnected = true }
            case .powerCut: family.cutPower(Int.random(in: 0...3, using: &random))
            case .latency: family.setLatency(Int.random(in: 1...40, using: &random))
            }
        }
        var verified = false
        var outcome = "verified"
        do {
            try program(new, slot: slot, family: family, driver: try family.connect(trigger), now: clock.seconds)
            verified = true
        } catch {
            outcome = "\(error)".prefix(40).description
        }
        if trigger.fired, fault != .none { counts.faultsFired += 1 }
        counts.outcomes[verified ? "verified" : "\(fault): " + outcome.split(separator: ":").first!, default: 0] += 1
        verified ? (counts.verified += 1) : (counts.failed += 1)
        // Faults off, power back, the card's clock moved on; read the slot with a fresh driver.
        family.setFaults { $0 = TransportFaults() }
        family.setLatency(0)
        family.powerOn()
        clock.transport.advance(by: .seconds(1))
        guard let reader = try? family.connect(nil) else {
            counts.unexplained += 1
            continue
        }
        try? reader.verifyPIN(family.pin)
        let now = clock.seconds
        if case .totp = kind { _ = try? reader.synchroniseClock(to: now) }
        let old = model[slot]
        var isTOTP = false
        if case .totp = kind { isTOTP = true }
        let answer = try? reader.calculate(slot, at: family.hostTime && isTOTP ? UInt64(now) : nil)
        let newMatch = answer.flatMap { match(new, code: $0.code, at: now) }
        let oldMatch = old.flatMap { credential in answer.flatMap { match(credential, code: $0.code, at: now) } }
        if verified, newMatch == nil { counts.falseVerified += 1 }
        var held: Credential?
        var matched: UInt64?
        if let newMatch {
            (held, matched) = (new, newMatch)
        } else if let oldMatch {
            (held, matched) = (old, oldMatch)
        } else if answer != nil || old != nil {
            counts.halfWritten += 1
        }
        // An HOTP slot moves on past each code read.
        if var credential = held, case .hotp = credential.configuration.kind, let matched {
            credential.configuration.kind = .hotp(counter: matched + 1)
            held = credential
        }
        model[slot] = held
    }
    return counts
}

let start = ContinuousClock.now
var totals = Counts()
let clock = SharedClock()
print("family\tcycles\tfaults fired\tverified\tfailed\tfalse verified\thalf-written\tunexplained")
for family in try makeFamilies(clock: clock) {
    let counts = try soak(family, clock: clock, seed: seed)
    print(
        "\(family.name)\t\(counts.cycles)\t\(counts.faultsFired)\t\(counts.verified)\t\(counts.failed)\t\(counts.falseVerified)\t\(counts.halfWritten)\t\(counts.unexplained)")
    for (outcome, number) in counts.outcomes.sorted(by: { $0.key < $1.key }) { print("    \(number)\t\(outcome)") }
    totals.falseVerified += counts.falseVerified
    totals.halfWritten += counts.halfWritten
    totals.unexplained += counts.unexplained
}
print("elapsed \(ContinuousClock.now - start)")
exit(totals.falseVerified + totals.halfWritten + totals.unexplained == 0 ? 0 : 1)
