import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing
import TokenModel
import TokenTesting

/// The merged PDF of a run, checked with poppler and ZBar as a print shop's tools would read it,
/// and reprints refused for users who must not get their seed again.
@Suite(.serialized)
struct LetterPrintTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-print-\(UUID().uuidString)").path

    /// The sample roster issued on virtual tokens: four app users, two token users, all exported.
    func issued() throws -> (Register, [RosterEntry], LetterRenderer) {
        let register = try Register(
            path: directory + "/register.sqlite", passphrase: "correct horse battery", newKey: .lowCost())
        let roster = try Roster.parse(SampleRoster.csv, file: "sample")
        var renderer = try LetterRenderer(
            fields: LetterFields(sender: ["ACME SA", "Rue du Lac 1"], helpdesk: "+41 21 555 01 00"),
            today: LetterDate(iso: "2026-12-02")!)
        renderer.addresses = Dictionary(uniqueKeysWithValues: roster.map { ($0.username, $0.address) })
        var options = IssueRun.Options(issuer: "ACME", outputDirectory: directory + "/out", letters: renderer)
        options.exports = [.uris]
        try IssueRun(register: register, options: options, tokens: VirtualTokenSource()).run(roster)
        return (register, roster, renderer)
    }

    func print(_ register: Register, _ renderer: LetterRenderer) -> LetterPrint {
        LetterPrint(register: register, renderer: renderer, issuer: "ACME") { _ in .setAtHandover }
    }

    @Test func thePDFHasOnePagePerUserEachNameAndEachUsersQRCode() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, roster, renderer) = try issued()
        let users = try LetterPrint.users(named: roster.map(\.username), in: register)
        let pdf = directory + "/run.pdf"
        try print(register, renderer).writePDF(for: users, to: pdf)

        let attributes = try FileManager.default.attributesOfItem(atPath: pdf)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let info = try runTool("/usr/bin/pdfinfo", [pdf])
        #expect(info.contains("Pages:           \(roster.count)\n"))
        #expect(info.contains("(A4)"))
        let uris = try String(contentsOfFile: try ExportDirectories.latest(directory + "/out/exports") + "/otpauth-uris.txt", encoding: .utf8)
            .split(separator: "\n").map(String.init)
        for (index, user) in users.enumerated() {
            let page = index + 1
            let text = try runTool("/usr/bin/pdftotext", ["-f", "\(page)", "-l", "\(page)", "-layout", pdf, "-"])
            #expect(text.contains(user.entry.displayName), "page \(page)")
            let image = directory + "/page-\(page)"
            _ = try runTool(
                "/usr/bin/pdftoppm",
                ["-f", "\(page)", "-l", "\(page)", "-r", "150", "-gray", "-png", "-singlefile", pdf, image])
            let scan = try ChildProcess.run("/usr/bin/zbarimg", ["-q", "--raw", image + ".png"], timeout: .seconds(60))
            switch user.entry.method {
            case .app:
                let expected = try OTPAuthURI(
                    account: user.entry.email, issuer: "ACME", secret: register.seed(of: user)
                ).uriString
                #expect(scan.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "page \(page)")
                #expect(uris.contains(expected))
                let key = try register.seed(of: user).base32EncodedString()
                #expect(text.contains(String(key.prefix(4)) + " " + String(key.dropFirst(4).prefix(4))))
            case .token:
                #expect(scan.status == 4, "a handover sheet holds no QR code")
                #expect(text.contains(user.tokenSerial!))
            }
        }
        let zurich = try runTool("/usr/bin/pdftotext", ["-f", "1", "-l", "1", pdf, "-"])
        #expect(zurich.contains("Bahnhofstrasse 12\n8001 Zürich"))
        #expect(zurich.contains("2. Dezember 2026"))
    }

    @Test func thePDFIsNeverWrittenOverAnExistingFile() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, roster, renderer) = try issued()
        let users = try LetterPrint.users(named: [roster[0].username], in: register)
        let pdf = directory + "/run.pdf"
        try "keep me".write(toFile: pdf, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try print(register, renderer).writePDF(for: users, to: pdf) }
        #expect(try String(contentsOfFile: pdf, encoding: .utf8) == "keep me")
    }

    @Test func reprintsAreRefusedForActivatedRevokedUnknownAndUnfinishedUsers() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _, _) = try issued()
        let lrossi = try register.user("lrossi")
        let code = try TOTPGenerator(secret: register.seed(of: lrossi)).code(at: 1_800_000_000)
        _ = try UserActivation.activate("lrossi", code: code, at: 1_800_000_000, in: register)
        try register.revoke("apatel")
        try register.add(
            RosterEntry(username: "new", displayName: "New", email: "n@example.org", language: .en, method: .app))
        #expect(
            throws: LetterPrint.RefusalError(refusals: [
                "lrossi": .activated, "apatel": .revoked, "nobody": .unknown, "new": .notIssued,
            ])
        ) { try LetterPrint.users(named: ["zmuller", "lrossi", "apatel", "nobody", "new"], in: register) }
        #expect(
            try LetterPrint.users(named: ["zmuller", "bkeller"], in: register).map(\.entry.username) == [
                "zmuller", "bkeller",
            ])
        #expect(
            Set(try LetterPrint.users(named: [], in: register).map(\.entry.username)) == [
                "zmuller", "crochat", "bkeller", "mfavre",
            ])
    }

    @Test func aReprintCarriesTheSameSeedAsTheIssuedLetter() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _, renderer) = try issued()
        let users = try LetterPrint.users(named: ["zmuller", "bkeller"], in: register)
        let paths = try print(register, renderer).writeHTML(for: users, into: directory + "/reprint")
        #expect(paths == [directory + "/reprint/zmuller.de.html", directory + "/reprint/bkeller.sheet.de.html"])
        let original = try String(contentsOfFile: directory + "/out/letters/zmuller.de.html", encoding: .utf8)
        #expect(try String(contentsOfFile: paths[0], encoding: .utf8) == original)
        #expect(try String(contentsOfFile: paths[1], encoding: .utf8).contains("TFDEMO0001"))
    }
}
