#if canImport(Glibc)
    import Glibc
#endif

/// A connected Unix stream socket carrying `SocketMessage`s.
public final class SocketConnection {
    public enum Failure: Error, CustomStringConvertible {
        case closed
        case malformed
        case system(String, Int32)

        public var description: String {
            switch self {
            case .closed: "connection closed"
            case .malformed: "malformed message"
            case .system(let call, let code): "\(call): \(String(cString: strerror(code)))"
            }
        }
    }

    public let descriptor: Int32

    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Connects to the socket at `path`.
    public static func connect(to path: String) throws(Failure) -> SocketConnection {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw .system("socket", errno) }
        var address = try UnixAddress(path)
        let result = withUnsafePointer(to: &address.storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, address.length) }
        }
        guard result == 0 else {
            let code = errno
            close(descriptor)
            throw .system("connect \(path)", code)
        }
        return SocketConnection(descriptor: descriptor)
    }

    deinit { close(descriptor) }

    public func send(_ message: SocketMessage) throws(Failure) {
        let bytes = message.encoded
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .system("send", errno)
            }
            written += count
        }
    }

    /// The next message, or `closed` at end of stream.
    public func receive() throws(Failure) -> SocketMessage {
        let header = try read(count: 5)
        let length = Int(header[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard length >= 1, length <= SocketMessage.maximumLength, let kind = SocketMessage.Kind(rawValue: header[4]) else {
            throw .malformed
        }
        return SocketMessage(kind, try read(count: length - 1))
    }

    private func read(count: Int) throws(Failure) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let received = bytes[filled...].withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if received < 0 {
                if errno == EINTR { continue }
                throw .system("recv", errno)
            }
            if received == 0 { throw .closed }
            filled += received
        }
        return bytes
    }
}

/// A `sockaddr_un` for a filesystem path.
struct UnixAddress {
    var storage = sockaddr_un()
    let length: socklen_t

    init(_ path: String) throws(SocketConnection.Failure) {
        storage.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard bytes.count < capacity else { throw .system("socket path too long (\(bytes.count) bytes)", ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &storage.sun_path) { buffer in
            buffer.copyBytes(from: bytes)
            buffer[bytes.count] = 0
        }
        length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
    }
}
