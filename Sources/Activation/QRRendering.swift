/// How a QR code is drawn: the one rendering shared by `tokenforge qr`, token programming and
/// staff issuance, so every activation code looks and scans the same.
public struct QRRendering: Sendable, Equatable {
    /// The forms a QR code is drawn in.
    public enum Format: String, Sendable, CaseIterable {
        /// UTF-8 half blocks, two modules per character cell, for a terminal.
        case terminal
        /// A 1-bit palette PNG.
        case png
        /// An SVG document with one path for the dark modules.
        case svg
    }

    /// How terminal output shows dark and light modules.
    public enum TerminalStyle: String, Sendable, CaseIterable {
        /// Black on white with ANSI 256-colour escapes: the same on dark and light terminal themes.
        case colour
        /// No escapes; glyphs in the terminal's text colour draw the light modules: for light text on
        /// a dark background.
        case lightOnDark = "light-on-dark"
        /// No escapes; glyphs draw the dark modules: for dark text on a light background and documents.
        case darkOnLight = "dark-on-light"
    }

    public static let scaleRange = 1...64
    public static let marginRange = 0...64

    public let format: Format
    /// Pixels per module (PNG) or user units per module (SVG); terminal cells are fixed.
    public let scale: Int
    /// The quiet zone around the symbol, in modules; ISO/IEC 18004 asks for 4.
    public let margin: Int
    public let terminalStyle: TerminalStyle

    public init(
        format: Format, scale: Int = 4, margin: Int = 4, terminalStyle: TerminalStyle = .colour
    ) throws(QRCodeError) {
        guard Self.scaleRange.contains(scale) else { throw .invalidScale(scale) }
        guard Self.marginRange.contains(margin) else { throw .invalidMargin(margin) }
        self.format = format
        self.scale = scale
        self.margin = margin
        self.terminalStyle = terminalStyle
    }

    /// The drawing of `code` in this format: PNG bytes, or UTF-8 text for the terminal and SVG.
    public func render(_ code: QRCode) throws(QRCodeError) -> [UInt8] {
        switch format {
        case .terminal: Array(code.terminalText(margin: margin, style: terminalStyle).utf8)
        case .png: try code.pngData(scale: scale, margin: margin)
        case .svg: Array(code.svgDocument(scale: scale, margin: margin).utf8)
        }
    }
}

extension QRCode {
    /// Whether the module at `row`, `column` of the symbol with a quiet zone of `margin` modules
    /// around it is dark; the quiet zone is light.
    func isDark(row: Int, column: Int, margin: Int) -> Bool {
        let symbolRow = row - margin
        let symbolColumn = column - margin
        guard (0..<size).contains(symbolRow), (0..<size).contains(symbolColumn) else { return false }
        return modules[symbolRow * size + symbolColumn] != 0
    }
}
