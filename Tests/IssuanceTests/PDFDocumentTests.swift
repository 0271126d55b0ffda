import Foundation
import LetterPDF
import TestSupport
import Testing

/// The PDF writer refuses what it cannot print well rather than printing it badly.
struct PDFDocumentTests {
    static func page(_ paragraphs: Int) -> PrintedPage {
        PrintedPage(
            language: "en", sender: ["ACME"], date: "2 December 2026", recipient: ["Zoë Müller"],
            blocks: [.title("A long letter")]
                + Array(
                    repeating: .paragraph(String(repeating: "Every word takes room on the page. ", count: 12)),
                    count: paragraphs))
    }

    @Test func aPageThatCannotFitEvenInSmallTypeIsAnError() throws {
        _ = try PDFDocument.render([Self.page(3)], title: "fits")
        #expect(throws: LetterPDFError.pageOverflow(page: 2)) {
            try PDFDocument.render([Self.page(3), Self.page(60)], title: "too long")
        }
    }

    @Test func aRunWithoutPagesIsAnError() {
        #expect(throws: LetterPDFError.noPages) { try PDFDocument.render([], title: "empty") }
    }

    @Test func theDocumentIsAnA4PDFWithItsTitle() throws {
        let bytes = try PDFDocument.render([Self.page(1)], title: "ACME – OTP")
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tf-pdf-\(UUID().uuidString).pdf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let info = try runTool("/usr/bin/pdfinfo", [path])
        #expect(info.contains("Title:           ACME – OTP\n"))
        #expect(info.contains("Page size:       595.276 x 841.89 pts (A4)"))
    }
}
