import ArgumentParser
import Discovery
import Foundation
import HIDAPITransport
import PCSCTransport
import OTPCore
import Provisioning
import TokenDrivers
import TokenModel
import TokenTransport

struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices", abstract: "List the OTP tokens connected (every HID device with --all).",
        discussion: ExitStatus.helpText)

    @Flag(help: "List every HID device, supported or not.") var all = false
    @Flag(help: "Print a JSON array instead of text.") var json = false

    struct Output: Encodable {
        let path: String
        let serial: String
        let family: String?
        let vendorID: String
        let productID: String
        let product: String
    }

    func run() throws {
        let devices: [(device: HIDDeviceInfo, family: TokenFamily?)]
        do { devices = try TokenDiscovery(bus: HIDAPIBus(), smartCards: try? PCSCBus()).allDevices() } catch { throw CLIFailure(error) }
        let listed = devices.filter { all || $0.family != nil }.map { entry in
            Output(
                path: entry.device.path, serial: entry.device.serialNumber, family: entry.family?.name,
                vendorID: String(format: "%04x", entry.device.vendorID),
                productID: String(format: "%04x", entry.device.productID), product: entry.device.product)
        }
        if json { return try JSONOutput.print(listed) }
        if listed.isEmpty { print(all ? "no HID devices" : "no supported token is connected") }
        for device in listed {
            let serial = PrintableText.escaped(device.serial)
            let path = PrintableText.escaped(device.path)
            print("\(serial)\t\(device.vendorID):\(device.productID)\t\(device.family ?? "unsupported")\t\(path)")
        }
    }
}

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show a token's serial, firmware, slots, clock and PIN state.",
        discussion: ExitStatus.helpText)

    @OptionGroup var device: DeviceOptions
    @Flag(help: "Print a JSON object instead of text.") var json = false

    struct Output: Encodable {
        let serial: String
        let family: String
        let firmware: String
        let slots: Int
        let freeSlots: Int
        let algorithms: [String]
        let time: UInt64?
        let clockDriftSeconds: Int64?
        let clockReadable: Bool
        let pinSet: Bool
        let pinRetries: Int
        let userPinRetries: Int?
        let encryptedSeedImport: Bool
    }

    func run() throws {
        let driver = try device.openDriver()
        let (info, capabilities) = try withDriver { (try driver.tokenInfo(), try driver.capabilities()) }
        let now = Int64(Date().timeIntervalSince1970)
        let output = Output(
            serial: info.serial, family: info.family, firmware: info.firmware, slots: info.slotCount,
            freeSlots: info.freeSlots, algorithms: info.algorithms.map(\.rawValue), time: info.time,
            clockDriftSeconds: info.time.map {
                Int64(clamping: $0).subtractingReportingOverflow(now).partialValue
            }, clockReadable: capabilities.readableClock,
            pinSet: info.pinSet, pinRetries: info.pinRetries, userPinRetries: info.userPINRetries,
            encryptedSeedImport: info.encryptedSeedImport)
        if json { return try JSONOutput.print(output) }
        let clock =
            output.clockDriftSeconds.map { "\($0 >= 0 ? "+" : "")\($0) s from this computer" }
            ?? (output.clockReadable ? "not set" : "cannot be read (program, code --slot and time --sync set it)")
        let pinState =
            output.userPinRetries.map { "admin PIN \(output.pinRetries) tries left, user PIN \($0) tries left" }
            ?? (output.pinSet ? "set, \(output.pinRetries) tries left" : "not set (tokenforge pin set)")
        print("serial:      \(PrintableText.escaped(output.serial))")
        print("family:      \(output.family)")
        print("firmware:    \(PrintableText.escaped(output.firmware))")
        print("slots:       \(output.slots - output.freeSlots) used, \(output.freeSlots) free")
        print("algorithms:  \(output.algorithms.joined(separator: ", "))")
        print("clock:       \(clock)")
        print("PIN:         \(pinState)")
        print("seed import: \(output.encryptedSeedImport ? "encrypted (ECDH P-256 + AES-GCM)" : "plain only")")
    }
}

struct SlotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slots", abstract: "List a token's used slots (never their secrets).",
        discussion: ExitStatus.helpText)

    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions
    @Flag(help: "Print a JSON array instead of text.") var json = false

    struct Output: Encodable {
        let slot: Int
        let type: String
        let algorithm: String
        let digits: Int
        let period: UInt32?
        let counter: UInt64?
        let issuer: String
        let account: String
    }

    func run() throws {
        let driver = try device.openDriver()
        let entries = try withDriver {
            if try driver.capabilities().pinToRead { try driver.verifyPIN(try pin.pin()) }
            return try driver.slots()
        }
        let output = entries.map { entry -> Output in
            let configuration = entry.configuration
            var period: UInt32?
            var counter: UInt64?
            switch configuration.kind {
            case .totp(let value): period = value
            case .hotp(let value): counter = value
            }
            return Output(
                slot: Int(entry.slot.rawValue), type: counter == nil ? "totp" : "hotp",
                algorithm: configuration.algorithm.rawValue,
                digits: configuration.digits, period: period, counter: counter, issuer: configuration.issuer,
                account: configuration.account)
        }
        if json { return try JSONOutput.print(output) }
        if output.isEmpty { print("no slot is in use") }
        for slot in output {
            let timing = slot.period.map { "\($0) s" } ?? "counter \(slot.counter!)"
            let label = PrintableText.escaped(slot.issuer.isEmpty ? slot.account : "\(slot.issuer):\(slot.account)")
            print("\(slot.slot)\t\(slot.type.uppercased()) \(slot.algorithm) \(slot.digits) digits \(timing)\t\(label)")
        }
    }
}

struct EraseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase", abstract: "Erase one slot of a token (its secret bytes are wiped).",
        discussion: ExitStatus.helpText)

    @Argument(help: "The slot to erase.") var slot: Int
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions

    func validate() throws {
        guard (0...254).contains(slot) else { throw ValidationError("the slot is a number from 0 to 254.") }
    }

    func run() throws {
        let driver = try device.openDriver()
        let pin = try withDriver { try driver.needsPINToProgram() } ? try pin.pin() : nil
        try withDriver { try TokenMaintenance(driver: driver).erase(SlotIndex(slot), pin: pin) }
        print("erased slot \(slot)")
    }
}

struct TimeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "time", abstract: "Show how far a token's clock is from this computer's; --sync sets it.",
        discussion: ExitStatus.helpText)

    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions
    @Flag(help: "Set the token's clock to this computer's (needs the PIN).") var sync = false
    @Flag(help: "Print a JSON object instead of text.") var json = false

    struct Output: Encodable {
        let tokenTime: UInt64?
        let hostTime: Int64
        let driftSeconds: Int64?
        let synced: Bool
        let readable: Bool
    }

    func run() throws {
        let driver = try device.openDriver()
        let maintenance = TokenMaintenance(driver: driver)
        let now = Int64(Date().timeIntervalSince1970)
        let reading = try withDriver {
            sync ? try maintenance.synchroniseClock(now: now) { try pin.pin() } : try maintenance.readClock(now: now)
        }
        let output = Output(
            tokenTime: reading.tokenTime, hostTime: reading.hostTime, driftSeconds: reading.drift,
            synced: reading.synchronised, readable: reading.readable)
        if json { return try JSONOutput.print(output) }
        if !output.readable, try withDriver({ try driver.capabilities().codesAtAnyTime && driver.time() == nil }) {
            return print("clock: none; this token computes each code for the time TokenForge sends")
        }
        let drift =
            output.driftSeconds.map { "\($0 >= 0 ? "+" : "")\($0) s from this computer" }
            ?? (output.readable ? "not set" : "cannot be read from this token")
        if output.synced {
            print(output.readable ? "clock was \(drift); now set to this computer's" : "clock set to this computer's")
        } else {
            print(output.readable ? "clock: \(drift)" : "clock: \(drift); `tokenforge time --sync` sets it")
        }
    }
}

struct ResetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset",
        abstract: "Factory-reset a token: every slot and the PIN are erased (the way out of a blocked PIN).",
        discussion: ExitStatus.helpText)

    @OptionGroup var device: DeviceOptions
    @OptionGroup(title: "PIN (a Nitrokey's admin PIN: its factory reset asks for it)") var pin: PINOptions
    @Flag(help: "Do not ask for confirmation.") var yes = false

    func run() throws {
        let driver = try device.openDriver()
        let (serial, capabilities) = try withDriver { (try driver.serialNumber(), try driver.capabilities()) }
        if !yes {
            let shown = PrintableText.escaped(serial)
            let erased =
                capabilities.alwaysHasPIN
                ? "every slot of token \(shown) and resets its PINs" : "every slot and the PIN of token \(shown)"
            print("This erases \(erased). Type its serial to confirm: ", terminator: "")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == serial else {
                throw CLIFailure(status: .refused, message: "not confirmed: nothing was erased")
            }
        }
        try withDriver { try TokenMaintenance(driver: driver).factoryReset { try pin.pin(prompt: "Admin PIN: ") } }
        if let factoryPIN = capabilities.pinRule.factoryDefault {
            print("token \(PrintableText.escaped(serial)) reset: no slots; PINs back to the factory defaults (\(capabilities.pinRule.name) \(factoryPIN))")
        } else {
            print("token \(PrintableText.escaped(serial)) reset: no slots, no PIN")
        }
    }
}

struct PINCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin", abstract: "Set, change or check a token's PIN.",
        subcommands: [Set.self, Change.self, Verify.self])

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the PIN of a token that has none.", discussion: ExitStatus.helpText)
        @OptionGroup var device: DeviceOptions
        @Option(
            help: ArgumentHelp(
                "Read the new PIN from FILE (\"-\" for standard input); else TOKENFORGE_NEW_PIN; else a prompt.",
                valueName: "FILE"))
        var newPinFile: String?

        func run() throws {
            let driver = try device.openDriver()
            let pin = try PINInput.read(file: newPinFile, environment: "TOKENFORGE_NEW_PIN", prompt: "New PIN: ")
            try withDriver { try TokenMaintenance(driver: driver).setPIN(pin) }
            print("PIN set")
        }
    }

    struct Change: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change the PIN.", discussion: ExitStatus.helpText)
        @OptionGroup var device: DeviceOptions
        @OptionGroup var pin: PINOptions
        @Option(
            help: ArgumentHelp("Read the new PIN from FILE; else TOKENFORGE_NEW_PIN; else a prompt.", valueName: "FILE")
        )
        var newPinFile: String?

        func run() throws {
            let driver = try device.openDriver()
            let current = try pin.pin(prompt: "Current PIN: ")
            let new = try PINInput.read(file: newPinFile, environment: "TOKENFORGE_NEW_PIN", prompt: "New PIN: ")
            try withDriver { try TokenMaintenance(driver: driver).changePIN(from: current, to: new) }
            print("PIN changed")
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the PIN (a wrong one uses up a try).", discussion: ExitStatus.helpText)
        @OptionGroup var device: DeviceOptions
        @OptionGroup var pin: PINOptions

        func run() throws {
            let driver = try device.openDriver()
            try withDriver { try driver.verifyPIN(try pin.pin()) }
            print("PIN correct")
        }
    }
}
