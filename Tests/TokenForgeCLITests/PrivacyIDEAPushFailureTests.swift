import Foundation
import Glibc
import Issuance
import OTPCore
import TestSupport
import Testing

/// A private CA and a server certificate it signs for 127.0.0.1 (and no other name), made with openssl.
struct TestCertificates {
    let caFile: String
    let certificateFile: String
    let keyFile: String

    init(in directory: TemporaryDirectory) throws {
        caFile = directory.path("ca.pem")
        certificateFile = directory.path("server.pem")
        keyFile = directory.path("server.key")
        let caKey = directory.path("ca.key")
        let request = directory.path("server.csr")
        let extensions = try directory.file(
            "server.ext",
            contents: """
                subjectAltName = IP:127.0.0.1
                basicConstraints = critical, CA:FALSE
                keyUsage = critical, digitalSignature
                extendedKeyUsage = serverAuth

                """)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for arguments in [
            ["req", "-x509"] + key + [
                "-keyout", caKey, "-out", caFile, "-days", "2", "-subj", "/CN=TokenForge test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            ["req", "-new"] + key + ["-keyout", keyFile, "-out", request, "-subj", "/CN=127.0.0.1"],
            [
                "x509", "-req", "-in", request, "-CA", caFile, "-CAkey", caKey, "-CAcreateserial", "-out",
                certificateFile,
                "-days", "2", "-extfile", extensions,
            ],
        ] {
            let result = try ChildProcess.run("/usr/bin/openssl", arguments, timeout: .seconds(30))
            guard result.status == 0 else { throw HarnessError("openssl \(arguments[0]) failed: \(result.stderr)") }
        }
    }
}

/// What `push privacyidea` does when the server cannot be trusted, refuses the admin, does not
/// know a user or cannot be reached: a clear error, its exit status, and a register that says
/// exactly what the server holds.
extension PrivacyIDEAPushTests {
    static let failureRoster = """
        username,display_name,email,language,method
        abrun,Anna Brun,anna.brun@example.org,de,app
        bnobody,Ben Nobody,ben.nobody@example.org,en,app
        cvogel,Carla Vogel,carla.vogel@example.org,fr,app

        """

    /// A register with the failure roster issued to apps, its `--register` options and the issued URIs.
    static func issuedRegister(_ emulator: EmulatorHarness, roster: String) throws -> [String] {
        let path = emulator.directory.path("register.sqlite")
        _ = try Register(path: path, passphrase: "admin passphrase", newKey: .lowCost())
        let rosterFile = try emulator.directory.file("roster.csv", contents: roster)
        let issue = try emulator.tokenforge(
            [
                "issue", rosterFile, "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris",
                "--register", path,
            ],
            environment: environment)
        #expect(issue.status == 0, "\(issue.stderr)")
        return ["--register", path]
    }

    static func currentCode(_ emulator: EmulatorHarness, account: String) throws -> String {
        let text = try String(
            contentsOfFile: try ExportDirectories.latest(emulator.directory.path("out/exports")) + "/otpauth-uris.txt",
            encoding: .utf8)
        let uri = try text.split(separator: "\n").map { try OTPAuthURI(parsing: String($0)) }.first {
            $0.account == account
        }
        return try #require(uri?.totpGenerator).code(at: Int64(Date().timeIntervalSince1970))
    }

    @Test func pushOverHTTPSTrustsOnlyTheCAGivenAndChangesNothingWhenTheServerIsNotVerified() throws {
        let emulator = try EmulatorHarness(count: 1)
        let certificates = try TestCertificates(in: emulator.directory)
        let server = try Server(
            directory: emulator.directory, users: ["abrun", "bnobody", "cvogel", "dlang"], tls: certificates, port: 1)
        let register = try Self.issuedRegister(emulator, roster: Self.failureRoster)
        let before = try emulator.tokenforge(["users", "--json"] + register).stdout
        func push(_ options: [String]) throws -> ChildProcess.Result {
            try emulator.tokenforge(["push", "privacyidea"] + options + register, environment: Self.environment)
        }
        let login = ["--user", "admin", "--realm", "acme"]

        let untrusted = try push(["--url", server.url, "--remember"] + login)
        #expect(untrusted.status == 84)
        #expect(
            untrusted.stderr.hasPrefix(
                "tokenforge: the TLS certificate of privacyIDEA at 127.0.0.1 cannot be verified: SSL certificate problem: unable to get local issuer certificate; if a private certificate authority signed it, give that CA's certificate with --ca-file FILE"
            ), "\(untrusted.stderr)")
        #expect(untrusted.stdout == "")
        let misnamed = try push(
            [
                "--url", server.url.replacingOccurrences(of: "127.0.0.1", with: "localhost"), "--ca-file",
                certificates.caFile,
            ]
                + login)
        #expect(misnamed.status == 84)
        #expect(
            misnamed.stderr.contains("the TLS certificate of privacyIDEA at localhost cannot be verified")
                && misnamed.stderr.contains("'localhost'") && misnamed.stderr.contains(certificates.caFile),
            "\(misnamed.stderr)")
        let notPEM = try push(["--url", server.url, "--ca-file", emulator.directory.path("roster.csv")] + login)
        #expect(notPEM.status == 66)
        #expect(
            notPEM.stderr.contains("the CA file \(emulator.directory.path("roster.csv")) cannot be used"),
            "\(notPEM.stderr)")
        #expect(try emulator.tokenforge(["users", "--json"] + register).stdout == before)
        #expect(try server.tokens() == [])
        let nothingRemembered = try push(["--dry-run"])
        #expect(nothingRemembered.status == 64, "\(nothingRemembered.stderr)")

        let trusted = try push(
            ["--url", server.url, "--ca-file", certificates.caFile, "--resolver", "staff", "--remember"] + login)
        #expect(trusted.status == 0, "\(trusted.stderr)")
        #expect(
            trusted.stdout == """
                abrun: create token APP-abrun
                bnobody: create token APP-bnobody
                cvogel: create token APP-cvogel
                3 changes

                """)
        #expect(
            try server.tokens()
                == ["abrun", "bnobody", "cvogel"].map {
                    ListedToken(serial: "APP-\($0)", username: $0, resolver: "staff")
                })
        #expect(try server.validate("cvogel", Self.currentCode(emulator, account: "carla.vogel@example.org")))
        let users = try emulator.tokenforge(["users", "--json"] + register).json([PushedUserJSON].self)
        #expect(users.map(\.server_serial) == ["APP-abrun", "APP-bnobody", "APP-cvogel"])

        // The CA file and resolver are remembered with the rest: the next push needs no option.
        let again = try push([])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "0 changes\n")
        let log = try emulator.tokenforge(["log"] + register).stdout
        #expect(
            log.contains(
                "server-settings  privacyIDEA \(server.url) as admin, realm acme, resolver staff, CA file \(certificates.caFile)"
            ),
            "\(log)")

        // A resolver given for one push replaces the remembered one: the realm's resolver nosuch holds no dlang.
        let later = try emulator.directory.file(
            "later.csv",
            contents: "username,display_name,email,language,method\ndlang,Dora Lang,dora.lang@example.org,en,app\n")
        let issued = try emulator.tokenforge(
            ["issue", later, "--issuer", "ACME", "--out", emulator.directory.path("out"), "--export", "uris"]
                + register,
            environment: Self.environment)
        #expect(issued.status == 0, "\(issued.stderr)")
        let elsewhere = try push(["--resolver", "nosuch"])
        #expect(elsewhere.status == 78)
        #expect(
            elsewhere.stderr.hasPrefix(
                "tokenforge: privacyIDEA has no user dlang in the realm acme (resolver nosuch): no token was created for them"
            ),
            "\(elsewhere.stderr)")
        #expect(try server.tokens().map(\.serial) == ["APP-abrun", "APP-bnobody", "APP-cvogel"])
        let stored = try push([])
        #expect(stored.stdout == "dlang: create token APP-dlang\n1 change\n", "\(stored.stderr)")
        #expect(try server.tokens().last == ListedToken(serial: "APP-dlang", username: "dlang", resolver: "staff"))
    }

    @Test func badCredentialsAndAUserTheRealmLacksStopThePushWithTheRegisterMatchingTheServer() throws {
        let emulator = try EmulatorHarness(count: 1)
        let server = try Server(directory: emulator.directory, users: ["abrun", "cvogel"], port: 2)
        let register = try Self.issuedRegister(emulator, roster: Self.failureRoster)
        let before = try emulator.tokenforge(["users", "--json"] + register).stdout
        func push(_ options: [String] = [], password: String = "pi admin password") throws -> ChildProcess.Result {
            try emulator.tokenforge(
                ["push", "privacyidea", "--url", server.url, "--user", "admin", "--realm", "acme"] + options + register,
                environment: Self.environment.merging(["TOKENFORGE_PRIVACYIDEA_PASSWORD": password]) { _, new in new })
        }

        let wrong = try push(["--remember"], password: "not the password")
        #expect(wrong.status == 77)
        #expect(wrong.stderr == "tokenforge: privacyIDEA refused the admin admin: wrong user or password\n")
        #expect(try emulator.tokenforge(["users", "--json"] + register).stdout == before)
        #expect(try server.tokens() == [])
        let remembered = try emulator.tokenforge(
            ["push", "privacyidea", "--dry-run"] + register, environment: Self.environment)
        #expect(remembered.status == 64, "--remember kept settings whose login failed: \(remembered.stdout)")

        // Users are pushed in name order: abrun's token is made and recorded, bnobody stops the run.
        let unknown = try push()
        #expect(unknown.status == 78)
        #expect(
            unknown.stderr == """
                tokenforge: privacyIDEA has no user bnobody in the realm acme: no token was created for them
                the changes made before it are recorded in the register; push --dry-run lists those left

                """)
        #expect(try server.tokens() == [ListedToken(serial: "APP-abrun", username: "abrun", resolver: "staff")])
        let users = try emulator.tokenforge(["users", "--json"] + register).json([PushedUserJSON].self)
        #expect(users.map(\.server_serial) == ["APP-abrun", nil, nil])
        #expect(try server.validate("abrun", Self.currentCode(emulator, account: "anna.brun@example.org")))
        #expect(try !server.validate("cvogel", Self.currentCode(emulator, account: "carla.vogel@example.org")))
        let left = try push(["--dry-run"])
        #expect(
            left.stdout == """
                bnobody: create token APP-bnobody
                cvogel: create token APP-cvogel
                2 changes to make (dry run: none made)

                """, "\(left.stderr)")

        // Once the user the server lacks is revoked, the rest goes through.
        #expect(try emulator.tokenforge(["revoke", "bnobody"] + register, environment: Self.environment).status == 0)
        let rest = try push()
        #expect(rest.status == 0, "\(rest.stderr)")
        #expect(rest.stdout == "cvogel: create token APP-cvogel\n1 change\n")
        #expect(try server.validate("cvogel", Self.currentCode(emulator, account: "carla.vogel@example.org")))
    }

    @Test func aServerThatRefusesOrNeverAnswersExits69NamingItsURL() throws {
        let emulator = try EmulatorHarness(count: 1)
        let register = try Self.issuedRegister(emulator, roster: Self.failureRoster)
        let before = try emulator.tokenforge(["users", "--json"] + register).stdout
        let silent = try ListeningSocket()
        for (url, detail, timeout) in [
            ("http://127.0.0.1:1", "Couldn't connect to server", "5"),
            ("http://127.0.0.1:\(silent.port)", "Operation timed out after", "1"),
        ] {
            let started = Date()
            let result = try emulator.tokenforge(
                ["push", "privacyidea", "--url", url, "--user", "admin", "--realm", "acme", "--timeout", timeout]
                    + register,
                environment: Self.environment)
            #expect(result.status == 69, "\(url): \(result.stderr)")
            #expect(
                result.stderr.hasPrefix("tokenforge: privacyIDEA at \(url) cannot be reached: "), "\(result.stderr)")
            #expect(result.stderr.contains(detail), "\(result.stderr)")
            #expect(Date().timeIntervalSince(started) < 10, "\(url): the timeout was not kept")
        }
        let missing = try emulator.tokenforge(
            [
                "push", "privacyidea", "--url", "https://127.0.0.1:1", "--user", "admin", "--realm", "acme",
                "--ca-file",
                emulator.directory.path("no-such-ca.pem"),
            ] + register, environment: Self.environment)
        #expect(missing.status == 66)
        #expect(missing.stderr == "tokenforge: cannot read the CA file \(emulator.directory.path("no-such-ca.pem"))\n")
        #expect(try emulator.tokenforge(["users", "--json"] + register).stdout == before)
    }
}

/// A TCP socket on 127.0.0.1 that accepts connections into its backlog and never answers.
final class ListeningSocket {
    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HarnessError("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && listen(descriptor, 8) == 0
                    && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw HarnessError("cannot listen on 127.0.0.1: \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }
}
