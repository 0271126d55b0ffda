import Activation
import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing

/// The HTML letters print on one A4 page in a real browser: headless Chromium's print to PDF.
struct LetterBrowserPrintTests {
    static let chromium = "/usr/bin/chromium"

    /// Prints `html` with Chromium and returns the PDF's page count; nil when Chromium cannot start.
    static func printedPages(_ html: String, in directory: String, name: String) throws -> Int? {
        let page = directory + "/\(name).html"
        let pdf = directory + "/\(name).pdf"
        try html.write(toFile: page, atomically: true, encoding: .utf8)
        guard FileManager.default.isExecutableFile(atPath: chromium) else { return nil }
        let result = try ChildProcess.run(
            chromium,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-pdf-header-footer",
                "--user-data-dir=\(directory)/profile", "--print-to-pdf=\(pdf)", "file://\(page)",
            ], timeout: .seconds(120))
        guard result.status == 0, FileManager.default.fileExists(atPath: pdf) else {
            Swift.print("note: Chromium could not start here (status \(result.status)): \(result.stderr.suffix(300))")
            return nil
        }
        let info = try runTool("/usr/bin/pdfinfo", [pdf])
        guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("Pages:") }) else { return nil }
        return Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces))
    }

    @Test func theLongestLetterOfEveryLanguagePrintsOnOneA4Page() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tf-chromium-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fields = LetterFields(
            sender: ["Caisse de compensation ACME", "Service informatique", "Rue du Lac 1", "1000 Lausanne"],
            helpdesk: "Helpdesk informatique, +41 21 555 01 00, helpdesk@example.org", confirmation: .helpdesk,
            login: "portal.example.org")
        let renderer = try LetterRenderer(fields: fields, today: LetterDate(iso: "2026-12-02")!)
        for language in Language.allCases {
            let entry = RosterEntry(
                username: "zmuller", displayName: "Zoë Müller-Rochat", email: "zoe.muller-rochat@example.org",
                language: language, method: .app, appProfile: .any,
                address: ["Département des finances", "Bahnhofstrasse 12", "8001 Zürich"])
            let uri = try OTPAuthURI(account: entry.email, issuer: "ACME", secret: Secret(bytes: Array(0..<20)))
            let code = try QRCode(encoding: uri.uriString)
            let html = renderer.render(
                for: entry, issuer: "ACME", uri: uri, png: try code.pngData(scale: 6, margin: 4),
                svg: code.svgDocument(scale: 6, margin: 4))
            guard let pages = try Self.printedPages(html, in: directory, name: "letter-\(language.rawValue)") else {
                Swift.print("note: skipped the browser print test: Chromium cannot start on this machine")
                return
            }
            #expect(pages == 1, "\(language)")
        }
        let sheet = HandoverSheet(
            username: "bkeller", name: "Bruno Keller", language: .de, serial: "TFDEMO0001", slot: 0, issuer: "ACME",
            account: "bruno.keller@example.org", pinDelivery: .deliveredSeparately,
            address: ["Marktgasse 5", "3011 Bern"])
        if let pages = try Self.printedPages(renderer.render(sheet), in: directory, name: "sheet") {
            #expect(pages == 1)
        }
    }
}
