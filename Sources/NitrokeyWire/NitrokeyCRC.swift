/// The checksum of Nitrokey Pro reports: the STM32 hardware CRC unit (CRC-32 polynomial
/// 0x04C11DB7, initial value 0xFFFFFFFF, no reflection, no final XOR) fed with the bytes read as
/// little-endian 32-bit words, as the firmware's `CRC_CalcBlockCRC` does.
public enum NitrokeyCRC {
    public static let polynomial: UInt32 = 0x04C1_1DB7

    /// The CRC of `bytes`; a last partial word is padded with zeros.
    public static func checksum<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            var word = UInt32(first)
            for shift in [8, 16, 24] as [UInt32] { word |= UInt32(iterator.next() ?? 0) << shift }
            crc ^= word
            for _ in 0..<32 { crc = crc & 0x8000_0000 != 0 ? (crc << 1) ^ polynomial : crc << 1 }
        }
        return crc
    }
}
