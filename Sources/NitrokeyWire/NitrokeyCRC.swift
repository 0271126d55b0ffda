/// The checksum of Nitrokey Pro reports: the STM32 hardware CRC unit (CRC-32 polynomial
/// 0x04C11DB7, initial value 0xFFFFFFFF, no reflection, no final XOR) fed with the bytes read as
/// little-endian 32-bit words, as the firmware's `CRC_CalcBlockCRC` does. Computed a byte at a
/// time from a table.
public enum NitrokeyCRC {
    public static let polynomial: UInt32 = 0x04C1_1DB7

    /// The CRC register after shifting in one byte at the top, for every value of that byte.
    static let table: [UInt32] = (0...255).map { byte in
        var crc = UInt32(byte) << 24
        for _ in 0..<8 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ polynomial : crc << 1 }
        return crc
    }

    /// The CRC of `bytes`; a last partial word is padded with zeros.
    public static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        bytes.withContiguousStorageIfAvailable(checksum(buffer:)) ?? Array(bytes).withUnsafeBufferPointer(checksum(buffer:))
    }

    static func checksum(buffer bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for start in stride(from: 0, to: bytes.count, by: 4) {
            // A little-endian word goes in most significant byte first.
            for index in (start..<start + 4).reversed() {
                let byte = index < bytes.count ? bytes[index] : 0
                crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 24) ^ byte)]
            }
        }
        return crc
    }
}
