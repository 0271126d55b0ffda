public import Activation

/// One A4 page of a print run, as structured content: a letterhead (sender, date, recipient in
/// the envelope window), then blocks of text and QR codes from top to bottom.
///
/// The page carries no layout: `PDFDocument` sets it in type and shrinks the text, within limits,
/// until it fits on the page.
public struct PrintedPage: Sendable {
    /// The page's language as a BCP 47 tag (`fr`, `de`, …), for hyphenation and shaping.
    public var language: String
    /// The sender's lines, printed small at the top left.
    public var sender: [String]
    /// The date line, at the top right.
    public var date: String
    /// The recipient's lines (name, then address), in the envelope window.
    public var recipient: [String]
    public var blocks: [PrintedBlock]

    public init(language: String, sender: [String], date: String, recipient: [String], blocks: [PrintedBlock]) {
        self.language = language
        self.sender = sender
        self.date = date
        self.recipient = recipient
        self.blocks = blocks
    }
}

/// A piece of a page's content, in reading order.
public enum PrintedBlock: Sendable {
    /// The page's title, large and bold.
    case title(String)
    /// A step's heading, bold.
    case heading(String)
    case paragraph(String)
    /// Small grey print: what to keep, what to destroy.
    case note(String)
    /// A QR code drawn as vector squares, with small print under it: a title, then label and
    /// value pairs in two columns.
    case qrCode(QRCode, captionTitle: String, caption: [PrintedRow])
    /// Label and value pairs in two columns (serial, account, …).
    case table([PrintedRow])
}

/// A label and its value, side by side; `monospaced` sets the value in a fixed-width face (a key
/// to type in).
public struct PrintedRow: Sendable {
    public var label: String
    public var value: String
    public var monospaced: Bool

    public init(_ label: String, _ value: String, monospaced: Bool = false) {
        self.label = label
        self.value = value
        self.monospaced = monospaced
    }
}
