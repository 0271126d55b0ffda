import Exports
import OTPCore
import Testing

/// Cells a spreadsheet would run as formulas (OWASP "CSV Injection") start with an apostrophe in
/// every CSV export, so opening an export never runs what a username carries.
struct FormulaNeutralisingTests {
    static let usernames = ["=1+1", "+SUM(A1)", "@SUM(1)", "=cmd|'-Ccalc'!A0", "-2+3"]

    @Test(arguments: usernames)
    func entraCellsStartingAFormulaGetAnApostrophe(username: String) throws {
        let csv = try EntraCSV.export([Samples.record(username: username)])
        let row = try #require(csv.split(separator: "\r\n").last)
        #expect(row.hasPrefix("'\(username),") || row.hasPrefix("\"'\(username.replacing("\"", with: "\"\""))\","))
    }

    @Test(arguments: usernames)
    func privacyIDEACellsStartingAFormulaGetAnApostrophe(username: String) throws {
        let csv = try PrivacyIDEACSV.export([Samples.record(username: username)], resolver: "=res", realm: "@realm")
        let row = try #require(csv.split(separator: "\n").last)
        #expect(row.hasPrefix("'\(username), '=res, '@realm, TF-0004, "), "\(row)")
    }

    @Test(arguments: usernames)
    func removalListCellsStartingAFormulaGetAnApostrophe(username: String) throws {
        let text = RemovalList.export([Removal(serial: "=HYPERLINK(1)", username: username, reason: .revoked)])
        let rows = text.split(separator: "\r\n")
        #expect(rows.first == "serial,username,reason")
        let row = try #require(rows.last)
        #expect(row.hasPrefix("'=HYPERLINK(1),'\(username),") || row.hasPrefix("'=HYPERLINK(1),\"'"), "\(row)")
        #expect(row.hasSuffix(",revoked"))
    }

    @Test func theRemovalListIsTheHeaderThenOneRowPerToken() {
        #expect(RemovalList.export([]) == "serial,username,reason\r\n")
        #expect(
            RemovalList.export([
                Removal(serial: "TF-1", username: "ann", reason: .replaced),
                Removal(serial: "APP-bo, jr", username: "bo", reason: .disabled),
            ]) == "serial,username,reason\r\nTF-1,ann,replaced\r\n\"APP-bo, jr\",bo,disabled\r\n")
    }

    @Test func ordinaryCellsAreUnchanged() throws {
        let csv = try EntraCSV.export([Samples.record(username: "dave@example.org")])
        #expect(csv.hasSuffix("\r\ndave@example.org,TF-0004,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,,\r\n"))
    }
}
