/// Sizes and offsets shared by every Nitrokey Pro report: 64-byte feature reports without a
/// report ID (hidapi adds report ID 0 in front).
public enum NitrokeyReport {
    /// Bytes of a report as the device sees it.
    public static let size = 64
    /// Command payload: bytes 1...59 of a command report.
    public static let commandPayloadSize = 59
    /// Response payload: bytes 7...59 of a response report.
    public static let responsePayloadSize = 53
    /// Both directions end with the CRC of bytes 0...59, little-endian.
    public static let crcOffset = 60
}

/// A command report: `COMMAND(1) PAYLOAD(59) CRC(4, LE)`, the CRC over the first 60 bytes.
public struct NitrokeyCommandReport: Equatable, Sendable {
    public let commandID: UInt8
    /// Always 59 bytes.
    public let payload: [UInt8]
    /// The CRC of the command and payload, as the device computes it.
    public let crc: UInt32
    /// The CRC field as received (equal to `crc` for a report built here).
    public let transmittedCRC: UInt32

    /// A command with `payload` (zero padded to 59 bytes).
    public init(commandID: UInt8, payload: [UInt8] = []) {
        precondition(payload.count <= NitrokeyReport.commandPayloadSize, "a command payload is at most 59 bytes")
        self.commandID = commandID
        self.payload = payload + [UInt8](repeating: 0, count: NitrokeyReport.commandPayloadSize - payload.count)
        crc = NitrokeyCRC.checksum([commandID] + self.payload)
        transmittedCRC = crc
    }

    /// A report as received by the device; `isIntact` says whether its CRC field matches.
    public init(decoding bytes: [UInt8]) throws(NitrokeyWireError) {
        guard bytes.count == NitrokeyReport.size else { throw .wrongReportSize(bytes.count) }
        commandID = bytes[0]
        payload = Array(bytes[1..<NitrokeyReport.crcOffset])
        crc = NitrokeyCRC.checksum(bytes[0..<NitrokeyReport.crcOffset])
        transmittedCRC = LittleEndian.uint32(bytes, at: NitrokeyReport.crcOffset)
    }

    public var isIntact: Bool { crc == transmittedCRC }

    /// The 64 bytes on the wire.
    public var bytes: [UInt8] { [commandID] + payload + LittleEndian.bytes(transmittedCRC) }
}

/// A response report: `DEVICE_STATUS(1) LAST_COMMAND(1) LAST_COMMAND_CRC(4, LE) COMMAND_STATUS(1)
/// PAYLOAD(53) CRC(4, LE)`; the CRC covers bytes 0...59 with the device status set to 0
/// (firmware report_protocol.h), so only a ready response carries a consistent CRC.
public struct NitrokeyResponseReport: Equatable, Sendable {
    public var deviceStatus: UInt8
    public var lastCommandID: UInt8
    /// The CRC of the command this answers, as the device computed it.
    public var lastCommandCRC: UInt32
    public var commandStatus: UInt8
    /// Always 53 bytes.
    public var payload: [UInt8]

    public init(
        deviceStatus: NitrokeyDeviceStatus = .ready, lastCommandID: UInt8, lastCommandCRC: UInt32,
        commandStatus: NitrokeyCommandStatus = .ok, payload: [UInt8] = []
    ) {
        precondition(payload.count <= NitrokeyReport.responsePayloadSize, "a response payload is at most 53 bytes")
        self.deviceStatus = deviceStatus.rawValue
        self.lastCommandID = lastCommandID
        self.lastCommandCRC = lastCommandCRC
        self.commandStatus = commandStatus.rawValue
        self.payload = payload + [UInt8](repeating: 0, count: NitrokeyReport.responsePayloadSize - payload.count)
    }

    /// Decodes a ready response, checking its CRC.
    public init(decoding bytes: [UInt8]) throws(NitrokeyWireError) {
        guard bytes.count == NitrokeyReport.size else { throw .wrongReportSize(bytes.count) }
        deviceStatus = bytes[0]
        lastCommandID = bytes[1]
        lastCommandCRC = LittleEndian.uint32(bytes, at: 2)
        commandStatus = bytes[6]
        payload = Array(bytes[7..<NitrokeyReport.crcOffset])
        let received = LittleEndian.uint32(bytes, at: NitrokeyReport.crcOffset)
        let expected = Self.crc(of: bytes)
        guard received == expected else { throw .responseCRCMismatch(expected: expected, received: received) }
    }

    /// The CRC the firmware puts in a response: over bytes 0...59 with the device status 0.
    static func crc(of bytes: [UInt8]) -> UInt32 {
        NitrokeyCRC.checksum([0] + bytes[1..<NitrokeyReport.crcOffset])
    }

    /// The 64 bytes the device sends: the CRC computed with device status 0, then the status byte
    /// set to `deviceStatus`.
    public var bytes: [UInt8] {
        var bytes =
            [0, lastCommandID] + LittleEndian.bytes(lastCommandCRC) + [commandStatus]
            + NitrokeyName.field(payload, size: NitrokeyReport.responsePayloadSize)
        bytes += LittleEndian.bytes(Self.crc(of: bytes + [0, 0, 0, 0]))
        bytes[0] = deviceStatus
        return bytes
    }

    public var status: NitrokeyDeviceStatus? { NitrokeyDeviceStatus(rawValue: deviceStatus) }
    public var result: NitrokeyCommandStatus? { NitrokeyCommandStatus(rawValue: commandStatus) }
}

/// Little-endian integer fields, as the STM32 and x86 hosts lay them out.
enum LittleEndian {
    static func uint32<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int) -> UInt32
    where Bytes.Index == Int {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[bytes.startIndex + offset + $1]) << (8 * UInt32($1)) }
    }

    static func uint64<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int) -> UInt64
    where Bytes.Index == Int {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[bytes.startIndex + offset + $1]) << (8 * UInt64($1)) }
    }

    static func uint16<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at offset: Int) -> UInt16
    where Bytes.Index == Int {
        UInt16(bytes[bytes.startIndex + offset]) | UInt16(bytes[bytes.startIndex + offset + 1]) << 8
    }

    static func bytes<Value: FixedWidthInteger>(_ value: Value) -> [UInt8] {
        (0..<(Value.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
