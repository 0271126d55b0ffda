/// A QR Code symbol (ISO/IEC 18004) encoded by libqrencode: a square of dark and light modules.
///
/// The symbol of an otpauth URI carries its secret, so `description` shows only its size.
public struct QRCode: Sendable, Equatable, CustomStringConvertible {
    /// How much of the symbol may be damaged and still read: about 7, 15, 25 or 30 % of codewords.
    public enum ErrorCorrection: String, Sendable, CaseIterable, Codable {
        case low = "L"
        case medium = "M"
        case quartile = "Q"
        case high = "H"

        /// Parses `L`, `M`, `Q` or `H` in either case.
        public init?(letter: String) {
            self.init(rawValue: letter.uppercased())
        }

        /// The most bytes a version 40 symbol holds at this level in byte mode (ISO/IEC 18004 table 7).
        public var byteCapacity: Int {
            switch self {
            case .low: 2953
            case .medium: 2331
            case .quartile: 1663
            case .high: 1273
            }
        }
    }

    /// The symbol version, 1 to 40: the side is `17 + 4 × version` modules.
    public let version: Int
    public let errorCorrection: ErrorCorrection
    /// Modules per side, without the quiet zone.
    public let size: Int
    /// Row-major modules, 1 for dark and 0 for light.
    let modules: [UInt8]

    /// Encodes `text` as UTF-8 in the smallest version that holds it, choosing numeric,
    /// alphanumeric and byte segments as the qrencode command does.
    public init(encoding text: String, errorCorrection: ErrorCorrection = .medium) throws(QRCodeError) {
        self = try QRencodeEncoder.encode(text, errorCorrection: errorCorrection)
    }

    init(version: Int, errorCorrection: ErrorCorrection, size: Int, modules: [UInt8]) {
        precondition(modules.count == size * size, "a QR symbol is square")
        self.version = version
        self.errorCorrection = errorCorrection
        self.size = size
        self.modules = modules
    }

    /// Whether the module at `row`, `column` (from the top left, 0-based) is dark.
    public func isDark(row: Int, column: Int) -> Bool {
        modules[row * size + column] != 0
    }

    public var description: String {
        "QRCode(version \(version), \(size)×\(size) modules, error correction \(errorCorrection.rawValue))"
    }
}
