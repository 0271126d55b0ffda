import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing

/// `tokenforge push privacyidea` against a real privacyIDEA 3.14 server on 127.0.0.1, started by
/// scripts/privacyidea-test-server: every user's code validates through the server's
/// /validate/check, and disable, revoke and reissue reach it.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct PrivacyIDEAPushTests {
    static let roster = """
        username,display_name,email,language,method,app
        zmuller,Zoë Müller,zoe.muller@example.org,de,app,
        crochat,Claire Rochat,claire.rochat@example.org,fr,app,microsoft
        lrossi,Luca Rossi,luca.rossi@example.org,it,app,google

        """
    static let environment = [
        "TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase", "TOKENFORGE_PRIVACYIDEA_PASSWORD": "pi admin password",
    ]

    /// A privacyIDEA server for one test, stopped when it ends.
    final class Server {
        let process: ChildProcess
        let url: String

        /// `port` defaults to one derived from the process, for the one suite that runs at a time on it.
        init(directory: TemporaryDirectory, users: [String], port: Int? = nil) throws {
            let port = port ?? 20_000 + Int(getpid() % 20_000)
            url = "http://127.0.0.1:\(port)"
            let password = try directory.file("pi-password", contents: "pi admin password\n")
            process = try ChildProcess(
                repositoryRoot + "/scripts/privacyidea-test-server",
                [directory.path("privacyidea"), String(port), "admin", password, "acme", users.joined(separator: ",")],
                timeout: .seconds(240))
            for _ in 0..<240 {
                let probe = try runCurl(["-s", "-o", "/dev/null", "-w", "%{http_code}", url + "/"])
                if probe.status == 0 { return }
                guard process.isRunning else {
                    let result = try process.wait()
                    throw HarnessError("the privacyIDEA test server did not start: \(result.stderr)")
                }
                usleep(250_000)
            }
            throw HarnessError("the privacyIDEA test server did not answer within 60 s")
        }

        deinit { _ = try? process.stop() }

        /// The server's verdict on `code` for `user`: true when it accepts it.
        func validate(_ user: String, _ code: String) throws -> Bool {
            let result = try runCurl(["-s", "-X", "POST", "-d", "user=\(user)", "-d", "realm=acme", "-d", "pass=\(code)", url + "/validate/check"])
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let value = (object?["result"] as? [String: Any])?["value"] as? Bool
            return try #require(value, "unexpected answer: \(result.stdout)")
        }

        func runCurl(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("/usr/bin/curl", ["--max-time", "10"] + arguments, timeout: .seconds(15))
        }
    }

    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    @Test func pushKeepsTheServerInStepThroughDisableRevokeAndReissue() throws {
        let emulator = try EmulatorHarness(count: 1)
        let server = try Server(directory: emulator.directory, users: ["zmuller", "crochat", "lrossi", "apatel"])
        let registerPath = emulator.directory.path("register.sqlite")
        let register = ["--register", registerPath]
        _ = try Register(path: registerPath, passphrase: "admin passphrase", newKey: .lowCost())
        let rosterFile = try emulator.directory.file("roster.csv", contents: Self.roster)
        let issue = try emulator.tokenforge(
            ["issue", rosterFile, "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris"]
                + register, environment: Self.environment)
        #expect(issue.status == 0, "\(issue.stderr)")
        func push() throws -> ChildProcess.Result {
            try emulator.tokenforge(
                ["push", "privacyidea", "--url", server.url, "--user", "admin", "--realm", "acme"] + register,
                environment: Self.environment)
        }
        func uris() throws -> [String: OTPAuthURI] {
            let text = try String(contentsOfFile: emulator.directory.path("out/exports/otpauth-uris.txt"), encoding: .utf8)
            return Dictionary(uniqueKeysWithValues: try text.split(separator: "\n").map {
                let uri = try OTPAuthURI(parsing: String($0))
                return (uri.account, uri)
            })
        }
        func code(_ account: String, _ uris: [String: OTPAuthURI]) throws -> String {
            try uris[account]!.totpGenerator!.code(at: Int64(Date().timeIntervalSince1970))
        }

        let first = try emulator.tokenforge(
            ["push", "privacyidea", "--url", server.url, "--user", "admin", "--realm", "acme", "--remember"] + register,
            environment: Self.environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasSuffix("3 changes\n"), "\(first.stdout)")
        let issued = try uris()
        for (user, account) in [
            ("zmuller", "zoe.muller@example.org"), ("crochat", "claire.rochat@example.org"),
            ("lrossi", "luca.rossi@example.org"),
        ] {
            let current = try code(account, issued)
            #expect(try server.validate(user, current), "\(user)")
            #expect(try !server.validate(user, current), "\(user): a replayed code")
        }
        let users = try emulator.tokenforge(["users", "--json"] + register).json([PushedUserJSON].self)
        #expect(users.map(\.server_serial) == ["APP-crochat", "APP-lrossi", "APP-zmuller"])

        #expect(try emulator.tokenforge(["disable", "zmuller"] + register, environment: Self.environment).status == 0)
        #expect(try emulator.tokenforge(["revoke", "crochat"] + register, environment: Self.environment).status == 0)
        let reissued = try emulator.tokenforge(
            ["reissue", "lrossi", "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris"]
                + register, environment: Self.environment)
        #expect(reissued.status == 0, "\(reissued.stderr)")
        let second = try push()
        #expect(second.status == 0, "\(second.stderr)")
        #expect(
            second.stdout == """
                crochat: delete token APP-crochat
                lrossi: replace token APP-lrossi with APP-lrossi (new seed)
                zmuller: disable token APP-zmuller
                3 changes

                """)
        usleep(1_000_000)
        #expect(try !server.validate("zmuller", code("zoe.muller@example.org", issued)))
        #expect(try !server.validate("crochat", code("claire.rochat@example.org", issued)))
        let renewed = try uris()
        #expect(try !server.validate("lrossi", code("luca.rossi@example.org", issued)))
        #expect(try server.validate("lrossi", code("luca.rossi@example.org", renewed)))

        let third = try push()
        #expect(third.stdout == "0 changes\n", "\(third.stdout)\(third.stderr)")

        // A user issued later reaches the server in the same run, with the remembered settings.
        let later = try emulator.directory.file(
            "later.csv", contents: "username,display_name,email,language,method\napatel,Asha Patel,asha.patel@example.org,en,app\n")
        let issuedAndPushed = try emulator.tokenforge(
            ["issue", later, "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris", "--push", "privacyidea"]
                + register, environment: Self.environment)
        #expect(issuedAndPushed.status == 0, "\(issuedAndPushed.stderr)")
        #expect(issuedAndPushed.stdout == "apatel: create token APP-apatel\n1 change\n")
        #expect(try server.validate("apatel", code("asha.patel@example.org", try uris())))
        let wrong = try emulator.tokenforge(
            ["push", "privacyidea", "--url", server.url, "--user", "admin", "--realm", "acme"] + register,
            environment: Self.environment.merging(["TOKENFORGE_PRIVACYIDEA_PASSWORD": "not it"]) { _, new in new })
        #expect(wrong.status == 77)
        #expect(wrong.stderr.contains("privacyIDEA refused the admin admin: wrong user or password"))
    }
}

/// The server columns of `users --json`.
struct PushedUserJSON: Decodable {
    let username: String
    let server_serial: String?
}
