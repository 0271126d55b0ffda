import Exports
import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing
import TokenTesting

/// Exports as runs: each in a new directory, recorded in the register's history, and change-only
/// runs with their removals list.
struct ExportRunTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tf-export-\(UUID().uuidString)").path
    var exports: String { directory + "/out/exports" }
    static let now: Int64 = 1_796_000_000

    func register() throws -> Register {
        try Register(path: directory + "/register.sqlite", passphrase: "correct horse battery", newKey: .lowCost())
    }

    func issueOptions(_ formats: Set<ExportFormat>) throws -> IssueRun.Options {
        var options = IssueRun.Options(
            issuer: "ACME", outputDirectory: directory + "/out", letters: try LetterRenderer())
        options.exports = formats
        options.now = { Self.now }
        return options
    }

    func exportOptions(_ formats: Set<ExportFormat>, changes: Bool = false) -> ExportRun.Options {
        var options = ExportRun.Options(formats: formats, directory: exports, issuer: "ACME")
        options.changesSinceLast = changes
        options.now = { Self.now }
        options.privacyIDEAResolver = "staff"
        options.privacyIDEARealm = "acme"
        return options
    }

    /// The sample roster issued (its two token users on virtual tokens), exports `formats`.
    func issued(_ formats: Set<ExportFormat> = [.uris]) throws -> (Register, VirtualTokenSource) {
        let register = try register()
        let tokens = VirtualTokenSource()
        try IssueRun(register: register, options: issueOptions(formats), tokens: tokens).run(
            try Roster.parse(SampleRoster.csv, file: "sample"))
        return (register, tokens)
    }

    /// Every file under `path`, by relative path: its bytes and inode.
    func snapshot(_ path: String) throws -> [String: (Data, UInt64)] {
        var files: [String: (Data, UInt64)] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: path + "/" + name)
            files[name] = (
                try Data(contentsOf: URL(fileURLWithPath: path + "/" + name)),
                (attributes[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0
            )
        }
        return files
    }

    @Test func twoRunsWriteTwoDistinctSetsOfFilesAndLeaveTheFirstAsItWas() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued([.uris, .entra, .privacyidea])
        let first = try ExportDirectories.latest(exports)
        #expect(first == exports + "/" + ExportRun.runName(Self.now))
        let before = try snapshot(first)
        #expect(
            Set(before.keys) == [
                "otpauth-uris.txt", "entra-oath-tokens.csv", "privacyidea-tokens.csv", "manifest.json",
            ])

        let outcome = try ExportRun(register: register, options: exportOptions([.uris, .entra, .privacyidea])).run()
        // The same second: the second run takes the next name rather than the first's directory.
        #expect(outcome.run == ExportRun.runName(Self.now) + "-2")
        #expect(try ExportDirectories.all(exports) == [first, first + "-2"])
        let after = try snapshot(first)
        #expect(Set(after.keys) == Set(before.keys))
        for (name, (bytes, inode)) in before {
            #expect(after[name]?.0 == bytes, "\(name) changed")
            #expect(after[name]?.1 == inode, "\(name) was replaced")
        }
        #expect(Set(try snapshot(first + "-2").keys) == Set(before.keys))
        for name in try FileManager.default.contentsOfDirectory(atPath: first + "-2") {
            let mode = try FileManager.default.attributesOfItem(atPath: first + "-2/" + name)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
        // Another exports directory: the name is still new to the register's history.
        var elsewhere = exportOptions([.uris])
        elsewhere.directory = directory + "/elsewhere"
        #expect(try ExportRun(register: register, options: elsewhere).run().run == ExportRun.runName(Self.now) + "-3")
        let history = Array(try register.exportRuns().prefix(2))
        #expect(history.map(\.name) == [ExportRun.runName(Self.now), ExportRun.runName(Self.now) + "-2"])
        #expect(history[1].formats.map(\.format) == [.entra, .privacyidea, .uris])
        #expect(history[1].formats.allSatisfy { $0.since == history[0].name && $0.held.count == 6 })
        #expect(history[1].formats[0].files == ["entra-oath-tokens.csv"])
    }

    @Test func aRunKilledBeforeItsEndLeavesNoRunDirectoryAndTheNextRunRemovesWhatItLeft() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued([.uris])
        let first = try ExportDirectories.latest(exports)
        // What a run killed after writing one of its files leaves: its staging directory only.
        let staging = exports + "/." + ExportRun.runName(Self.now) + "-2.partial"
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: false)
        try Data("otpauth://totp/ACME:half".utf8).write(to: URL(fileURLWithPath: staging + "/otpauth-uris.txt"))
        #expect(try ExportDirectories.all(exports).filter { !$0.hasSuffix(".partial") } == [first])

        let outcome = try ExportRun(register: register, options: exportOptions([.uris])).run()
        #expect(outcome.run == ExportRun.runName(Self.now) + "-2")
        #expect(try ExportDirectories.all(exports) == [first, first + "-2"])
        #expect(Set(try snapshot(first + "-2").keys) == ["otpauth-uris.txt", "manifest.json"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: exports).sorted() == [
            ExportRun.runName(Self.now), ExportRun.runName(Self.now) + "-2",
        ])
    }

    @Test func aChangeOnlyRunAfterAReissueAndARevokeHoldsTheReissuedUserAndRemovesTheOldAndRevokedSerials() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, tokens) = try issued([.entra])
        let oldSerial = try #require(try register.user("bkeller").tokenSerial)
        // Reissued onto a new token, exporting only URIs: Entra's last export is still the issue's.
        try IssueRun(register: register, options: issueOptions([.uris]), tokens: tokens).reissue(
            "bkeller", reason: "lost", forgetToken: true)
        let newSerial = try #require(try register.user("bkeller").tokenSerial)
        #expect(newSerial != oldSerial)
        try register.revoke("apatel", reason: "left")

        let outcome = try ExportRun(register: register, options: exportOptions([.entra], changes: true)).run()
        let entra = try #require(outcome.formats.first)
        #expect(entra.since == ExportRun.runName(Self.now))
        #expect(entra.written.map(\.username) == ["bkeller"])
        #expect(entra.written.map(\.change) == [.replaced])
        #expect(
            Set(entra.removals)
                == [
                    Removal(serial: oldSerial, username: "bkeller", reason: .replaced),
                    Removal(serial: "APP-apatel", username: "apatel", reason: .revoked),
                ])
        let run = try #require(outcome.directory)
        let csv = try String(contentsOfFile: run + "/entra-oath-tokens.csv", encoding: .utf8)
        let rows = csv.split(separator: "\r\n")
        #expect(rows.count == 2)
        #expect(rows[1].hasPrefix("bruno.keller@example.org,\(newSerial),"))
        let removals = try String(contentsOfFile: run + "/entra-removals.csv", encoding: .utf8)
        #expect(
            Set(removals.split(separator: "\r\n"))
                == ["serial,username,reason", "\(oldSerial),bkeller,replaced", "APP-apatel,apatel,revoked"])
        let manifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: run + "/manifest.json")))
        #expect((manifest as? [String: Any])?["mode"] as? String == "changes-since-last")
        // The history records what Entra holds now: five users, bkeller on the new token.
        let last = try #require(try register.lastExport(of: .entra))
        #expect(last.run == outcome.run)
        #expect(last.held.count == 5)
        #expect(last.held.first { $0.username == "bkeller" }?.serial == newSerial)
    }

    @Test func aChangeOnlyRunWithNothingChangedSaysZeroAndWritesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued([.entra, .uris])
        let runs = try ExportDirectories.all(exports)
        let outcome = try ExportRun(register: register, options: exportOptions([.entra, .uris], changes: true)).run()
        #expect(outcome.changes == 0)
        #expect(outcome.run == nil)
        #expect(outcome.formats.allSatisfy { $0.files.isEmpty && $0.since == ExportRun.runName(Self.now) })
        #expect(try ExportDirectories.all(exports) == runs)
        #expect(try register.exportRuns().count == 1)
    }

    @Test func aDisabledUserIsRemovedAndComesBackWhenEnabled() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued([.uris])
        try register.setEnabled("lrossi", false)
        let removed = try ExportRun(register: register, options: exportOptions([.uris], changes: true)).run()
        #expect(removed.formats[0].removals == [Removal(serial: "APP-lrossi", username: "lrossi", reason: .disabled)])
        #expect(removed.formats[0].written.isEmpty)
        #expect(removed.formats[0].files == [removed.directory! + "/uris-removals.csv"])
        try register.setEnabled("lrossi", true)
        let back = try ExportRun(register: register, options: exportOptions([.uris], changes: true)).run()
        #expect(back.formats[0].written.map(\.username) == ["lrossi"])
        #expect(back.formats[0].written.map(\.change) == [.added])
        #expect(back.formats[0].removals.isEmpty)
    }

    /// A user given parameters Entra cannot take, still issued.
    func giveParameters(_ register: Register, _ username: String, algorithm: OTPAlgorithm, period: Int) throws {
        _ = try register.reissue(
            Register.NewSeed(
                username: username, secret: Secret.random(byteCount: algorithm.outputByteCount),
                algorithm: algorithm, digits: 6, period: period),
            reason: nil)
        try register.setState(username, .exported)
    }

    @Test func anEntraExportRefusedForASHA512AndAPeriod45UserWritesNothingAndNamesThem() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued([.uris])
        try giveParameters(register, "zmuller", algorithm: .sha512, period: 30)
        try giveParameters(register, "crochat", algorithm: .sha1, period: 45)
        let runs = try ExportDirectories.all(exports)
        let error = #expect(throws: ExportRun.RunError.self) {
            try ExportRun(register: register, options: self.exportOptions([.uris, .entra])).run()
        }
        let text = "\(try #require(error))"
        #expect(text.contains(#"user "zmuller": Entra ID checks SHA1 or SHA256 codes; this credential uses SHA512"#))
        #expect(text.contains(#"user "crochat": Entra ID accepts a time interval of 30 or 60 seconds, not 45"#))
        #expect(try ExportDirectories.all(exports) == runs)
        #expect(try register.exportRuns().count == 1)
        // issue refuses them before issuing anything.
        #expect(throws: ExportRun.RunError.self) {
            try IssueRun(register: register, options: self.issueOptions([.entra]), tokens: nil).run([])
        }
    }

    @Test func aSHA256TOTPUserGoesToEntraInTheGraphFileLabelledHMACSHA256() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (register, _) = try issued([.uris])
        try giveParameters(register, "apatel", algorithm: .sha256, period: 60)
        let outcome = try ExportRun(register: register, options: exportOptions([.entra])).run()
        let run = try #require(outcome.directory)
        let csv = try String(contentsOfFile: run + "/entra-oath-tokens.csv", encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 6)
        #expect(!csv.contains("APP-apatel"))
        let json = try Data(contentsOf: URL(fileURLWithPath: run + "/entra-hardware-oath-devices.json"))
        let body = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let devices = try #require(body["value"] as? [[String: Any]])
        #expect(devices.count == 1)
        #expect(devices[0]["serialNumber"] as? String == "APP-apatel")
        #expect(devices[0]["hashFunction"] as? String == "hmacsha256")
        #expect(devices[0]["timeIntervalInSeconds"] as? Int == 60)
        #expect(
            devices[0]["secretKey"] as? String == (try register.seed(of: register.user("apatel"))).base32EncodedString()
        )
        #expect(devices[0]["manufacturer"] as? String == "TokenForge")
        #expect(devices[0]["model"] as? String == "Google Authenticator (iOS)")
    }
}
