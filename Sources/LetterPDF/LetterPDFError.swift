/// A print run's PDF that could not be made.
public enum LetterPDFError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Page `page` (1-based) does not fit on A4 even in the smallest type allowed.
    case pageOverflow(page: Int)
    /// cairo reported an error; `status` is its message.
    case cairo(status: String)
    /// A run with no pages has nothing to print.
    case noPages

    public var description: String {
        switch self {
        case .pageOverflow(let page):
            "page \(page) does not fit on one A4 page even in \(PDFDocument.smallestTypeSize) pt type: shorten its text"
        case .cairo(let status): "the PDF could not be drawn: cairo: \(status)"
        case .noPages: "there is nothing to print: no letters or handover sheets were chosen"
        }
    }
}
