internal import CQRencode
import Glibc

/// The only code that calls libqrencode; its symbols never leave this file.
enum QRencodeEncoder {
    static func encode(_ text: String, errorCorrection: QRCode.ErrorCorrection) throws(QRCodeError) -> QRCode {
        let byteCount = text.utf8.count
        guard !text.utf8.contains(0) else { throw .containsNUL }
        guard byteCount > 0 else { throw .empty }
        guard byteCount <= errorCorrection.byteCapacity else {
            throw .tooLong(bytes: byteCount, errorCorrection: errorCorrection)
        }
        errno = 0
        guard let symbol = EncodedSymbol(text, level: errorCorrection.level) else {
            // Mixed segments can need a little more room than pure byte mode; ERANGE says so.
            if errno == ERANGE { throw .tooLong(bytes: byteCount, errorCorrection: errorCorrection) }
            throw .encoderFailed(errno: errno)
        }
        return symbol.qrCode(errorCorrection: errorCorrection)
    }

    /// Owns a `QRcode` from libqrencode and frees it.
    private final class EncodedSymbol {
        let pointer: UnsafeMutablePointer<QRcode>

        /// Nil when libqrencode fails; `errno` then says why.
        init?(_ text: String, level: QRecLevel) {
            guard let pointer = QRcode_encodeString(text, 0, level, QR_MODE_8, 1) else { return nil }
            self.pointer = pointer
        }

        deinit { QRcode_free(pointer) }

        func qrCode(errorCorrection: QRCode.ErrorCorrection) -> QRCode {
            let size = Int(pointer.pointee.width)
            // Bit 0 of each byte is the module's colour (1 = dark); the other bits describe its role.
            let data = UnsafeBufferPointer(start: pointer.pointee.data, count: size * size)
            return QRCode(
                version: Int(pointer.pointee.version), errorCorrection: errorCorrection, size: size,
                modules: data.map { $0 & 1 })
        }
    }
}

extension QRCode.ErrorCorrection {
    fileprivate var level: QRecLevel {
        switch self {
        case .low: QR_ECLEVEL_L
        case .medium: QR_ECLEVEL_M
        case .quartile: QR_ECLEVEL_Q
        case .high: QR_ECLEVEL_H
        }
    }
}
