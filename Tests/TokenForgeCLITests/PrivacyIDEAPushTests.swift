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

    /// A privacyIDEA server for one test, stopped when it ends: over HTTPS with `tls`'s certificate
    /// when given; `port` offsets its port from the others' so no test waits for another's to close.
    final class Server {
        let process: ChildProcess
        let url: String
        /// curl's options to trust the server: the private CA when it serves HTTPS.
        let trust: [String]

        init(directory: TemporaryDirectory, users: [String], tls: TestCertificates? = nil, port offset: Int = 0) throws {
            let port = 20_000 + Int(getpid() % 20_000) + offset
            url = "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)"
            trust = tls.map { ["--cacert", $0.caFile] } ?? []
            let password = try directory.file("pi-password", contents: "pi admin password\n")
            process = try ChildProcess(
                repositoryRoot + "/scripts/privacyidea-test-server",
                [directory.path("privacyidea"), String(port), "admin", password, "acme", users.joined(separator: ",")]
                    + (tls.map { [$0.certificateFile, $0.keyFile] } ?? []),
                timeout: .seconds(600))
            // Starting takes a few seconds alone; a loaded machine running the suite in parallel, minutes.
            let deadline = Date().addingTimeInterval(180)
            while Date() < deadline {
                let probe = try runCurl(["-s", "-o", "/dev/null", "-w", "%{http_code}", url + "/"])
                if probe.status == 0 { return }
                guard process.isRunning else {
                    let result = try process.wait()
                    throw HarnessError("the privacyIDEA test server did not start: \(result.stderr)")
                }
                usleep(250_000)
            }
            throw HarnessError("the privacyIDEA test server did not answer within 180 s")
        }

        deinit { _ = try? process.stop() }

        /// The server's verdict on `code` for `user`: true when it accepts it.
        func validate(_ user: String, _ code: String) throws -> Bool {
            let result = try runCurl(["-s", "-X", "POST", "-d", "user=\(user)", "-d", "realm=acme", "-d", "pass=\(code)", url + "/validate/check"])
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
            let value = (object?["result"] as? [String: Any])?["value"] as? Bool
            return try #require(value, "unexpected answer: \(result.stdout)")
        }

        /// Every token on the server, as the admin lists them: serial, owner and resolver, sorted by serial.
        func tokens() throws -> [ListedToken] {
            let login = try runCurl(["-s", "-X", "POST", "-d", "username=admin", "-d", "password=pi admin password", url + "/auth"])
            let auth = try JSONSerialization.jsonObject(with: Data(login.stdout.utf8)) as? [String: Any]
            let jwt = try #require(
                ((auth?["result"] as? [String: Any])?["value"] as? [String: Any])?["token"] as? String, "\(login.stdout)")
            let list = try runCurl(["-s", "-H", "PI-Authorization: \(jwt)", url + "/token/?pagesize=100"])
            let object = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
            let tokens = try #require(
                ((object?["result"] as? [String: Any])?["value"] as? [String: Any])?["tokens"] as? [[String: Any]],
                "\(list.stdout)")
            return tokens.map {
                ListedToken(
                    serial: $0["serial"] as? String ?? "", username: $0["username"] as? String ?? "",
                    resolver: $0["resolver"] as? String ?? "")
            }.sorted { $0.serial < $1.serial }
        }

        func runCurl(_ arguments: [String]) throws -> ChildProcess.Result {
            try ChildProcess.run("/usr/bin/curl", ["--max-time", "10"] + trust + arguments, timeout: .seconds(15))
        }
    }

    struct ListedToken: Equatable {
        let serial: String
        let username: String
        let resolver: String
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
            let text = try String(contentsOfFile: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/otpauth-uris.txt", encoding: .utf8)
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
