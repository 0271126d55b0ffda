/// CSV cells made safe to open in a spreadsheet (OWASP "CSV Injection"): a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it gets a leading
/// apostrophe, which spreadsheets show as text.
enum CSVCell {
    /// The characters that make a spreadsheet read a cell as a formula when they come first.
    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// `field`, with an apostrophe before it when a spreadsheet would read it as a formula.
    static func neutralised(_ field: String) -> String {
        guard let first = field.first, formulaStarts.contains(first) else { return field }
        return "'" + field
    }
}
