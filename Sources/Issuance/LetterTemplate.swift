import Foundation
import Mustache

/// A checked Mustache template for letters or handover sheets: it parses, names only known
/// fields, and (for letters) holds the QR code. Checked when loaded, so a bad template stops a
/// run before anything is issued.
struct LetterTemplate: Sendable {
    let file: String
    let template: MustacheTemplate

    init(_ text: String, file: String, fields: Set<String>, requiresQRCode: Bool) throws(LetterTemplateError) {
        let tags = Self.tags(in: text)
        // A section inside one of the same name would repeat the list it iterates once per item
        // of itself, so work and output would grow as a power of the nesting.
        var open: [String] = []
        var qrCodes = 0
        var repeats: LetterTemplateError?  // reported once the template parses
        for tag in tags {
            switch tag.kind {
            case "#", "^":
                if open.contains(tag.name) {
                    repeats = repeats ?? .nestedInItself(file: file, line: tag.line, name: tag.name)
                }
                // A section over the QR code would repeat it once per {{.}} inside.
                if ["qrPNG", "qrSVG"].contains(tag.name) {
                    repeats = repeats ?? .qrCodeRepeated(file: file, line: tag.line, section: tag.name)
                }
                open.append(tag.name)
                if open.count > LetterRenderer.maximumTemplateNesting {
                    throw .nestedTooDeep(file: file, line: tag.line, limit: LetterRenderer.maximumTemplateNesting)
                }
            case "/": _ = open.popLast()
            default:
                if ["qrPNG", "qrSVG"].contains(tag.name) {
                    // Inside a list section the image would be repeated once per item.
                    if let list = open.first(where: { LetterTemplates.listFields.contains($0) }) {
                        repeats = repeats ?? .qrCodeRepeated(file: file, line: tag.line, section: list)
                    }
                    qrCodes += 1
                    if qrCodes > LetterRenderer.maximumQRCodes {
                        throw .tooManyQRCodes(file: file, line: tag.line, limit: LetterRenderer.maximumQRCodes)
                    }
                }
            }
        }
        do {
            template = try MustacheTemplate(string: text)
        } catch let error as MustacheTemplate.ParserError {
            throw .syntax(
                file: file, line: error.context.lineNumber, column: error.context.columnNumber,
                reason: Self.reason(error.error))
        } catch {
            throw .syntax(file: file, line: 1, column: 1, reason: "\(error)")
        }
        if let repeats { throw repeats }
        self.file = file
        var hasQRCode = false
        for tag in tags {
            switch tag.kind {
            case "!": continue
            case ">", "<", "$", "=", "%":
                throw .unsupportedTag(file: file, line: tag.line, tag: "{{\(tag.kind)\(tag.name)}}")
            default: break
            }
            let root = tag.name == "." ? "." : String(tag.name.split(separator: ".").first ?? "")
            guard fields.contains(root) else { throw .unknownField(file: file, line: tag.line, name: tag.name) }
            if tag.name == "qrSVG", tag.kind == "" { throw .escapedSVG(file: file, line: tag.line) }
            if ["qrPNG", "qrSVG"].contains(tag.name), ["", "{", "&"].contains(tag.kind) { hasQRCode = true }
        }
        if requiresQRCode, !hasQRCode { throw .noQRCode(file: file) }
    }

    func render(_ context: [String: Any]) -> String { template.render(context) }

    /// One `{{…}}` tag: its sigil (`#`, `^`, `/`, `{`, `&`, `!`, … or empty), name and line.
    struct Tag {
        let kind: String
        let name: String
        let line: Int
    }

    /// The tags of a template that parsed with the default delimiters.
    static func tags(in text: String) -> [Tag] {
        var tags: [Tag] = []
        let characters = Array(text)
        var line = 1
        var index = 0
        while index < characters.count {
            if characters[index] == "\n" { line += 1 }
            guard index + 1 < characters.count, characters[index] == "{", characters[index + 1] == "{" else {
                index += 1
                continue
            }
            let start = index + 2
            var end = start
            while end + 1 < characters.count, !(characters[end] == "}" && characters[end + 1] == "}") { end += 1 }
            var body = String(characters[start..<min(end, characters.count)])
            var kind = ""
            if let first = body.first, "#^/{&!><$=%".contains(first) {
                kind = String(first)
                body.removeFirst()
            }
            if kind == "{", end + 2 < characters.count, characters[end + 2] == "}" { end += 1 }
            let name = body.trimmingCharacters(in: .whitespaces)
            tags.append(Tag(kind: kind, name: kind == "!" ? "" : name, line: line))
            line += body.filter(\.isNewline).count
            index = end + 2
        }
        return tags
    }

    static func reason(_ error: any Error) -> String {
        guard let error = error as? MustacheTemplate.Error else {
            return "the template is not valid Mustache (\(error))"
        }
        return switch error {
        case .sectionCloseNameIncorrect:
            "a {{/…}} closes a section it did not open: check the names of {{#…}} and {{/…}}"
        case .unfinishedName: "a tag is not closed with }}"
        case .expectedSectionEnd: "a section opened with {{#…}} or {{^…}} is never closed with {{/…}}"
        case .invalidSetDelimiter: "a {{=…=}} delimiter change is malformed"
        default: "the template is not valid Mustache (\(error))"
        }
    }
}
