extension QRCode {
    /// A 1-bit grayscale PNG of the symbol: `scale` pixels per module, a quiet zone of `margin`
    /// modules, black on white.
    public func pngData(scale: Int = 4, margin: Int = 4) throws(QRCodeError) -> [UInt8] {
        guard QRRendering.scaleRange.contains(scale) else { throw .invalidScale(scale) }
        guard QRRendering.marginRange.contains(margin) else { throw .invalidMargin(margin) }
        let side = (size + 2 * margin) * scale
        let rowBytes = (side + 7) / 8
        // Bits set are white: start white, clear the dark modules' pixels.
        var rows = [UInt8](repeating: 0xFF, count: rowBytes * side)
        rows.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<size {
                let firstLine = (row + margin) * scale * rowBytes
                for column in 0..<size where modules[row * size + column] != 0 {
                    let x = (column + margin) * scale
                    for pixel in x..<(x + scale) {
                        buffer[firstLine + pixel >> 3] &= ~(0x80 >> UInt8(pixel & 7))
                    }
                }
                for copy in 1..<scale {
                    let target = firstLine + copy * rowBytes
                    for offset in 0..<rowBytes { buffer[target + offset] = buffer[firstLine + offset] }
                }
            }
        }
        return try PNGCodec.encodeBlackAndWhite(width: side, height: side, rows: rows, rowBytes: rowBytes)
    }
}
