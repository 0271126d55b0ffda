/// A letter or handover-sheet template that cannot be used, named by file and line, found before
/// anything is issued.
public enum LetterTemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--template DIR` names no directory.
    case missingDirectory(String)
    /// The directory lacks the template for a language the roster uses.
    case missingFile(String, language: Language)
    case unreadable(String)
    /// The file is larger than `LetterRenderer.maximumTemplateBytes`.
    case tooLarge(String, limit: Int)
    /// Sections nest deeper than `LetterRenderer.maximumTemplateNesting`.
    case nestedTooDeep(file: String, line: Int, limit: Int)
    /// A section opened inside a section of the same name.
    case nestedInItself(file: String, line: Int, name: String)
    /// The QR code as a section, or inside a section over a list: it would be repeated.
    case qrCodeRepeated(file: String, line: Int, section: String)
    /// More QR-code tags than `LetterRenderer.maximumQRCodes`.
    case tooManyQRCodes(file: String, line: Int, limit: Int)
    /// A tag names a field letters do not have.
    case unknownField(file: String, line: Int, name: String)
    /// A tag TokenForge's letters do not support (partials, delimiter changes, inheritance).
    case unsupportedTag(file: String, line: Int, tag: String)
    /// A letter template without the QR code (`{{{qrPNG}}}` or `{{{qrSVG}}}`).
    case noQRCode(file: String)
    /// `{{qrSVG}}` in double braces: the SVG would be escaped into text.
    case escapedSVG(file: String, line: Int)
    /// Mustache cannot parse the template.
    case syntax(file: String, line: Int, column: Int, reason: String)

    public var description: String {
        switch self {
        case .missingDirectory(let path): "template directory \(path) does not exist"
        case .missingFile(let path, let language):
            "\(path) is missing: the roster has users whose language is \(language.rawValue)"
        case .unreadable(let path): "cannot read \(path) as UTF-8 text"
        case .tooLarge(let path, let limit): "\(path) is larger than \(limit / 1024) KiB: a letter template is far smaller"
        case .nestedTooDeep(let file, let line, let limit):
            "\(file):\(line): sections nest more than \(limit) deep"
        case .nestedInItself(let file, let line, let name):
            "\(file):\(line): a {{#\(name)}} or {{^\(name)}} section inside one of the same name is not allowed"
        case .qrCodeRepeated(let file, let line, let section):
            "\(file):\(line): the QR code inside {{#\(section)}} would be repeated: place it outside list sections, and never as a section"
        case .tooManyQRCodes(let file, let line, let limit):
            "\(file):\(line): more than \(limit) QR codes ({{{qrPNG}}}, {{{qrSVG}}}) in one template"
        case .unknownField(let file, let line, let name):
            "\(file):\(line): unknown field \"\(name)\" (the fields are listed in the README, \"Letter templates\")"
        case .unsupportedTag(let file, let line, let tag):
            "\(file):\(line): \(tag) is not supported in letter templates"
        case .noQRCode(let file):
            "\(file):1: the template has no QR code: put {{{qrPNG}}} (as an image's base64 data) or {{{qrSVG}}} in it"
        case .escapedSVG(let file, let line):
            "\(file):\(line): write {{{qrSVG}}} in triple braces, or the SVG is printed as text"
        case .syntax(let file, let line, let column, let reason): "\(file):\(line):\(column): \(reason)"
        }
    }
}
