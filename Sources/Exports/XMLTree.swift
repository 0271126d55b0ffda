internal import CLibXML2

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

/// Parses a whole document into a tree with libxml2 (no network, no entity substitution, libxml2's
/// default depth and size limits). Documents with a DOCTYPE are refused before parsing: PSKC has no
/// DTD, and refusing one rules out entity expansion attacks.
enum XMLTree {
    static func parse(_ text: String) throws(XMLTreeError) -> XMLTreeElement {
        guard !text.contains("<!DOCTYPE"), !text.contains("<!ENTITY") else { throw .doctype }
        let bytes = Array(text.utf8)
        func line(at offset: Int) -> Int { bytes[..<offset].reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 } }
        // XML 1.0 §2.2 has no character U+0000.
        if let nul = bytes.firstIndex(of: 0) { throw .malformed(line: line(at: nul)) }
        // Nor does PSKC use processing instructions: only the XML declaration, first in the
        // document, is let through.
        let declaration = Array("<?xml".utf8)
        let start =
            bytes.starts(with: declaration) && bytes.count > 5 && [0x20, 0x09, 0x0D, 0x0A].contains(bytes[5]) ? 2 : 0
        if let instruction = (start..<max(start, bytes.count - 1)).first(where: {
            bytes[$0] == UInt8(ascii: "<") && bytes[$0 + 1] == UInt8(ascii: "?")
        }) {
            throw .malformed(line: line(at: instruction))
        }
        xmlResetLastError()
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let document = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { xmlReadMemory($0.baseAddress, Int32($0.count), nil, "UTF-8", options) }
        }
        guard let document else { throw .malformed(line: max(Int(xmlGetLastError()?.pointee.line ?? 1), 1)) }
        defer { xmlFreeDoc(document) }
        guard let root = xmlDocGetRootElement(document) else { throw .malformed(line: 1) }
        return element(root)
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// The element at `node`, its attributes by local name, its child elements and its text.
    private static func element(_ node: xmlNodePtr) -> XMLTreeElement {
        var attributes: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            let value = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1)
            attributes[string(current.pointee.name)] = string(value)
            tokenforge_xml_free(value)
            attribute = current.pointee.next
        }
        var element = XMLTreeElement(
            name: string(node.pointee.name), namespace: string(node.pointee.ns?.pointee.href), attributes: attributes)
        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE: element.children.append(Self.element(current))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE: element.text += string(current.pointee.content)
            default: break
            }
            child = current.pointee.next
        }
        return element
    }
}
