import Activation
import Foundation
import Testing

struct SVGTests {
    static let texts = [
        SampleAccounts.totp().uriString, SampleAccounts.longest.uriString,
        PNGRoundTripTests.exportLink(accounts: 10, longest: false),
    ]

    @Test(arguments: texts)
    func theDocumentIsWellFormed(text: String) throws {
        let svg = try QRCode(encoding: text).svgDocument()
        let directory = try TemporaryDirectory()
        let path = try directory.write("code.svg", Array(svg.utf8))
        let lint = try ExternalTool.xmllint(path)
        #expect(lint.wellFormed, "\(lint.messages)")
    }

    @Test(arguments: texts)
    func itsRectanglesCoverExactlyTheDarkModules(text: String) throws {
        let code = try QRCode(encoding: text)
        let margin = 3
        let svg = code.svgDocument(scale: 2, margin: margin)
        let side = code.size + 2 * margin
        #expect(svg.contains(#"viewBox="0 0 \#(side) \#(side)""#))
        #expect(svg.contains(#"width="\#(side * 2)" height="\#(side * 2)""#))
        let drawn = try Self.modules(inPath: svg, side: side)
        let expected = (0..<side).map { row in
            (0..<side).map { column in
                (margin..<(margin + code.size)).contains(row) && (margin..<(margin + code.size)).contains(column)
                    && code.isDark(row: row - margin, column: column - margin)
            }
        }
        #expect(drawn == expected)
    }

    struct MalformedPath: Error {}

    /// Fills a grid from the path's `M x y h n v1 h-n z` rectangles, failing on overlaps.
    static func modules(inPath svg: String, side: Int) throws -> [[Bool]] {
        guard let start = svg.range(of: #" d=""#), let end = svg[start.upperBound...].firstIndex(of: "\"") else {
            throw MalformedPath()
        }
        var grid = [[Bool]](repeating: [Bool](repeating: false, count: side), count: side)
        for command in svg[start.upperBound..<end].split(separator: "M") {
            let parts = command.split(whereSeparator: { "hvz ".contains($0) })
            guard parts.count == 5, let x = Int(parts[0]), let y = Int(parts[1]), let width = Int(parts[2]),
                parts[3] == "1", Int(parts[4]) == -width
            else { throw MalformedPath() }
            for column in x..<(x + width) {
                guard !grid[y][column] else { throw MalformedPath() }
                grid[y][column] = true
            }
        }
        return grid
    }
}
