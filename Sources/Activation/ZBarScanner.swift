internal import CZBar

/// The only code that calls ZBar; its types never leave this file.
enum ZBarScanner {
    /// A symbol ZBar found: its symbology's name (`QR-Code`, `EAN-13`, `CODE-128`, ...) and data.
    struct Symbol {
        let symbology: String
        let isQRCode: Bool
        let data: [UInt8]
    }

    /// Every symbol of every enabled symbology in `image`.
    static func scan(_ image: GrayscaleImage) -> [Symbol] {
        let scanner = Scanner()
        let frame = Frame()
        // 'Y800': 8-bit luminance, one byte per pixel.
        zbar_image_set_format(frame.pointer, 0x3030_3859)
        zbar_image_set_size(frame.pointer, UInt32(image.width), UInt32(image.height))
        return image.pixels.withUnsafeBytes { pixels in
            zbar_image_set_data(frame.pointer, pixels.baseAddress, UInt(pixels.count), nil)
            defer { zbar_image_set_data(frame.pointer, nil, 0, nil) }
            guard zbar_scan_image(scanner.pointer, frame.pointer) > 0 else { return [] }
            var symbols: [Symbol] = []
            var current = zbar_image_first_symbol(frame.pointer)
            while let symbol = current {
                let type = zbar_symbol_get_type(symbol)
                let length = Int(zbar_symbol_get_data_length(symbol))
                let data = zbar_symbol_get_data(symbol).map { pointer in
                    pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
                        Array(UnsafeBufferPointer(start: $0, count: length))
                    }
                }
                symbols.append(
                    Symbol(
                        symbology: String(cString: zbar_get_symbol_name(type)), isQRCode: type == ZBAR_QRCODE,
                        data: data ?? []))
                current = zbar_symbol_next(symbol)
            }
            return symbols
        }
    }

    /// Owns a `zbar_image_scanner_t` with every symbology enabled.
    private final class Scanner {
        let pointer: OpaquePointer

        init() {
            pointer = zbar_image_scanner_create()
            zbar_image_scanner_set_config(pointer, ZBAR_NONE, ZBAR_CFG_ENABLE, 1)
        }

        deinit { zbar_image_scanner_destroy(pointer) }
    }

    /// Owns a `zbar_image_t`; the pixels stay the caller's.
    private final class Frame {
        let pointer: OpaquePointer

        init() { pointer = zbar_image_create() }

        deinit { zbar_image_destroy(pointer) }
    }
}
