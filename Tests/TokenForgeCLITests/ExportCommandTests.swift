import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing

/// `tokenforge export` as an administrator runs it: new timestamped runs, change-only runs with
/// their removals list, Entra's refusals.
@Suite(.timeLimit(.minutes(5)))
struct ExportCommandTests {
    let directory: TemporaryDirectory
    static let passphrase = "correct horse battery"
    var registerPath: String { directory.path("register.sqlite") }
    var exports: String { directory.path("exports") }

    init() throws { directory = try TemporaryDirectory() }

    /// The sample roster's app users issued in-process, the register closed again.
    func issueAppUsers() throws {
        let register = try Register(path: registerPath, passphrase: Self.passphrase, newKey: .lowCost())
        var options = IssueRun.Options(
            issuer: "ACME", outputDirectory: directory.path("out"), letters: try LetterRenderer())
        options.exports = [.uris]
        try IssueRun(register: register, options: options, tokens: nil).run(
            try Roster.parse(SampleRoster.csv, file: "sample").filter { $0.method == .app })
    }

    func tokenforge(_ arguments: [String]) throws -> ChildProcess.Result {
        try CLIRunner.run(
            arguments + ["--register", registerPath],
            environment: ["TOKENFORGE_ADMIN_PASSPHRASE": Self.passphrase], timeout: .seconds(120))
    }

    func export(_ arguments: [String] = []) throws -> ChildProcess.Result {
        try tokenforge(["export", "--issuer", "ACME", "--output-dir", exports] + arguments)
    }

    struct Run: Decodable {
        let run: String?
        let directory: String?
        let mode: String
        let changes: Int
        let formats: [Format]

        struct Format: Decodable {
            let format: String
            let since: String?
            let written: [Written]
            let removals: [Removed]
            let files: [String]
        }

        struct Written: Decodable, Equatable {
            let username: String
            let serial: String
            let change: String
        }

        struct Removed: Decodable, Hashable {
            let serial: String
            let username: String
            let reason: String
        }
    }

    func files(_ path: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + name))
        }
        return files
    }

    @Test func twoExportsWriteTwoDistinctRunsAndTheFirstStaysAsItWas() throws {
        try issueAppUsers()
        let first = try export(["--format", "entra,uris"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("entra: 4 written"))
        let firstRun = try ExportDirectories.latest(exports)
        let before = try files(firstRun)
        #expect(Set(before.keys) == ["entra-oath-tokens.csv", "otpauth-uris.txt", "manifest.json"])
        let second = try export(["--format", "entra,uris", "--json"])
        #expect(second.status == 0, "\(second.stderr)")
        let run = try second.json(Run.self)
        #expect(run.mode == "full")
        #expect(try ExportDirectories.all(exports).count == 2)
        #expect(run.directory != firstRun)
        #expect(try files(firstRun) == before)
        #expect(try files(try #require(run.directory)).keys.sorted() == before.keys.sorted())
        let firstName = URL(fileURLWithPath: firstRun).lastPathComponent
        #expect(run.formats.map(\.format) == ["entra", "uris"])
        #expect(run.formats.map(\.since) == [firstName, firstName])
    }

    @Test func changesSinceLastAfterAReissueAndARevokeHoldTheReissuedUserAndRemoveTheOldAndRevokedTokens() throws {
        try issueAppUsers()
        #expect(try export(["--format", "entra"]).status == 0)
        let reissue = try tokenforge(
            ["reissue", "lrossi", "--issuer", "ACME", "--out", directory.path("out"), "--export", "uris"])
        #expect(reissue.status == 0, "\(reissue.stderr)")
        let revoke = try tokenforge(["revoke", "apatel"])
        #expect(revoke.status == 0, "\(revoke.stderr)")

        let changed = try export(["--format", "entra", "--changes-since-last", "--json"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let run = try changed.json(Run.self)
        #expect(run.mode == "changes-since-last")
        let entra = try #require(run.formats.first)
        #expect(entra.written == [Run.Written(username: "lrossi", serial: "APP-lrossi", change: "replaced")])
        #expect(
            Set(entra.removals)
                == [
                    Run.Removed(serial: "APP-lrossi", username: "lrossi", reason: "replaced"),
                    Run.Removed(serial: "APP-apatel", username: "apatel", reason: "revoked"),
                ])
        let directory = try #require(run.directory)
        let csv = try String(contentsOfFile: directory + "/entra-oath-tokens.csv", encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 2)
        #expect(csv.contains("\r\nluca.rossi@example.org,APP-lrossi,"))
        let removals = try String(contentsOfFile: directory + "/entra-removals.csv", encoding: .utf8)
        #expect(
            Set(removals.split(separator: "\r\n"))
                == ["serial,username,reason", "APP-lrossi,lrossi,replaced", "APP-apatel,apatel,revoked"])

        let again = try export(["--format", "entra", "--changes-since-last"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("0 changes since the last export: nothing written"))
        #expect(try ExportDirectories.all(exports).count == 2)
        let json = try export(["--format", "entra", "--changes-since-last", "--json"]).json(Run.self)
        #expect(json.changes == 0)
        #expect(json.run == nil)
    }

    @Test func anEntraExportOfASHA512UserIsRefusedNamingThemAndWritesNothing() throws {
        try issueAppUsers()
        do {
            let register = try Register(path: registerPath, passphrase: Self.passphrase)
            _ = try register.reissue(
                Register.NewSeed(
                    username: "crochat", secret: Secret.random(byteCount: 64), algorithm: .sha512, digits: 6, period: 30
                ),
                reason: nil)
            try register.setState("crochat", .exported)
        }
        let refused = try export(["--format", "uris,entra"])
        #expect(refused.status == 85, "\(refused.stderr)")
        #expect(
            refused.stderr.contains(
                #"user "crochat": Entra ID checks SHA1 or SHA256 codes; this credential uses SHA512"#))
        #expect(refused.stderr.contains("nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: exports))
    }

    @Test func theEntraCSVOfTheSampleRosterReadByPythonsCSVModuleHasAUPNMakerAndModelOnEveryRow() throws {
        try issueAppUsers()
        let result = try export(["--format", "entra", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try #require(try result.json(Run.self).formats.first?.files.first)
        let script = """
            import csv, sys
            with open(sys.argv[1], newline="") as f:
                rows = list(csv.DictReader(f))
            for row in rows:
                print(row["upn"], row["serial number"], row["time interval"], row["manufacturer"], row["model"], sep="|")
            """
        let rows = try runTool("/usr/bin/python3", ["-c", script, csv]).split(separator: "\n").map {
            $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(
            rows == [
                ["asha.patel@example.org", "APP-apatel", "30", "TokenForge", "Google Authenticator (iOS)"],
                ["claire.rochat@example.org", "APP-crochat", "30", "TokenForge", "AccessSecurium"],
                ["luca.rossi@example.org", "APP-lrossi", "30", "TokenForge", "Microsoft Authenticator"],
                ["zoe.muller@example.org", "APP-zmuller", "30", "TokenForge", "authenticator app"],
            ])
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0[0].contains("@") && !$0[3].isEmpty && !$0[4].isEmpty })
    }

    @Test func exportWithoutARegisterSaysSo() throws {
        let result = try export()
        #expect(result.status == 66)
        #expect(result.stderr.contains("no register at"))
    }
}
