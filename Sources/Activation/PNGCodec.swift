internal import CPNG
import Glibc

/// The only code that calls libpng: reading through its simplified `png_image` API, writing
/// through the shim's `tokenforge_png_write_gray1`. Its types never leave this file.
enum PNGCodec {
    /// Images larger than this many pixels are refused before decoding (a 64-megapixel photo fits).
    static let maximumPixelCount = 64 * 1024 * 1024

    /// Writes a 1-bit grayscale PNG from `rows`: `height` rows of `rowBytes` bytes, 8 pixels per
    /// byte, most significant bit first, 1 white and 0 black.
    static func encodeBlackAndWhite(
        width: Int, height: Int, rows: [UInt8], rowBytes: Int
    ) throws(QRCodeError) -> [UInt8] {
        precondition(rowBytes >= (width + 7) / 8 && rows.count == rowBytes * height)
        var output = tokenforge_png_output()
        // Unfiltered rows, the first row of each module run compressing its repeats; deflate adds at most
        // 5 bytes per 16 KiB block to what it cannot compress, and the chunks a few hundred.
        let capacity = rows.count + rows.count / 1000 + 1024
        let succeeded = rows.withUnsafeBufferPointer { buffer in
            tokenforge_png_write_gray1(
                png_uint_32(width), png_uint_32(height), buffer.baseAddress, rowBytes, compressionLevel, capacity,
                &output)
        }
        guard succeeded != 0, let data = output.data else {
            throw .pngEncodingFailed(withUnsafeBytes(of: output.message) { text(of: $0) })
        }
        defer { free(data) }
        return Array(UnsafeBufferPointer(start: data, count: output.size))
    }

    /// zlib's level: a QR code's rows repeat, so level 6 gains nothing on 3 but time.
    private static let compressionLevel: Int32 = 3

    /// Reads a PNG of any colour type and depth as 8-bit gray; transparent parts become white.
    static func decodeGray(_ data: [UInt8]) throws(QRImageError) -> GrayscaleImage {
        let reader = Reader()
        let begun = data.withUnsafeBytes { bytes in
            png_image_begin_read_from_memory(reader.image, bytes.baseAddress, bytes.count)
        }
        guard begun != 0 else { throw .invalidPNG(message(of: reader.image.pointee)) }
        let width = Int(reader.image.pointee.width)
        let height = Int(reader.image.pointee.height)
        guard width > 0, height > 0, width <= maximumPixelCount / height else {
            throw .imageTooLarge(width: width, height: height)
        }
        reader.image.pointee.format = png_uint_32(PNG_FORMAT_GRAY)
        // With no background colour libpng composites transparent pixels onto the buffer: start white.
        var pixels = [UInt8](repeating: 255, count: width * height)
        let finished = pixels.withUnsafeMutableBytes { buffer in
            png_image_finish_read(reader.image, nil, buffer.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw .invalidPNG(message(of: reader.image.pointee)) }
        return GrayscaleImage(width: width, height: height, pixels: pixels)
    }

    /// Owns a `png_image` at a fixed address (libpng keeps a pointer to it between calls) and frees
    /// what libpng allocated for it.
    private final class Reader {
        let image: UnsafeMutablePointer<png_image>

        init() {
            image = .allocate(capacity: 1)
            image.initialize(to: png_image())
            image.pointee.version = png_uint_32(PNG_IMAGE_VERSION)
        }

        deinit {
            png_image_free(image)
            image.deallocate()
        }
    }

    private static func message(of image: png_image) -> String {
        withUnsafeBytes(of: image.message) { text(of: $0) }
    }

    private static func text(of message: UnsafeRawBufferPointer) -> String {
        let text = String(decoding: message.prefix { $0 != 0 }, as: UTF8.self)
        return text.isEmpty ? "unknown libpng error" : text
    }
}
