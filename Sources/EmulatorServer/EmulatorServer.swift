import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Serves emulated devices on a Unix socket (docs/emulator-socket.md): one thread per connection,
/// one lock around the devices so each handles one report at a time.
public final class EmulatorServer: Sendable {
    final class Entry {
        let device: EmulatedDevice
        var plugged = true
        var latencyMilliseconds = 0
        init(device: EmulatedDevice) { self.device = device }
    }

    private let entries: Mutex<[Entry]>
    public let socketPath: String
    private let listener: Int32

    /// Binds `socketPath` (replacing a stale socket file) and listens.
    public init(socketPath: String, devices: sending [EmulatedDevice]) throws {
        self.socketPath = socketPath
        entries = Mutex(devices.map(Entry.init))
        unlink(socketPath)
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw SocketConnection.Failure.system("socket", errno) }
        var address = try UnixAddress(socketPath)
        let bound = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, address.length) }
        }
        guard bound == 0 else { throw SocketConnection.Failure.system("bind \(socketPath)", errno) }
        chmod(socketPath, 0o600)
        guard listen(listener, 64) == 0 else { throw SocketConnection.Failure.system("listen", errno) }
    }

    deinit { close(listener) }

    /// Accepts connections until the process ends.
    public func run() -> Never {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { continue }
            let server = self
            let thread = Thread { server.serve(SocketConnection(descriptor: client)) }
            thread.start()
        }
    }

    /// Answers one connection's requests in order, until it closes or breaks the protocol.
    public func serve(_ connection: SocketConnection) {
        var bound: Int?
        while let message = try? connection.receive() {
            do {
                switch message.kind {
                case .enumerate:
                    let list = entries.withLock { $0.filter(\.plugged).map(\.device.description) }
                    try connection.send(SocketMessage(.devices, DeviceDescription.encodeList(list)))
                case .open:
                    var reader = ByteReader(message.body)
                    let path = try reader.string()
                    let index = entries.withLock { $0.firstIndex { $0.plugged && $0.device.description.path == path } }
                    guard bound == nil, let index else {
                        try connection.send(
                            .error(bound == nil ? "no device at \(path)" : "this connection already has a device"))
                        continue
                    }
                    bound = index
                    try connection.send(SocketMessage(.opened))
                case .write:
                    guard let index = bound else { try connection.send(.error("no device open")); continue }
                    let (replies, latency) = try deviceCall(index) { try $0.write(message.body) }
                    try connection.send(SocketMessage(.written, ByteWriter().u32(UInt32(message.body.count)).bytes))
                    if latency > 0, !replies.isEmpty { usleep(useconds_t(latency * 1_000)) }
                    for reply in replies { try connection.send(SocketMessage(.input, reply)) }
                case .setFeature:
                    guard let index = bound else { try connection.send(.error("no device open")); continue }
                    _ = try deviceCall(index) { try $0.setFeature(message.body) }
                    try connection.send(SocketMessage(.written, ByteWriter().u32(UInt32(message.body.count)).bytes))
                case .getFeature:
                    guard let index = bound else { try connection.send(.error("no device open")); continue }
                    var reader = ByteReader(message.body)
                    let reportID = try reader.u8()
                    let length = Int(try reader.u16())
                    let (data, latency) = try deviceCall(index) {
                        try $0.getFeature(reportID: reportID, length: length)
                    }
                    if latency > 0 { usleep(useconds_t(latency * 1_000)) }
                    try connection.send(SocketMessage(.feature, [reportID] + data))
                case .control:
                    var reader = ByteReader(message.body)
                    try connection.send(
                        SocketMessage(.controlOK, ByteWriter().string(try control(try reader.string())).bytes))
                default:
                    try connection.send(.error("unexpected message type 0x\(String(message.kind.rawValue, radix: 16))"))
                }
            } catch let failure as SocketConnection.Failure {
                _ = failure
                return
            } catch {
                try? connection.send(.error("\(error)"))
            }
        }
    }

    /// Runs `body` on a plugged, powered device under the lock; returns its result and latency.
    private func deviceCall<Result: Sendable>(_ index: Int, _ body: (EmulatedDevice) throws -> Result) throws -> (
        Result, Int
    ) {
        try entries.withLock { entries in
            let entry = entries[index]
            guard entry.plugged else { throw EmulatorError("device disconnected") }
            let result = try body(entry.device)
            if entry.device.isPoweredOff {
                // Power loss looks like an unplug to the host until `plug` powers the token back on.
                entry.plugged = false
            }
            return (result, entry.latencyMilliseconds)
        }
    }

    /// A token's name in CONTROL commands: its path without `emulator:` (the serial of a spec token).
    static func name(of device: EmulatedDevice) -> String {
        let path = device.description.path
        return path.hasPrefix("emulator:") ? String(path.dropFirst("emulator:".count)) : device.description.serial
    }

    /// Runs a CONTROL command (docs/emulator-socket.md).
    public func control(_ command: String) throws -> String {
        let words = command.split(separator: " ").map(String.init)
        return try entries.withLock { entries in
            guard let verb = words.first else { throw EmulatorError("empty control command") }
            if verb == "list" {
                return entries.map { "\(Self.name(of: $0.device)) \($0.plugged ? "plugged" : "unplugged")" }
                    .joined(separator: "\n")
            }
            guard words.count >= 2,
                let entry = entries.first(where: {
                    $0.device.description.serial == words[1] || Self.name(of: $0.device) == words[1]
                })
            else {
                throw EmulatorError("\(verb) needs the serial of an emulated token")
            }
            switch verb {
            case "unplug":
                entry.plugged = false
            case "plug":
                // Plugging in powers the token up afresh: channels and PIN sessions start over.
                try entry.device.powerOn()
                entry.plugged = true
            case "latency" where entry.device.modelsCommandLatency:
                guard words.count > 2 else { throw EmulatorError("latency SERIAL MILLISECONDS") }
                _ = try entry.device.control(["latency", words[1], words[2]])
            case "latency":
                guard words.count > 2, let milliseconds = Int(words[2]), milliseconds >= 0 else {
                    throw EmulatorError("latency SERIAL MILLISECONDS")
                }
                entry.latencyMilliseconds = milliseconds
            default:
                return try entry.device.control([verb] + words.dropFirst(1))
            }
            return "ok"
        }
    }
}
