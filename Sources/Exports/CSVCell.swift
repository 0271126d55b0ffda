import Foundation

/// CSV cells made safe to open in a spreadsheet (OWASP "CSV Injection"): a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it gets a leading
/// apostrophe, which spreadsheets show as text.
public enum CSVCell {
    /// The characters that make a spreadsheet read a cell as a formula when they come first.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// `field`, with an apostrophe before it when a spreadsheet would read it as a formula.
    public static func neutralised(_ field: String) -> String {
        guard let first = field.first, formulaStarts.contains(first) else { return field }
        return "'" + field
    }

    /// One RFC 4180 row of neutralised cells, quoted where they hold a comma, quote or line break.
    public static func row(_ cells: [String]) -> String {
        cells.map { cell in
            let cell = neutralised(cell)
            guard cell.contains(where: { ",\"\n\r".contains($0) }) else { return cell }
            return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }
}
