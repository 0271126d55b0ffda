import Foundation
import Issuance
import Testing

/// Custom templates are checked before anything is issued, each error naming file and line.
struct LetterTemplateTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-templates-\(UUID().uuidString)")
        .path

    func write(_ name: String, _ text: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aGoodTemplateReplacesTheShippedLetter() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try write(
            "letter.de.mustache",
            "<p>{{greeting}}</p>\n<img alt=\"{{qrAlt}}\" src=\"data:image/png;base64,{{{qrPNG}}}\">\n")
        let renderer = try LetterRenderer(overrides: directory, languages: [.de])
        let entry = RosterEntry(username: "z", displayName: "Zoë", email: "z@example.org", language: .de, method: .app)
        let html = renderer.render(for: entry, issuer: "ACME", uri: try LetterWordingTests.uri(), png: [0], svg: "")
        #expect(
            html
                == "<p>Guten Tag Zoë</p>\n<img alt=\"QR-Code zum Scannen mit der App AccessSecurium\" src=\"data:image/png;base64,AA==\">\n"
        )
    }

    @Test func anUnknownFieldIsAnErrorNamingFileAndLine() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write("letter.fr.mustache", "<p>{{greeting}}</p>\n{{{qrSVG}}}\n<p>{{helpdeskPhone}}</p>\n")
        #expect(throws: LetterTemplateError.unknownField(file: path, line: 3, name: "helpdeskPhone")) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
        #expect(
            "\(LetterTemplateError.unknownField(file: path, line: 3, name: "helpdeskPhone"))"
                == "\(path):3: unknown field \"helpdeskPhone\" (the fields are listed in the README, \"Letter templates\")"
        )
    }

    @Test func aTemplateWithoutTheQRCodeIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write(
            "letter.it.mustache", "<p>{{greeting}}</p>\n{{! {{{qrPNG}}} in a comment does not count }}\n")
        #expect(throws: LetterTemplateError.noQRCode(file: path)) {
            try LetterRenderer(overrides: directory, languages: [.it])
        }
    }

    @Test func anEscapedSVGIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write("letter.en.mustache", "<p>{{greeting}}</p>\n\n{{qrSVG}}\n")
        #expect(throws: LetterTemplateError.escapedSVG(file: path, line: 3)) {
            try LetterRenderer(overrides: directory, languages: [.en])
        }
    }

    @Test func aMissingDirectoryOrFileIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: LetterTemplateError.missingDirectory(directory)) { try LetterRenderer(overrides: directory) }
        _ = try write("letter.fr.mustache", "{{{qrPNG}}}")
        #expect(throws: LetterTemplateError.missingFile(directory + "/letter.de.mustache", language: .de)) {
            try LetterRenderer(overrides: directory, languages: [.fr, .de])
        }
        _ = try LetterRenderer(overrides: directory, languages: [.fr])
    }

    @Test func sectionsNestedPastTheBoundAreRefusedNamingTheLine() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let depth = 20_000
        let path = try write(
            "letter.fr.mustache",
            "{{{qrPNG}}}\n" + (0..<depth).map { "{{#s\($0)}}" }.joined() + (0..<depth).reversed().map { "{{/s\($0)}}" }.joined())
        #expect(throws: LetterTemplateError.nestedTooDeep(file: path, line: 2, limit: LetterRenderer.maximumTemplateNesting)) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
    }

    @Test func sectionsNestedToTheBoundAreAccepted() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let names = [
            "name", "username", "issuer", "account", "app", "language", "date", "title", "greeting", "intro",
            "requirement", "installHeading", "install", "protectHeading", "protect", "adminHeading",
        ]
        #expect(names.count == LetterRenderer.maximumTemplateNesting)
        _ = try write(
            "letter.fr.mustache",
            "{{{qrPNG}}}" + names.map { "{{#\($0)}}" }.joined() + names.reversed().map { "{{/\($0)}}" }.joined())
        _ = try LetterRenderer(overrides: directory, languages: [.fr])
    }

    /// The fuzz target's reproducer: {{#manualEntry}} nested in itself repeats the list once per
    /// row at every level, so rendering ran for minutes; such nesting is refused when loaded.
    @Test func aSectionInsideOneOfTheSameNameIsRefusedNamingTheLine() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write(
            "letter.fr.mustache",
            "{{{qrPNG}}}\n{{#manualEntry}}{{label}}\n{{#key}}{{^manualEntry}}none{{/manualEntry}}{{/key}}{{/manualEntry}}")
        #expect(throws: LetterTemplateError.nestedInItself(file: path, line: 3, name: "manualEntry")) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
        _ = try write("letter.fr.mustache", "{{{qrPNG}}}")
        let sheet = try write("sheet.fr.mustache", "{{#rows}}{{#rows}}{{label}}{{/rows}}{{/rows}}")
        #expect(throws: LetterTemplateError.nestedInItself(file: sheet, line: 1, name: "rows")) {
            try LetterRenderer(overrides: directory, languages: [])
        }
    }

    /// The cap on QR codes counts tags, so a QR code that a section would repeat is refused.
    @Test func aQRCodeASectionWouldRepeatIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let asSection = try write("letter.fr.mustache", "{{#qrSVG}}{{{.}}}{{{.}}}{{/qrSVG}}")
        #expect(throws: LetterTemplateError.qrCodeRepeated(file: asSection, line: 1, section: "qrSVG")) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
        let inList = try write("letter.fr.mustache", "{{#senderLines}}\n{{{qrPNG}}}{{/senderLines}}")
        #expect(throws: LetterTemplateError.qrCodeRepeated(file: inList, line: 2, section: "senderLines")) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
        // Inside a section that is not a list (shown once or not at all) it is fine.
        _ = try write("letter.fr.mustache", "{{#login}}{{{qrPNG}}}{{/login}}")
        _ = try LetterRenderer(overrides: directory, languages: [.fr])
    }

    @Test func moreQRCodesThanTheBoundAreRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let within = String(repeating: "{{{qrSVG}}}", count: LetterRenderer.maximumQRCodes)
        _ = try write("letter.fr.mustache", within)
        _ = try LetterRenderer(overrides: directory, languages: [.fr])
        let path = try write("letter.fr.mustache", within + "\n{{{qrPNG}}}")
        #expect(throws: LetterTemplateError.tooManyQRCodes(file: path, line: 2, limit: LetterRenderer.maximumQRCodes)) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
    }

    @Test func aTemplateFileOverTheSizeBoundIsRefusedUnread() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write(
            "letter.fr.mustache", "{{{qrPNG}}}" + String(repeating: "x", count: LetterRenderer.maximumTemplateBytes))
        #expect(throws: LetterTemplateError.tooLarge(path, limit: LetterRenderer.maximumTemplateBytes)) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
    }

    @Test func aLinkToATemplateIsFollowedAndAFIFOIsRefusedUnopened() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let real = try write("real.mustache", "<p>{{greeting}}</p>{{{qrPNG}}}")
        try FileManager.default.createSymbolicLink(atPath: directory + "/letter.de.mustache", withDestinationPath: real)
        _ = try LetterRenderer(overrides: directory, languages: [.de])
        #expect(mkfifo(directory + "/letter.fr.mustache", 0o600) == 0)
        #expect(throws: LetterTemplateError.unreadable(directory + "/letter.fr.mustache")) {
            try LetterRenderer(overrides: directory, languages: [.fr])
        }
    }

    @Test func aSyntaxErrorIsReadable() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write("letter.de.mustache", "<p>{{greeting}}</p>\n{{#senderLines}}{{.}}\n{{{qrPNG}}}\n")
        do {
            _ = try LetterRenderer(overrides: directory, languages: [.de])
            Issue.record("the template parsed")
        } catch {
            guard case .syntax(let file, _, _, let reason) = error else {
                Issue.record("not a syntax error: \(error)")
                return
            }
            #expect(file == path)
            #expect(reason == "a section opened with {{#…}} or {{^…}} is never closed with {{/…}}")
            #expect(!"\(error)".contains("ParserError"))
        }
    }

    @Test func aPartialIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try write("letter.de.mustache", "{{{qrPNG}}}\n{{> footer}}\n")
        #expect(throws: LetterTemplateError.unsupportedTag(file: path, line: 2, tag: "{{>footer}}")) {
            try LetterRenderer(overrides: directory, languages: [.de])
        }
    }
}
