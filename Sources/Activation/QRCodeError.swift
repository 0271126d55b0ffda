/// Why text cannot become a QR code, or a QR code cannot be drawn. Never carries the text itself.
public enum QRCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case containsNUL
    case tooLong(bytes: Int, errorCorrection: QRCode.ErrorCorrection)
    case encoderFailed(errno: Int32)
    case invalidScale(Int)
    case invalidMargin(Int)
    case pngEncodingFailed(String)

    public var description: String {
        switch self {
        case .empty:
            "there is nothing to encode: the text is empty"
        case .containsNUL:
            "the text contains a NUL character, which a QR code of text cannot carry"
        case .tooLong(let bytes, let level):
            "the text is \(bytes) bytes, more than a QR code holds at error correction \(level.rawValue) "
                + "(at most \(level.byteCapacity) bytes in byte mode): use a lower level (L holds the most), "
                + "shorter names, or fewer accounts per code"
        case .encoderFailed(let code):
            "libqrencode failed (errno \(code))"
        case .invalidScale(let scale):
            "scale \(scale) is out of range: use 1 to \(QRRendering.scaleRange.upperBound) pixels per module"
        case .invalidMargin(let margin):
            "margin \(margin) is out of range: use 0 to \(QRRendering.marginRange.upperBound) modules "
                + "(4 is the quiet zone ISO/IEC 18004 asks for)"
        case .pngEncodingFailed(let message):
            "libpng could not write the image: \(message)"
        }
    }
}
