import Activation
import Foundation
import Testing

struct TerminalTests {
    /// Reads half-block text back into modules; `inkIsDark` says which modules the glyphs draw.
    static func modules(in text: String, inkIsDark: Bool) -> [[Bool]] {
        var rows: [[Bool]] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            var plain = String(line)
            for escape in ["\u{1B}[38;5;16;48;5;231m", "\u{1B}[0m"] {
                plain = plain.replacingOccurrences(of: escape, with: "")
            }
            var upper: [Bool] = []
            var lower: [Bool] = []
            for glyph in plain {
                let (top, bottom) =
                    switch glyph {
                    case "▀": (true, false)
                    case "▄": (false, true)
                    case "█": (true, true)
                    default: (false, false)
                    }
                upper.append(top == inkIsDark)
                lower.append(bottom == inkIsDark)
            }
            rows += [upper, lower]
        }
        return rows
    }

    static func expected(_ code: QRCode, margin: Int) -> [[Bool]] {
        let side = code.size + 2 * margin
        return (0..<(side + side % 2)).map { row in
            (0..<side).map { column in
                (margin..<(margin + code.size)).contains(row) && (margin..<(margin + code.size)).contains(column)
                    && code.isDark(row: row - margin, column: column - margin)
            }
        }
    }

    @Test(arguments: QRRendering.TerminalStyle.allCases)
    func halfBlocksDrawEveryModuleAndTheQuietZone(style: QRRendering.TerminalStyle) throws {
        let code = try QRCode(encoding: SampleAccounts.totp().uriString)
        for margin in [0, 1, 4] {
            let text = code.terminalText(margin: margin, style: style)
            #expect(Self.modules(in: text, inkIsDark: style != .lightOnDark) == Self.expected(code, margin: margin))
        }
    }

    @Test func colourOutputSetsBlackOnWhiteOnEveryLineAndResetsIt() throws {
        let text = try QRCode(encoding: "otpauth://totp/a?secret=GEZDGNBV").terminalText()
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix("\u{1B}[38;5;16;48;5;231m"))
            #expect(line.hasSuffix("\u{1B}[0m"))
        }
    }

    @Test func plainOutputHasNoEscapesAndEqualLines() throws {
        let code = try QRCode(encoding: "otpauth://totp/a?secret=GEZDGNBV")
        for style in [QRRendering.TerminalStyle.lightOnDark, .darkOnLight] {
            let lines = code.terminalText(margin: 2, style: style).split(separator: "\n")
            #expect(!lines.joined().contains("\u{1B}"))
            #expect(Set(lines.map(\.count)) == [code.size + 4])
            #expect(lines.count == (code.size + 4 + 1) / 2)
        }
    }
}
