/// One message of the emulator socket protocol (docs/emulator-socket.md):
/// `LENGTH(4) TYPE(1) BODY`, LENGTH counting TYPE and BODY.
public struct SocketMessage: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        case enumerate = 0x02
        case open = 0x03
        case write = 0x04
        case setFeature = 0x05
        case getFeature = 0x06
        case control = 0x10
        case devices = 0x82
        case opened = 0x83
        case input = 0x84
        case written = 0x85
        case feature = 0x86
        case controlOK = 0x90
        case error = 0xEE
    }

    public static let maximumLength = 65_536

    public let kind: Kind
    public let body: [UInt8]

    public init(_ kind: Kind, _ body: [UInt8] = []) {
        self.kind = kind
        self.body = body
    }

    public static func error(_ message: String) -> SocketMessage { SocketMessage(.error, ByteWriter().string(message).bytes) }

    public var encoded: [UInt8] {
        let length = UInt32(body.count + 1)
        return withUnsafeBytes(of: length.bigEndian, Array.init) + [kind.rawValue] + body
    }
}

/// Builds message bodies.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public func u16(_ value: UInt16) -> ByteWriter { appending(withUnsafeBytes(of: value.bigEndian, Array.init)) }
    public func u32(_ value: UInt32) -> ByteWriter { appending(withUnsafeBytes(of: value.bigEndian, Array.init)) }
    public func byte(_ value: UInt8) -> ByteWriter { appending([value]) }
    public func raw(_ value: [UInt8]) -> ByteWriter { appending(value) }
    public func string(_ value: String) -> ByteWriter {
        let utf8 = Array(value.utf8.prefix(Int(UInt16.max)))
        return u16(UInt16(utf8.count)).appending(utf8)
    }

    private func appending(_ more: [UInt8]) -> ByteWriter {
        var copy = self
        copy.bytes += more
        return copy
    }
}

/// Reads message bodies; every read fails cleanly past the end.
public struct ByteReader {
    public struct Truncated: Error {}
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var remaining: [UInt8] { Array(bytes[offset...]) }

    public mutating func take(_ count: Int) throws(Truncated) -> ArraySlice<UInt8> {
        guard count >= 0, offset + count <= bytes.count else { throw Truncated() }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    public mutating func u8() throws(Truncated) -> UInt8 { try take(1).first! }
    public mutating func u16() throws(Truncated) -> UInt16 { try take(2).reduce(0) { $0 << 8 | UInt16($1) } }
    public mutating func u32() throws(Truncated) -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }
    public mutating func string() throws(Truncated) -> String {
        String(decoding: try take(Int(try u16())), as: UTF8.self)
    }
}

/// A device as ENUMERATE describes it.
public struct DeviceDescription: Equatable, Sendable {
    public var path: String
    public var vendorID: UInt16
    public var productID: UInt16
    public var serial: String
    public var manufacturer: String
    public var product: String
    public var release: UInt16
    public var usagePage: UInt16
    public var usage: UInt16
    public var interface: Int32

    public init(
        path: String, vendorID: UInt16, productID: UInt16, serial: String, manufacturer: String, product: String,
        release: UInt16 = 0x0100, usagePage: UInt16, usage: UInt16, interface: Int32 = 0
    ) {
        self.path = path
        self.vendorID = vendorID
        self.productID = productID
        self.serial = serial
        self.manufacturer = manufacturer
        self.product = product
        self.release = release
        self.usagePage = usagePage
        self.usage = usage
        self.interface = interface
    }

    func write(to writer: ByteWriter) -> ByteWriter {
        writer.string(path).u16(vendorID).u16(productID).string(serial).string(manufacturer).string(product).u16(release)
            .u16(usagePage).u16(usage).u32(UInt32(bitPattern: interface))
    }

    public static func encodeList(_ devices: [DeviceDescription]) -> [UInt8] {
        devices.reduce(ByteWriter().u16(UInt16(devices.count))) { $1.write(to: $0) }.bytes
    }

    public static func decodeList(_ body: [UInt8]) throws(ByteReader.Truncated) -> [DeviceDescription] {
        var reader = ByteReader(body)
        return try (0..<Int(reader.u16())).map { _ throws(ByteReader.Truncated) in
            DeviceDescription(
                path: try reader.string(), vendorID: try reader.u16(), productID: try reader.u16(),
                serial: try reader.string(), manufacturer: try reader.string(), product: try reader.string(),
                release: try reader.u16(), usagePage: try reader.u16(), usage: try reader.u16(),
                interface: Int32(bitPattern: try reader.u32()))
        }
    }
}
