import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An element read with namespace processing: local name, namespace URI ("" for none), attributes,
/// child elements and the concatenated character data directly inside it.
struct XMLTreeElement {
    let name: String
    let namespace: String
    let attributes: [String: String]
    var children: [XMLTreeElement] = []
    var text = ""

    func child(_ name: String, in namespace: String) -> XMLTreeElement? {
        children.first { $0.name == name && $0.namespace == namespace }
    }

    func children(_ name: String, in namespace: String) -> [XMLTreeElement] {
        children.filter { $0.name == name && $0.namespace == namespace }
    }

    /// A child by local name in any namespace: PBKDF2 parameters appear unqualified (RFC 6030
    /// figure 7) as well as qualified (XML Encryption 1.1).
    func child(named name: String) -> XMLTreeElement? {
        children.first { $0.name == name }
    }

    /// The text with XML white space removed from both ends.
    var trimmedText: String {
        let isXMLSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        return String(text.drop(while: isXMLSpace).reversed().drop(while: isXMLSpace).reversed())
    }
}

enum XMLTreeError: Error {
    case doctype
    case malformed(line: Int)
}

/// Parses a whole document into a tree with FoundationXML's XMLParser. Documents with a DOCTYPE are
/// refused before parsing: PSKC has no DTD, and refusing one rules out entity expansion attacks.
enum XMLTree {
    static func parse(_ text: String) throws(XMLTreeError) -> XMLTreeElement {
        guard !text.contains("<!DOCTYPE"), !text.contains("<!ENTITY") else { throw .doctype }
        let bytes = Array(text.utf8)
        func line(at offset: Int) -> Int { bytes[..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }
        // XML 1.0 §2.2 has no character U+0000, and Foundation's parser crashes on one.
        if let nul = bytes.firstIndex(of: 0) { throw .malformed(line: line(at: nul)) }
        // Nor does PSKC use processing instructions, some of which crash Foundation's parser too:
        // only the XML declaration, first in the document, is let through.
        let declaration = Array("<?xml".utf8)
        let start =
            bytes.starts(with: declaration) && bytes.count > 5 && [0x20, 0x09, 0x0D, 0x0A].contains(bytes[5]) ? 2 : 0
        if let instruction = (start..<max(start, bytes.count - 1)).first(where: {
            bytes[$0] == UInt8(ascii: "<") && bytes[$0 + 1] == UInt8(ascii: "?")
        }) {
            throw .malformed(line: line(at: instruction))
        }
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.shouldProcessNamespaces = true
        parser.shouldReportNamespacePrefixes = false
        parser.shouldResolveExternalEntities = false
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw .malformed(line: max(parser.lineNumber, 1))
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var stack: [XMLTreeElement] = []
        var root: XMLTreeElement?

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]
        ) {
            stack.append(XMLTreeElement(name: elementName, namespace: namespaceURI ?? "", attributes: attributeDict))
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?
        ) {
            let element = stack.removeLast()
            if stack.isEmpty {
                root = element
            } else {
                stack[stack.count - 1].children.append(element)
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += string
        }

        func parser(_ parser: XMLParser, foundCDATA block: Data) {
            guard !stack.isEmpty else { return }
            stack[stack.count - 1].text += String(decoding: block, as: UTF8.self)
        }
    }
}
