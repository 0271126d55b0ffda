/// Writes indented XML, escaping every text and attribute value. Empty elements are written with
/// an end tag (`<a></a>`): importers that read PSKC with an HTML parser (privacyIDEA's
/// BeautifulSoup) would otherwise nest the following siblings inside them.
struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var open: [String] = []

    mutating func start(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += indentation + "<" + name + Self.attributes(attributes) + ">\n"
        open.append(name)
    }

    mutating func end() {
        let name = open.removeLast()
        text += indentation + "</" + name + ">\n"
    }

    /// An element with text content (or none), on one line.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text content: String = "")
    {
        text +=
            indentation + "<" + name + Self.attributes(attributes) + ">" + Self.escaped(content) + "</" + name + ">\n"
    }

    private var indentation: String { String(repeating: "  ", count: open.count) }

    private static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(escaped($0.value))\"" }.joined()
    }

    /// Escapes the five XML special characters; callers have already rejected control characters.
    static func escaped(_ value: String) -> String {
        var result = ""
        result.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.append(character)
            }
        }
        return result
    }
}
