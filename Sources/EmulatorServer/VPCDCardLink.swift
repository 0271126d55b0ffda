import Foundation
public import VirtualToken

#if canImport(Glibc)
    import Glibc
#endif

/// Puts a virtual OATH card into a vsmartcard virtual reader: connects to the reader driver's TCP
/// port (vpcd, loaded by pcscd) as the card side, and answers its messages. Each message either
/// way is a 2-byte big-endian length and a payload; a 1-byte payload from the reader is power off
/// (0), power on (1), reset (2) or "send the ATR" (4); longer ones are command APDUs. Closing the
/// connection is taking the card out; the link reconnects while it runs.
public final class VPCDCardLink: @unchecked Sendable {
    public let host: String
    public let port: UInt16
    /// How long the card takes over each command APDU before it answers (power and ATR messages
    /// are answered at once).
    public let latency: Duration
    private let card: OATHCard
    private let lock: NSLock

    /// `lock` serialises the card with whatever else touches it (the emulator's controls).
    public init(card: OATHCard, host: String, port: UInt16, latency: Duration = .zero, lock: NSLock = NSLock()) {
        self.card = card
        self.host = host
        self.port = port
        self.latency = latency
        self.lock = lock
    }

    /// Serves the reader on a thread of its own, reconnecting every `retry` while pcscd is not there.
    public func start(retry: Duration = .milliseconds(200)) {
        let thread = Thread { [self] in
            while true {
                if let descriptor = connect() {
                    serve(descriptor)
                    close(descriptor)
                }
                Thread.sleep(forTimeInterval: Self.seconds(retry))
            }
        }
        thread.start()
    }

    /// One connection's messages, until the reader closes it or the card is taken out.
    func serve(_ descriptor: Int32) {
        while let message = receive(descriptor) {
            if message.count > 1, latency > .zero { Thread.sleep(forTimeInterval: Self.seconds(latency)) }
            lock.lock()
            let answer = respond(to: message)
            lock.unlock()
            switch answer {
            case .none: continue
            case .some(.removed): return
            case .some(.reply(let bytes)): guard send(bytes, descriptor) else { return }
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    enum Answer {
        case reply([UInt8])
        case removed
    }

    private func respond(to message: [UInt8]) -> Answer? {
        if card.faults.disconnected { return .removed }
        if message.count == 1 {
            switch message[0] {
            case 0x00:
                card.powerOff()
                return nil
            case 0x01, 0x02:
                do { try card.powerOn() } catch { return .removed }
                return nil
            case 0x04: return .reply(OATHCard.atr)
            default: return nil
            }
        }
        do {
            guard let response = try card.transmit(message) else { return nil }
            return .reply(response)
        } catch {
            return .removed
        }
    }

    private func connect() -> Int32? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            return nil
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(descriptor)
            return nil
        }
        var one: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return descriptor
    }

    private func receive(_ descriptor: Int32) -> [UInt8]? {
        guard let header = read(2, descriptor) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        guard length > 0 else { return [] }
        return read(length, descriptor)
    }

    private func read(_ count: Int, _ descriptor: Int32) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes[done...].withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return nil }
            done += got
        }
        return bytes
    }

    private func send(_ payload: [UInt8], _ descriptor: Int32) -> Bool {
        let bytes = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }
}
