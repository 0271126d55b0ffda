import Activation
internal import CPangoCairo

/// Sets print runs in type and writes them as one PDF: one A4 page per `PrintedPage`, text laid
/// out by pango in DejaVu Sans (every accented letter of fr, de, it and en), QR codes drawn by
/// cairo as filled rectangles, one per run of dark modules, so they stay sharp at any scale.
///
/// This file is the only one that calls cairo and pango; their objects are owned by classes
/// that free them when dropped.
public enum PDFDocument {
    /// The body type size a page starts at, in points; a page that does not fit is set smaller.
    public static let largestTypeSize = 10.0
    /// The smallest body type size a page may be set in; below it the page is an error.
    public static let smallestTypeSize = 8.0

    /// A4 in points (ISO 216: 210 × 297 mm).
    static let pageWidth = 210.0 * millimetre
    static let pageHeight = 297.0 * millimetre
    static let millimetre = 72.0 / 25.4
    static let left = 25.0 * millimetre
    static let right = 20.0 * millimetre
    static let top = 15.0 * millimetre
    static let bottom = 14.0 * millimetre
    /// The recipient's window (DIN 5008, SN 010130): 45 mm from the top.
    static let windowTop = 45.0 * millimetre
    static let bodyTop = 82.0 * millimetre
    static let qrSide = 42.0 * millimetre

    /// The PDF of `pages`, every page checked to fit; `title` goes into the document's metadata.
    public static func render(_ pages: [PrintedPage], title: String) throws(LetterPDFError) -> [UInt8] {
        guard !pages.isEmpty else { throw .noPages }
        let sink = PDFSink()
        let surface = try CairoPDF(sink: sink, title: title)
        for (index, page) in pages.enumerated() {
            guard let size = fittingSize(of: page, on: surface) else { throw .pageOverflow(page: index + 1) }
            _ = PageSetter(cairo: surface.context, page: page, size: size, draw: true).setPage()
            cairo_show_page(surface.context)
        }
        try surface.finish()
        return sink.bytes
    }

    /// The largest body size, in half points, at which `page` fits; nil when none does.
    static func fittingSize(of page: PrintedPage, on surface: CairoPDF) -> Double? {
        var size = largestTypeSize
        while size >= smallestTypeSize {
            let end = PageSetter(cairo: surface.context, page: page, size: size, draw: false).setPage()
            if end <= pageHeight - bottom { return size }
            size -= 0.5
        }
        return nil
    }
}

/// Collects the bytes cairo streams out.
final class PDFSink {
    var bytes: [UInt8] = []
}

/// A cairo PDF surface writing into a `PDFSink`, with its drawing context.
final class CairoPDF {
    let surface: OpaquePointer
    let context: OpaquePointer
    private let sink: Unmanaged<PDFSink>
    private var finished = false

    init(sink: PDFSink, title: String) throws(LetterPDFError) {
        let retained = Unmanaged.passRetained(sink)
        self.sink = retained
        surface = cairo_pdf_surface_create_for_stream(
            { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                let sink = Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, retained.toOpaque(), PDFDocument.pageWidth, PDFDocument.pageHeight)
        context = cairo_create(surface)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "TokenForge")
        try check()
    }

    /// Writes the end of the PDF into the sink.
    func finish() throws(LetterPDFError) {
        try check()
        cairo_surface_finish(surface)
        finished = true
        try check()
    }

    private func check() throws(LetterPDFError) {
        for status in [cairo_status(context), cairo_surface_status(surface)] where status != CAIRO_STATUS_SUCCESS {
            throw .cairo(status: String(cString: cairo_status_to_string(status)))
        }
    }

    deinit {
        cairo_destroy(context)
        if !finished { cairo_surface_finish(surface) }
        cairo_surface_destroy(surface)
        sink.release()
    }
}

/// A pango layout for one piece of text, freed when dropped.
final class TextLayout {
    let layout: OpaquePointer

    init(cairo: OpaquePointer, text: String, font: String, width: Double, language: String, alignRight: Bool) {
        layout = pango_cairo_create_layout(cairo)
        pango_context_set_language(pango_layout_get_context(layout), pango_language_from_string(language))
        let description = pango_font_description_from_string(font)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        if alignRight { pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT) }
        pango_layout_set_text(layout, text, -1)
    }

    /// The laid-out height in points.
    var height: Double {
        var width: Int32 = 0
        var height: Int32 = 0
        pango_layout_get_size(layout, &width, &height)
        return Double(height) / Double(PANGO_SCALE)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}

/// Sets one page at one body size from the top down, drawing or only measuring; returns where
/// the content ends.
struct PageSetter {
    let cairo: OpaquePointer
    let page: PrintedPage
    let size: Double
    let draw: Bool

    private var width: Double { PDFDocument.pageWidth - PDFDocument.left - PDFDocument.right }

    func setPage() -> Double {
        let x = PDFDocument.left
        let smallSize = 7.5
        var y = PDFDocument.top
        y += text(page.sender.joined(separator: "\n"), x: x, y: y, width: width * 0.6, size: smallSize)
        _ = text(page.date, x: x, y: PDFDocument.top, width: width, size: smallSize, alignRight: true)
        let recipientTop = max(PDFDocument.windowTop, y + 4 * PDFDocument.millimetre)
        let recipientEnd =
            recipientTop
            + text(page.recipient.joined(separator: "\n"), x: x, y: recipientTop, width: width * 0.6, size: 10)
        y = max(PDFDocument.bodyTop, recipientEnd + 8 * PDFDocument.millimetre)
        for item in page.blocks {
            y += set(item, x: x, y: y)
        }
        return y
    }

    /// Sets one block at `y` (drawing it unless measuring); returns the height it takes.
    private func set(_ block: PrintedBlock, x: Double, y: Double) -> Double {
        let gap = size * 0.45
        switch block {
        case .title(let title):
            return text(title, x: x, y: y, width: width, size: size * 1.35, bold: true) + size * 0.6
        case .heading(let heading):
            return size * 0.35 + text(heading, x: x, y: y + size * 0.35, width: width, size: size, bold: true) + 1
        case .paragraph(let paragraph):
            return text(paragraph, x: x, y: y, width: width, size: size) + gap
        case .note(let note):
            return text(note, x: x, y: y, width: width, size: size * 0.85, gray: 0.3) + gap
        case .table(let rows):
            return table(rows, x: x, y: y, size: size, labelWidth: width * 0.3) + gap
        case .qrCode(let code, let captionTitle, let caption):
            let side = PDFDocument.qrSide * min(1, size / PDFDocument.largestTypeSize + 0.1)
            if draw { drawQRCode(code, x: x, y: y, side: side) }
            let small = size * 0.75
            let titleHeight = text(captionTitle, x: x, y: y + side, width: width, size: small, bold: true)
            let captionHeight = table(
                caption, x: x, y: y + side + titleHeight + 1, size: small, labelWidth: 22 * PDFDocument.millimetre)
            return side + titleHeight + 1 + captionHeight + gap
        }
    }

    private func table(_ rows: [PrintedRow], x: Double, y: Double, size: Double, labelWidth: Double)
        -> Double
    {
        var height = 0.0
        for row in rows {
            let label = text(row.label, x: x, y: y + height, width: labelWidth - 4, size: size, gray: 0.3)
            let value = text(
                row.value, x: x + labelWidth, y: y + height, width: width - labelWidth, size: size,
                monospaced: row.monospaced)
            height += max(label, value) + size * 0.15
        }
        return height
    }

    /// The symbol with its 4-module quiet zone inside `side`, one rectangle per horizontal run.
    private func drawQRCode(_ code: QRCode, x: Double, y: Double, side: Double) {
        let module = side / Double(code.size + 8)
        let origin = (x: x + 4 * module, y: y + 4 * module)
        cairo_set_source_rgb(cairo, 0, 0, 0)
        for row in 0..<code.size {
            var column = 0
            while column < code.size {
                guard code.isDark(row: row, column: column) else {
                    column += 1
                    continue
                }
                let start = column
                while column < code.size, code.isDark(row: row, column: column) { column += 1 }
                cairo_rectangle(
                    cairo, origin.x + Double(start) * module, origin.y + Double(row) * module,
                    Double(column - start) * module, module)
            }
        }
        cairo_fill(cairo)
    }

    /// Lays out `string` at `x`, `y` in `width`; draws it unless measuring; returns its height.
    private func text(
        _ string: String, x: Double, y: Double, width: Double, size: Double, bold: Bool = false, gray: Double = 0,
        monospaced: Bool = false, alignRight: Bool = false
    ) -> Double {
        guard !string.isEmpty else { return 0 }
        let family = monospaced ? "DejaVu Sans Mono" : "DejaVu Sans"
        let font = "\(family)\(bold ? " Bold" : "") \(size)px"
        let layout = TextLayout(
            cairo: cairo, text: string, font: font, width: width, language: page.language, alignRight: alignRight)
        if draw {
            cairo_set_source_rgb(cairo, gray, gray, gray)
            cairo_move_to(cairo, x, y)
            pango_cairo_show_layout(cairo, layout.layout)
        }
        return layout.height
    }
}
