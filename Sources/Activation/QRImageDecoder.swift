/// Reads the QR codes in a picture (a PNG screenshot or scan) with ZBar, and the OTP accounts
/// they enrol.
public struct QRImageDecoder: Sendable {
    public init() {}

    /// The text of every QR code in a PNG file's bytes.
    public func texts(inPNG data: [UInt8]) throws(QRImageError) -> [String] {
        let kind = ImageKind(sniffing: data)
        guard kind == .png else { throw .notPNG(found: kind) }
        return try texts(in: PNGCodec.decodeGray(data))
    }

    /// The text of every QR code in `image`. Throws when there is none, naming any other kind of
    /// barcode found instead.
    public func texts(in image: GrayscaleImage) throws(QRImageError) -> [String] {
        let symbols = ZBarScanner.scan(image)
        let qrCodes = symbols.filter(\.isQRCode)
        guard !qrCodes.isEmpty else {
            guard symbols.isEmpty else { throw .noQRCode(barcodes: symbols.map(\.symbology)) }
            throw .noCodeFound(width: image.width, height: image.height)
        }
        return qrCodes.map { String(decoding: $0.data, as: UTF8.self) }
    }

    /// The activation payloads (otpauth:// accounts and Google Authenticator exports) of every QR
    /// code in a PNG file's bytes; a QR code that is neither is an error naming what it holds.
    public func payloads(inPNG data: [UInt8]) throws(QRImageError) -> [ActivationPayload] {
        var payloads: [ActivationPayload] = []
        for text in try texts(inPNG: data) {
            do { payloads.append(try ActivationPayload(text: text)) } catch { throw .unusableCode(error) }
        }
        return payloads
    }
}

/// A file format recognised by its first bytes, to say what a non-PNG input is.
public enum ImageKind: String, Sendable, Equatable, CustomStringConvertible {
    case png, jpeg, gif, webp, bmp, tiff, heif, pdf, xml, text, empty, unknown

    init(sniffing bytes: [UInt8]) {
        func starts(with prefix: String, at offset: Int = 0) -> Bool {
            bytes.dropFirst(offset).starts(with: Array(prefix.utf8))
        }
        let head = bytes.prefix(512)
        let firstVisible = head.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        if bytes.isEmpty {
            self = .empty
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if starts(with: "GIF8") {
            self = .gif
        } else if starts(with: "RIFF"), starts(with: "WEBP", at: 8) {
            self = .webp
        } else if starts(with: "BM") {
            self = .bmp
        } else if starts(with: "II*\u{0}") || starts(with: "MM\u{0}*") {
            self = .tiff
        } else if starts(with: "ftyp", at: 4) {
            self = .heif
        } else if starts(with: "%PDF") {
            self = .pdf
        } else if firstVisible == UInt8(ascii: "<") {
            self = .xml
        } else if head.allSatisfy({ $0 >= 0x20 || [0x09, 0x0A, 0x0D].contains($0) }) {
            self = .text
        } else {
            self = .unknown
        }
    }

    /// The format as a user would name it, with an article.
    public var description: String {
        switch self {
        case .png: "a PNG image"
        case .jpeg: "a JPEG image"
        case .gif: "a GIF image"
        case .webp: "a WebP image"
        case .bmp: "a BMP image"
        case .tiff: "a TIFF image"
        case .heif: "a HEIF/HEIC image"
        case .pdf: "a PDF document"
        case .xml: "an SVG or other XML document"
        case .text: "text"
        case .empty: "an empty file"
        case .unknown: "data of an unknown format"
        }
    }
}

/// Why a picture yields no OTP account. Never carries the content of a code.
public enum QRImageError: Error, Equatable, Sendable, CustomStringConvertible {
    case notPNG(found: ImageKind)
    case invalidPNG(String)
    case imageTooLarge(width: Int, height: Int)
    case noCodeFound(width: Int, height: Int)
    case noQRCode(barcodes: [String])
    case unusableCode(ActivationPayloadError)

    public var description: String {
        switch self {
        case .notPNG(.text):
            "the file is text, not a PNG image: give an otpauth link with --link-file instead"
        case .notPNG(let found):
            "the file is \(found), not a PNG image: save or convert the picture as PNG"
        case .invalidPNG(let message):
            "the PNG image is damaged or truncated (libpng: \(message))"
        case .imageTooLarge(let width, let height):
            "the image is \(width)×\(height) pixels, more than \(PNGCodec.maximumPixelCount / 1_048_576) megapixels"
        case .noCodeFound(let width, let height):
            "no QR code found in the \(width)×\(height) image: crop it to the code, or take a sharper picture"
        case .noQRCode(let barcodes):
            "the image holds \(barcodes.joined(separator: ", ")) barcode(s), not a QR code"
        case .unusableCode(let error):
            "\(error)"
        }
    }
}
