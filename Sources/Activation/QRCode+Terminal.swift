extension QRCode {
    /// The symbol as lines of UTF-8 half blocks (▀ ▄ █), each character cell two modules high,
    /// with a quiet zone of `margin` modules; every line ends with a newline.
    public func terminalText(margin: Int = 4, style: QRRendering.TerminalStyle = .colour) -> String {
        let side = size + 2 * margin
        // Glyphs are drawn in the text colour: "ink" marks the modules that colour shows.
        let inkIsDark = style != .lightOnDark
        let (prefix, suffix) = style == .colour ? ("\u{1B}[38;5;16;48;5;231m", "\u{1B}[0m") : ("", "")
        var text = ""
        text.reserveCapacity((side + 2) / 2 * (side * 3 + prefix.utf8.count + suffix.utf8.count + 1))
        for top in stride(from: 0, to: side, by: 2) {
            text += prefix
            for column in 0..<side {
                // Below an odd last row lies more quiet zone.
                let upper = isDark(row: top, column: column, margin: margin) == inkIsDark
                let lower = isDark(row: top + 1, column: column, margin: margin) == inkIsDark
                text += Self.halfBlock(upper: upper, lower: lower)
            }
            text += suffix + "\n"
        }
        return text
    }

    private static func halfBlock(upper: Bool, lower: Bool) -> String {
        switch (upper, lower) {
        case (false, false): " "
        case (true, false): "▀"
        case (false, true): "▄"
        case (true, true): "█"
        }
    }
}
