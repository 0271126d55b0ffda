import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing

/// `tokenforge issue --pdf` and `tokenforge letters` as an administrator runs them.
@Suite(.serialized)
struct LettersCommandTests {
    static let roster = """
        username,display_name,email,language,method,app,token_serial,address
        zmuller,Zoë Müller,zoe.muller@example.org,de,app,,,Bahnhofstrasse 12|8001 Zürich
        crochat,Claire Rochat,claire.rochat@example.org,fr,app,microsoft,,

        """
    static let environment = ["TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase"]

    func issue(_ directory: TemporaryDirectory, _ extra: [String]) throws -> ChildProcess.Result {
        let roster = try directory.file("roster.csv", contents: Self.roster)
        return try CLIRunner.run(
            [
                "issue", roster, "--issuer", "ACME", "--out", directory.path("out"), "--export", "uris",
                "--register", directory.path("register.sqlite"),
            ] + extra, environment: Self.environment)
    }

    func letters(_ directory: TemporaryDirectory, _ extra: [String]) throws -> ChildProcess.Result {
        try CLIRunner.run(
            ["letters", "--issuer", "ACME", "--register", directory.path("register.sqlite")] + extra,
            environment: Self.environment)
    }

    func pages(_ pdf: String) throws -> String {
        try runTool("/usr/bin/pdfinfo", [pdf]).split(separator: "\n").first { $0.hasPrefix("Pages:") }.map(String.init)
            ?? ""
    }

    @Test func issueWritesTheRunsPDFAndLettersReprintsOnlyUsersWhoHaveNotActivated() throws {
        let directory = try TemporaryDirectory()
        _ = try Register(
            path: directory.path("register.sqlite"), passphrase: Self.environment["TOKENFORGE_ADMIN_PASSPHRASE"],
            newKey: .lowCost())
        let run = try issue(
            directory,
            ["--pdf", directory.path("run.pdf"), "--helpdesk", "+41 21 555 01 00", "--letter-date", "2026-12-02"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try pages(directory.path("run.pdf")) == "Pages:           2")
        let text = try runTool("/usr/bin/pdftotext", [directory.path("run.pdf"), "-"])
        #expect(text.contains("Bahnhofstrasse 12"))
        #expect(text.contains("+41 21 555 01 00"))
        let letter = try String(contentsOfFile: directory.path("out/letters/crochat.fr.html"), encoding: .utf8)
        #expect(letter.contains("2 décembre 2026"))

        do {  // the register is closed, and its lock given back, before the next command
            let register = try Register(
                path: directory.path("register.sqlite"), passphrase: Self.environment["TOKENFORGE_ADMIN_PASSPHRASE"])
            let crochat = try register.user("crochat")
            let now = Int64(Date().timeIntervalSince1970)
            let code = try TOTPGenerator(secret: register.seed(of: crochat)).code(at: now)
            _ = try UserActivation.activate("crochat", code: code, at: now, in: register)
        }

        // The same letter options and the roster (for the address) give the same letter.
        let reprint = try letters(
            directory,
            [
                "zmuller", "--pdf", directory.path("reprint.pdf"), "--html", directory.path("html"), "--roster",
                directory.path("roster.csv"), "--helpdesk", "+41 21 555 01 00", "--letter-date", "2026-12-02",
            ])
        #expect(reprint.status == 0, "\(reprint.stderr)")
        #expect(try pages(directory.path("reprint.pdf")) == "Pages:           1")
        let original = try String(contentsOfFile: directory.path("out/letters/zmuller.de.html"), encoding: .utf8)
        #expect(try String(contentsOfFile: directory.path("html/zmuller.de.html"), encoding: .utf8) == original)

        for (user, reason) in [("crochat", "has already activated"), ("nobody", "is not in the register")] {
            let refused = try letters(directory, [user, "--pdf", directory.path("\(user).pdf")])
            #expect(refused.status == 83)
            #expect(refused.stderr.contains("\(user) \(reason)"))
            #expect(!FileManager.default.fileExists(atPath: directory.path("\(user).pdf")))
        }
        let existing = try letters(directory, ["zmuller", "--pdf", directory.path("run.pdf")])
        #expect(existing.status == 80)
        #expect(existing.stderr.contains("already exists"))
    }

    @Test func theDemoWritesTheMergedPDF() throws {
        let directory = try TemporaryDirectory()
        let demo = try CLIRunner.run(["demo", "--out", directory.path("demo")], timeout: .seconds(120))
        #expect(demo.status == 0, "\(demo.stderr)")
        let pdf = directory.path("demo/letters.pdf")
        #expect(demo.stdout.contains("wrote \(pdf) (7 pages: letters and handover sheets)"))
        #expect(try pages(pdf) == "Pages:           7")
        let attributes = try FileManager.default.attributesOfItem(atPath: pdf)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try runTool("/usr/bin/pdftotext", [pdf, "-"])
        for name in [
            "Zoë Müller", "Claire Rochat", "Luca Rossi", "Asha Patel", "Bruno Keller", "Marie Favre", "Jade Nguyen",
        ] {
            #expect(text.contains(name))
        }
    }

    @Test func aBadTemplateStopsIssueBeforeAnythingIsIssued() throws {
        let directory = try TemporaryDirectory()
        let missing = try issue(directory, ["--template", directory.path("no-such-dir")])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("template directory \(directory.path("no-such-dir")) does not exist"))
        try FileManager.default.createDirectory(atPath: directory.path("templates"), withIntermediateDirectories: true)
        _ = try directory.file("templates/letter.de.mustache", contents: "{{{qrPNG}}}\n{{greting}}\n")
        _ = try directory.file("templates/letter.fr.mustache", contents: "{{{qrPNG}}}\n")
        let unknown = try issue(directory, ["--template", directory.path("templates")])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("templates/letter.de.mustache:2: unknown field \"greting\""))
        #expect(!FileManager.default.fileExists(atPath: directory.path("register.sqlite")))
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
    }
}
