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
            """,
        subcommands: [Serve.self, Control.self],
        defaultSubcommand: Serve.self
    )

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
        discussion: "Each token keeps its flash in STATE_DIR/SERIAL.flash, so it survives restarts.")

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
        help: ArgumentHelp(
            "Arm a fault at start, as a CONTROL command without the serial, e.g. \"stall on\" or \"power-cut 3\" (applies to every token).",
            valueName: "FAULT"))
    var fault: [String] = []

    func validate() throws {
        guard (0...64).contains(count), (0...64).contains(nitrokey) else {
            throw ValidationError("--count and --nitrokey must be 0 to 64.")
        }
        guard count + nitrokey > 0 || !serial.isEmpty else { throw ValidationError("serve at least one token.") }
        if let nitrokeyLatency, NitrokeyLatency(nitrokeyLatency) == nil {
            throw ValidationError("--nitrokey-latency is a number of milliseconds or \"realistic\".")
        }
        guard let firmware = NitrokeyFirmware(nitrokeyFirmware), firmware.major == 0, firmware.minor <= 15 else {
            throw ValidationError("--nitrokey-firmware is a Pro firmware version such as 0.15 or 0.7.")
        }
        guard latency >= 0 else { throw ValidationError("--latency must be 0 or more.") }
        for name in serial
        where name.isEmpty || name.utf8.count > 32
            || name.contains(where: { !$0.isLetter && !$0.isNumber && $0 != "-" })
        {
            throw ValidationError("serial \"\(name)\" must be 1 to 32 letters, digits or hyphens.")
        }
    }

    func run() throws {
        let directory = stateDir ?? FlashImageLocation.directory()
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let serials = serial.isEmpty ? (0..<count).map { String(format: "TFEMU%04d", $0 + 1) } : serial
        var devices: [EmulatedDevice] = []
        for name in serials {
            let clock = DriftingClock()
            var random = SystemRandomNumberGenerator()
            let token: SpecToken
            do {
                token = try SpecToken(
                    medium: FileFlashMedium(path: directory + "/" + name + ".flash"), clock: clock,
                    newIdentity: DeviceIdentity.manufacture(serial: name, using: &random))
            } catch {
                throw CleanExit.message("tokenforge-emulator: \(directory)/\(name).flash: \(error)")
            }
            devices.append(SpecTokenDevice(token: token, clock: clock))
        }
        let nitrokeys = (0..<nitrokey).map { String(format: "NKEMU%04d", $0 + 1) }
        var configuration = NitrokeyPro.Configuration()
        configuration.firmware = NitrokeyFirmware(nitrokeyFirmware) ?? .zeroFifteen
        configuration.latency = nitrokeyLatency.flatMap(NitrokeyLatency.init) ?? .uniform(milliseconds: latency)
        for (index, name) in nitrokeys.enumerated() {
            let pro: NitrokeyPro
            do {
                pro = try NitrokeyPro(
                    medium: FileFlashMedium(path: directory + "/" + name + ".flash"), clock: SystemDeviceClock(),
                    configuration: configuration, cardSerial: 0x4E4B_0000 + UInt32(index + 1))
            } catch {
                throw CleanExit.message("tokenforge-emulator: \(directory)/\(name).flash: \(error)")
            }
            devices.append(NitrokeyProDevice(pro: pro, name: name))
        }
        let server = try EmulatorServer(socketPath: socket.path, devices: devices)
        for name in serials + nitrokeys {
            if latency > 0, serials.contains(name) { _ = try server.control("latency \(name) \(latency)") }
            for command in fault {
                let words = command.split(separator: " ")
                _ = try server.control(
                    ([String(words[0]), name] + words.dropFirst().map(String.init)).joined(separator: " "))
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
        FileHandle.standardOutput.write(
            Data(
                "tokenforge-emulator: serving \((serials + nitrokeys).joined(separator: ", ")) on \(socket.path)\n".utf8
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
            "Send a control command to a running emulator (list, unplug, plug, drop, duplicate, corrupt, stall, power-cut, latency, clock).",
        discussion:
            "Examples: control list; control unplug TFEMU0001; control stall TFEMU0001 on; control clock TFEMU0001 120")

    @OptionGroup var socket: SocketOption
    @Argument(help: "The command and its arguments.") var words: [String]

    func run() throws {
        let connection: SocketConnection
        do { connection = try SocketConnection.connect(to: socket.path) } catch {
            throw CleanExit.message("tokenforge-emulator: cannot reach the emulator: \(error)")
        }
        try connection.send(SocketMessage(.control, ByteWriter().string(words.joined(separator: " ")).bytes))
        let reply = try connection.receive()
        var reader = ByteReader(reply.body)
        let text = (try? reader.string()) ?? ""
        if reply.kind == .controlOK {
            print(text)
        } else {
            FileHandle.standardError.write(Data("tokenforge-emulator: \(text)\n".utf8))
            throw ExitCode(1)
        }
    }
}
