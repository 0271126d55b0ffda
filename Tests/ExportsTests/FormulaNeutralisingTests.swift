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

    @Test func ordinaryCellsAreUnchanged() throws {
        let csv = try EntraCSV.export([Samples.record(username: "dave@example.org")])
        #expect(csv.hasSuffix("\r\ndave@example.org,TF-0004,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,,\r\n"))
    }
}
