import ArgumentParser
import EmulatorServer
import Foundation
import NitrokeyWire
import VirtualToken

@main
struct Emulator: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenforge-emulator",
        abstract: "Serve virtual OTP tokens to hidapi programs through the TokenForge stand-in library.",
        discussion: """
            Programs reach the tokens through the stand-in library: put its directory first on \
            LD_LIBRARY_PATH (scripts/standin-libdir prints it) and set TOKENFORGE_EMULATOR_SOCKET \
            to the socket path. The socket protocol is in docs/emulator-socket.md.

            \(EmulatorExitStatus.helpText)
            """,
        subcommands: [Serve.self, Control.self],
        defaultSubcommand: Serve.self
    )

    /// Runs a command and maps failures to the documented exit statuses.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as EmulatorFailure {
            FileHandle.standardError.write(Data("tokenforge-emulator: \(failure.message)\n".utf8))
            Foundation.exit(failure.status.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    static var defaultSocket: String {
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/tokenforge-emulator.sock"
        }
        return "/tmp/tokenforge-emulator-\(getuid()).sock"
    }
}

struct SocketOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The Unix socket (default: TOKENFORGE_EMULATOR_SOCKET, else $XDG_RUNTIME_DIR/tokenforge-emulator.sock).",
            valueName: "PATH"))
    var socket: String?

    var path: String {
        socket ?? ProcessInfo.processInfo.environment["TOKENFORGE_EMULATOR_SOCKET"] ?? Emulator.defaultSocket
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve virtual tokens until stopped (SIGINT or SIGTERM).",
        discussion: """
            Each token keeps its flash in STATE_DIR/SERIAL.flash, so it survives restarts.

            \(EmulatorExitStatus.helpText)
            """)

    @OptionGroup var socket: SocketOption
    @Option(
        help: ArgumentHelp("Where flash images live (default: ~/.local/share/tokenforge/tokens).", valueName: "DIR"))
    var stateDir: String?
    @Option(help: "How many spec tokens to serve (serials TFEMU0001, TFEMU0002, …; 0 for none).") var count = 1
    @Option(help: ArgumentHelp("A token serial; repeat for several (overrides --count).", valueName: "SERIAL"))
    var serial: [String] = []
    @Option(
        help:
            "How many Nitrokey Pro tokens to serve (named NKEMU0001, …; USB serials of 24 hex digits as a real Pro's).")
    var nitrokey = 0
    @Option(
        help: ArgumentHelp(
            "The Nitrokey Pro firmware to emulate: 0.15, or 0.7 for the older write protocol.", valueName: "VERSION"))
    var nitrokeyFirmware = "0.15"
    @Option(
        help: ArgumentHelp(
            "Delay every input report of a spec token by this much; a Nitrokey Pro takes this long over each command, answering busy meanwhile.",
            valueName: "MILLISECONDS"))
    var latency = 0
    @Option(
        help: ArgumentHelp(
            "Each Nitrokey Pro command's duration: MILLISECONDS for all, or \"realistic\" for an estimate per command (flash page writes, smart card I/O); overrides --latency for the Pros.",
            valueName: "MILLISECONDS|realistic"))
    var nitrokeyLatency: String?
    @Option(
        help:
            "How many virtual YubiKeys (OATH application) to put into vsmartcard's virtual readers, one per reader port from --vpcd on (flash YKEMU0001.flash, …).")
    var yubikey = 0
    @Option(
        help: ArgumentHelp(
            "The first virtual reader's card port (vpcd in pcscd; /etc/reader.conf.d/vpcd).", valueName: "HOST:PORT"))
    var vpcd = "127.0.0.1:35963"
    @Option(
        help: ArgumentHelp(
            "How long each virtual YubiKey takes over each command APDU before it answers.", valueName: "MILLISECONDS"))
    var yubikeyLatency = 0
    @Option(
        help: ArgumentHelp(
            "Arm a fault at start, as a CONTROL command without the serial, e.g. \"stall on\" or \"power-cut 3\" (applies to every token).",
            valueName: "FAULT"))
    var fault: [String] = []

    func validate() throws {
        guard (0...64).contains(count), (0...64).contains(nitrokey), (0...8).contains(yubikey) else {
            throw ValidationError("--count and --nitrokey must be 0 to 64, --yubikey 0 to 8.")
        }
        guard count + nitrokey + yubikey > 0 || !serial.isEmpty else { throw ValidationError("serve at least one token.") }
        guard vpcdAddress != nil else { throw ValidationError("--vpcd is an IPv4 HOST:PORT, e.g. 127.0.0.1:35963.") }
        if let nitrokeyLatency, NitrokeyLatency(nitrokeyLatency) == nil {
            throw ValidationError("--nitrokey-latency is a number of milliseconds or \"realistic\".")
        }
        guard let firmware = NitrokeyFirmware(nitrokeyFirmware), firmware.major == 0, firmware.minor <= 15 else {
            throw ValidationError("--nitrokey-firmware is a Pro firmware version such as 0.15 or 0.7.")
        }
        guard latency >= 0 else { throw ValidationError("--latency must be 0 or more.") }
        guard yubikeyLatency >= 0 else { throw ValidationError("--yubikey-latency must be 0 or more.") }
        guard fault.allSatisfy({ !$0.split(separator: " ").isEmpty }) else {
            throw ValidationError("--fault needs a control command, e.g. \"stall on\".")
        }
        for name in serial
        where name.isEmpty || name.utf8.count > 32
            || name.contains(where: { !$0.isLetter && !$0.isNumber && $0 != "-" })
        {
            throw ValidationError("serial \"\(name)\" must be 1 to 32 letters, digits or hyphens.")
        }
    }

    var vpcdAddress: (host: String, port: UInt16)? {
        let parts = vpcd.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]), port > 0 else { return nil }
        return (String(parts[0]), port)
    }

    func run() throws {
        let directory = stateDir ?? FlashImageLocation.directory()
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw EmulatorFailure(status: .cannotCreate, message: "\(directory): \(error.localizedDescription)")
        }
        let serials = serial.isEmpty ? (0..<count).map { String(format: "TFEMU%04d", $0 + 1) } : serial
        var devices: [EmulatedDevice] = []
        for name in serials {
            let clock = DriftingClock()
            var random = SystemRandomNumberGenerator()
            let path = directory + "/" + name + ".flash"
            let token: SpecToken
            do throws(FlashError) {
                token = try SpecToken(
                    medium: FileFlashMedium(path: path), clock: clock,
                    newIdentity: DeviceIdentity.manufacture(serial: name, using: &random))
            } catch {
                throw EmulatorFailure(unusableFlash: path, error)
            }
            devices.append(SpecTokenDevice(token: token, clock: clock))
        }
        let nitrokeys = (0..<nitrokey).map { String(format: "NKEMU%04d", $0 + 1) }
        var configuration = NitrokeyPro.Configuration()
        configuration.firmware = NitrokeyFirmware(nitrokeyFirmware) ?? .zeroFifteen
        configuration.latency = nitrokeyLatency.flatMap(NitrokeyLatency.init) ?? .uniform(milliseconds: latency)
        for (index, name) in nitrokeys.enumerated() {
            let path = directory + "/" + name + ".flash"
            let pro: NitrokeyPro
            do throws(FlashError) {
                pro = try NitrokeyPro(
                    medium: FileFlashMedium(path: path), clock: SystemDeviceClock(),
                    configuration: configuration, cardSerial: 0x4E4B_0000 + UInt32(index + 1))
            } catch {
                throw EmulatorFailure(unusableFlash: path, error)
            }
            devices.append(NitrokeyProDevice(pro: pro, name: name))
        }
        let yubikeys = (0..<yubikey).map { String(format: "YKEMU%04d", $0 + 1) }
        var links: [VPCDCardLink] = []
        for (index, name) in yubikeys.enumerated() {
            let path = directory + "/" + name + ".flash"
            let card: OATHCard
            do throws(FlashError) {
                card = try OATHCard(medium: FileFlashMedium(path: path), serial: 30_000_001 + UInt32(index))
            } catch {
                throw EmulatorFailure(unusableFlash: path, error)
            }
            guard let address = vpcdAddress, address.port <= UInt16.max - UInt16(index) else {
                throw EmulatorFailure(status: .usage, message: "--vpcd \(vpcd) leaves no port for YubiKey \(index + 1)")
            }
            links.append(
                VPCDCardLink(
                    card: card, host: address.host, port: address.port + UInt16(index),
                    latency: .milliseconds(yubikeyLatency)))
        }
        let server: EmulatorServer
        do { server = try EmulatorServer(socketPath: socket.path, devices: devices) } catch {
            throw EmulatorFailure(status: .cannotCreate, message: "cannot serve on \(socket.path): \(error)")
        }
        for name in serials + nitrokeys {
            if latency > 0, serials.contains(name) { _ = try server.control("latency \(name) \(latency)") }
            for command in fault {
                let words = command.split(separator: " ")
                do {
                    _ = try server.control(
                        ([String(words[0]), name] + words.dropFirst().map(String.init)).joined(separator: " "))
                } catch {
                    throw EmulatorFailure(status: .usage, message: "--fault \"\(command)\": \(error)")
                }
            }
        }
        Emulator.cleanupPath = strdup(socket.path)
        // A parent may have started us with these blocked; stopping must work all the same.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGINT)
        sigaddset(&stopSignals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        for signal in [SIGINT, SIGTERM] {
            Foundation.signal(signal) { _ in
                if let path = Emulator.cleanupPath { unlink(path) }
                _exit(0)
            }
        }
        for link in links { link.start() }
        let cards = links.map { "\($0.host):\($0.port)" }.joined(separator: ", ")
        FileHandle.standardOutput.write(
            Data(
                ("tokenforge-emulator: serving \((serials + nitrokeys).joined(separator: ", ")) on \(socket.path)"
                    + (links.isEmpty ? "" : "; YubiKeys \(yubikeys.joined(separator: ", ")) to vpcd at \(cards)") + "\n").utf8
            ))
        server.run()
    }
}

extension Emulator {
    /// The socket to remove when a signal stops the server.
    nonisolated(unsafe) static var cleanupPath: UnsafeMutablePointer<CChar>? = nil
}

struct Control: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Send a control command to a running emulator (list, unplug, plug, drop, duplicate, corrupt, stall, stall-after, power-cut, latency, clock).",
        discussion: """
            Examples: control list; control unplug TFEMU0001; control stall TFEMU0001 on; control clock TFEMU0001 120

            \(EmulatorExitStatus.helpText)
            """)

    @OptionGroup var socket: SocketOption
    @Argument(help: "The command and its arguments.") var words: [String]

    func run() throws {
        let reply: SocketMessage
        do {
            let connection = try SocketConnection.connect(to: socket.path)
            try connection.send(SocketMessage(.control, ByteWriter().string(words.joined(separator: " ")).bytes))
            reply = try connection.receive()
        } catch {
            throw EmulatorFailure(
                status: .unavailable, message: "cannot reach the emulator on \(socket.path): \(error)")
        }
        var reader = ByteReader(reply.body)
        let text = (try? reader.string()) ?? ""
        guard reply.kind == .controlOK else { throw EmulatorFailure(status: .rejected, message: text) }
        print(text)
    }
}

/// The exit statuses of tokenforge-emulator, from sysexits(3) where one fits.
enum EmulatorExitStatus: Int32, CaseIterable {
    case success = 0
    case rejected = 1
    case usage = 64
    case corruptFlash = 65
    case unavailable = 69
    case cannotCreate = 73
    case flashIO = 74

    var meaning: String {
        switch self {
        case .success: "success"
        case .rejected: "the emulator refused the control command (unknown command or serial, bad argument)"
        case .usage: "wrong options or arguments"
        case .corruptFlash: "a flash image is damaged or not a TokenForge flash image"
        case .unavailable: "the emulator cannot be reached on the socket"
        case .cannotCreate: "the state directory or the socket cannot be created"
        case .flashIO: "a flash image cannot be read or written"
        }
    }

    static var helpText: String {
        "Exit status:\n" + allCases.map { "  \($0.rawValue)\t\($0.meaning)" }.joined(separator: "\n")
    }
}

/// A failure the user can act on, with the exit status it maps to.
struct EmulatorFailure: Error {
    let status: EmulatorExitStatus
    let message: String

    init(status: EmulatorExitStatus, message: String) {
        self.status = status
        self.message = message
    }

    /// A flash image the emulator cannot mount: unreadable, or damaged.
    init(unusableFlash path: String, _ error: FlashError) {
        if case .io = error {
            self.init(status: .flashIO, message: "\(path): \(error)")
        } else {
            self.init(status: .corruptFlash, message: "\(path): \(error)")
        }
    }
}
