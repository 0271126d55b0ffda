import Foundation
import Issuance
import OTPCore
import TestSupport
import Testing

/// A vendor's PSKC file made by an independent writer: python-pskc, in the test virtual
/// environment scripts/install-deps --tests sets up (TOKENFORGE_PRIVACYIDEA_VENV).
enum VendorPSKC {
    struct Token: Encodable {
        /// The Key Id; python-pskc writes none unless given one.
        var id: String?
        var serial: String
        /// The seed, hex.
        var secret: String
        var type = "totp"
        var manufacturer: String?
        var model: String?
        var suite: String?
        var digits = 6
        var period: Int?
        var counter: Int?
    }

    struct File: Encodable {
        var tokens: [Token]
        /// A pre-shared AES key, hex.
        var psk: String?
        var password: String?
    }

    static var python: String {
        (ProcessInfo.processInfo.environment["TOKENFORGE_PRIVACYIDEA_VENV"] ?? "/opt/tokenforge/privacyidea-venv")
            + "/bin/python"
    }

    /// Writes the PSKC file described on standard input (JSON) to standard output, as a vendor would.
    static let writer = """
        import json, sys
        import pskc
        spec = json.load(sys.stdin)
        container = pskc.PSKC()
        for token in spec["tokens"]:
            fields = dict(
                id=token.get("id"), serial=token["serial"], secret=bytes.fromhex(token["secret"]),
                algorithm="urn:ietf:params:xml:ns:keyprov:pskc:" + token["type"],
                manufacturer=token.get("manufacturer"), model=token.get("model"),
                algorithm_suite=token.get("suite"), response_length=token["digits"])
            if token["type"] == "totp":
                fields.update(time_offset=0, time_interval=token.get("period") or 30)
            else:
                fields.update(counter=token.get("counter") or 0)
            container.add_key(**fields)
        if spec.get("psk"):
            container.encryption.setup_preshared_key(key=bytes.fromhex(spec["psk"]))
        elif spec.get("password"):
            container.encryption.setup_pbkdf2(spec["password"], iterations=12000)
        container.write(sys.stdout.buffer)
        """

    /// Reads a PSKC file with python-pskc and prints "serial hex-secret" per key.
    static let reader = """
        import sys
        import pskc
        container = pskc.PSKC(sys.argv[1])
        if len(sys.argv) > 2:
            container.encryption.derive_key(sys.argv[2])
        for key in container.keys:
            print(key.serial, key.secret.hex())
        """

    static func write(_ file: File, to path: String) throws {
        let result = try ChildProcess.run(
            python, ["-c", writer], stdin: try JSONEncoder().encode(file), timeout: .seconds(60))
        guard result.status == 0 else {
            throw HarnessError(
                "python-pskc could not write the vendor file (run scripts/install-deps --tests): \(result.stderr)")
        }
        try Data(result.stdout.utf8).write(to: URL(fileURLWithPath: path))
        chmod(path, 0o600)
    }

    /// The serials and seeds (hex) python-pskc reads from `path`.
    static func read(_ path: String, password: String? = nil) throws -> [String: String] {
        let result = try ChildProcess.run(
            python, ["-c", reader, path] + (password.map { [$0] } ?? []), timeout: .seconds(60))
        guard result.status == 0 else { throw HarnessError("python-pskc could not read \(path): \(result.stderr)") }
        return Dictionary(
            uniqueKeysWithValues: result.stdout.split(separator: "\n").map {
                let fields = $0.split(separator: " ")
                return (String(fields[0]), String(fields[1]))
            })
    }
}

/// One token as `tokens list --json` prints it.
struct DisplayTokenJSON: Decodable, Equatable {
    let serial: String
    let manufacturer: String?
    let model: String?
    let type: String
    let algorithm: String
    let digits: Int
    let period: Int?
    let counter: UInt64?
    let status: String
    let user: String?
}

/// `tokenforge tokens import` and `list`, and `issue` giving display tokens to roster users,
/// with vendors' files written by python-pskc and codes checked against oathtool.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct DisplayTokenCommandTests {
    static let passphrase = "admin passphrase"
    static let environment = ["TOKENFORGE_ADMIN_PASSPHRASE": passphrase]
    /// RFC 4226's and RFC 6238's seeds.
    static let sha1Seed = "3132333435363738393031323334353637383930"
    static let sha256Seed = "3132333435363738393031323334353637383930313233343536373839303132"
    static let psk = "000102030405060708090a0b0c0d0e0f"
    static let time: Int64 = 1_111_111_109

    let directory: TemporaryDirectory
    let register: String

    init() throws {
        directory = try TemporaryDirectory()
        register = directory.path("register.sqlite")
        _ = try Register(path: register, passphrase: Self.passphrase, newKey: .lowCost())
    }

    func tokenforge(_ arguments: [String], environment: [String: String] = [:]) throws -> ChildProcess.Result {
        try CLIRunner.run(
            arguments + ["--register", register], environment: Self.environment.merging(environment) { _, new in new })
    }

    func list() throws -> [DisplayTokenJSON] {
        let result = try tokenforge(["tokens", "list", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try result.json([DisplayTokenJSON].self)
    }

    func vendorFile(_ name: String, _ file: VendorPSKC.File) throws -> String {
        let path = directory.path(name)
        try VendorPSKC.write(file, to: path)
        return path
    }

    func code(_ serial: String, _ extra: [String]) throws -> String {
        let result = try tokenforge(["tokens", "code", serial] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func plainPreSharedKeyAndPasswordFilesImportWithCodesOathtoolAgreesWith() throws {
        let plain = try vendorFile(
            "plain.pskc",
            .init(tokens: [
                .init(
                    id: "FT0001-key", serial: "FT0001", secret: Self.sha1Seed, manufacturer: "Feitian", model: "c200",
                    suite: "SHA1"),
                .init(
                    serial: "FT0002", secret: Self.sha1Seed, type: "hotp", manufacturer: "Feitian", model: "c100",
                    digits: 8, counter: 5),
            ]))
        let encrypted = try vendorFile(
            "psk.pskc",
            .init(
                tokens: [
                    .init(
                        serial: "T2-0001", secret: Self.sha256Seed, manufacturer: "Token2", model: "C302",
                        suite: "SHA256", digits: 8, period: 60)
                ], psk: Self.psk))
        let passwordProtected = try vendorFile(
            "password.pskc",
            .init(
                tokens: [.init(serial: "T2-0002", secret: Self.sha1Seed, manufacturer: "Token2")],
                password: "vendor password"))
        let pskFile = try directory.file("psk.hex", contents: Self.psk + "\n")
        let passwordFile = try directory.file("password.txt", contents: "vendor password\n")

        let first = try tokenforge(["tokens", "import", plain])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("imported 2 display tokens"), "\(first.stdout)")
        let second = try tokenforge(["tokens", "import", encrypted, "--psk-file", pskFile, "--json"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try second.json([DisplayTokenJSON].self).map(\.serial) == ["T2-0001"])
        let third = try tokenforge(["tokens", "import", passwordProtected, "--password-file", passwordFile])
        #expect(third.status == 0, "\(third.stderr)")

        #expect(
            try list() == [
                .init(
                    serial: "FT0001", manufacturer: "Feitian", model: "c200", type: "totp", algorithm: "SHA1",
                    digits: 6, period: 30, counter: nil, status: "free", user: nil),
                .init(
                    serial: "FT0002", manufacturer: "Feitian", model: "c100", type: "hotp", algorithm: "SHA1",
                    digits: 8, period: nil, counter: 5, status: "free", user: nil),
                .init(
                    serial: "T2-0001", manufacturer: "Token2", model: "C302", type: "totp", algorithm: "SHA256",
                    digits: 8, period: 60, counter: nil, status: "free", user: nil),
                .init(
                    serial: "T2-0002", manufacturer: "Token2", model: nil, type: "totp", algorithm: "SHA1",
                    digits: 6, period: 30, counter: nil, status: "free", user: nil),
            ])
        let table = try tokenforge(["tokens", "list"])
        let rows = table.stdout.split(separator: "\n").map {
            $0.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        #expect(rows.first == ["SERIAL", "MODEL", "TYPE", "USER"], "\(table.stdout)")
        #expect(rows.contains(["FT0001", "Feitian c200", "TOTP SHA1, 6 digits, 30 s", "free"]), "\(table.stdout)")
        #expect(rows.contains(["FT0002", "Feitian c100", "HOTP SHA1, 8 digits, counter 5", "free"]), "\(table.stdout)")
        for output in [first, second, third, table] {
            for seed in [
                Self.sha1Seed, Self.sha256Seed, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=",
            ] {
                #expect(!output.stdout.contains(seed) && !output.stderr.contains(seed), "a seed was printed")
            }
        }

        #expect(
            try code("FT0001", ["--at", "\(Self.time)"])
                == oathtool(["--totp", "--now=@\(Self.time)", Self.sha1Seed]))
        #expect(
            try code("FT0002", ["--counter", "7"]) == oathtool(["--hotp", "--digits=8", "--counter=7", Self.sha1Seed]))
        #expect(try code("FT0002", []) == oathtool(["--hotp", "--digits=8", "--counter=5", Self.sha1Seed]))
        #expect(
            try code("T2-0001", ["--at", "\(Self.time)"])
                == oathtool([
                    "--totp=SHA256", "--digits=8", "--time-step-size=60s", "--now=@\(Self.time)", Self.sha256Seed,
                ]))
        #expect(
            try code("T2-0002", ["--at", "\(Self.time)"])
                == oathtool(["--totp", "--now=@\(Self.time)", Self.sha1Seed]))
    }

    @Test func aWrongPreSharedKeyOrPasswordIsRefusedAndNothingIsImported() throws {
        let encrypted = try vendorFile(
            "psk.pskc", .init(tokens: [.init(serial: "T2-0001", secret: Self.sha1Seed)], psk: Self.psk))
        let passwordProtected = try vendorFile(
            "password.pskc",
            .init(tokens: [.init(serial: "T2-0002", secret: Self.sha1Seed)], password: "vendor password"))
        let wrongKey = try directory.file("wrong.hex", contents: "ffeeddccbbaa99887766554433221100\n")
        let wrongPassword = try directory.file("wrong.txt", contents: "not the password\n")

        let byKey = try tokenforge(["tokens", "import", encrypted, "--psk-file", wrongKey])
        #expect(byKey.status == 86, "\(byKey.stderr)")
        #expect(byKey.stderr.contains(encrypted), "\(byKey.stderr)")
        #expect(
            byKey.stderr.contains("wrong password or key") || byKey.stderr.contains("does not match"), "\(byKey.stderr)"
        )
        let byPassword = try tokenforge(["tokens", "import", passwordProtected, "--password-file", wrongPassword])
        #expect(byPassword.status == 86, "\(byPassword.stderr)")
        #expect(byPassword.stderr.contains(passwordProtected), "\(byPassword.stderr)")
        let noKey = try tokenforge(["tokens", "import", encrypted])
        #expect(noKey.status == 66, "\(noKey.stderr)")
        #expect(noKey.stderr.contains("--psk-file"), "\(noKey.stderr)")
        let shortKey = try directory.file("short.hex", contents: "0001020304\n")
        #expect(try tokenforge(["tokens", "import", encrypted, "--psk-file", shortKey]).status == 65)
        #expect(try list().isEmpty)
    }

    @Test func aKeyFileOthersMayReadIsWarnedAbout() throws {
        let encrypted = try vendorFile(
            "psk.pskc", .init(tokens: [.init(serial: "T2-0001", secret: Self.sha1Seed)], psk: Self.psk))
        let pskFile = try directory.file("psk.hex", contents: Self.psk + "\n", mode: 0o644)
        let result = try tokenforge(["tokens", "import", encrypted, "--psk-file", pskFile])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("\(pskFile) holds a secret but group or others may read it"), "\(result.stderr)")
    }

    @Test func aTamperedMACIsRefusedAndNothingIsImported() throws {
        let path = try vendorFile(
            "psk.pskc",
            .init(
                tokens: [
                    .init(serial: "T2-0001", secret: Self.sha1Seed), .init(serial: "T2-0002", secret: Self.sha256Seed),
                ], psk: Self.psk))
        var xml = try String(contentsOfFile: path, encoding: .utf8)
        // The second key's ValueMAC, one base64 character changed: the first key alone is intact.
        let macs = xml.ranges(of: "<pskc:ValueMAC>")
        try #require(macs.count == 2)
        let first = macs[1].upperBound
        let original = xml[first]
        xml.replaceSubrange(first...first, with: original == "A" ? "B" : "A")
        try Data(xml.utf8).write(to: URL(fileURLWithPath: path))
        let pskFile = try directory.file("psk.hex", contents: Self.psk + "\n")

        let result = try tokenforge(["tokens", "import", path, "--psk-file", pskFile])
        #expect(result.status == 86, "\(result.stderr)")
        #expect(result.stderr.contains(path) && result.stderr.contains("T2-0002"), "\(result.stderr)")
        #expect(result.stderr.contains("does not match"), "\(result.stderr)")
        #expect(try list().isEmpty, "the intact first key was imported")
    }

    @Test func aSerialAlreadyInTheInventoryIsRefusedAndNothingIsImported() throws {
        let first = try vendorFile("first.pskc", .init(tokens: [.init(serial: "FT0001", secret: Self.sha1Seed)]))
        let second = try vendorFile(
            "second.pskc",
            .init(tokens: [
                .init(serial: "FT0002", secret: Self.sha1Seed), .init(serial: "FT0001", secret: Self.sha256Seed),
            ]))
        #expect(try tokenforge(["tokens", "import", first]).status == 0)
        let again = try tokenforge(["tokens", "import", second])
        #expect(again.status == 78, "\(again.stderr)")
        #expect(again.stderr.contains(second) && again.stderr.contains("FT0001"), "\(again.stderr)")
        #expect(again.stderr.contains("already in the inventory (imported from \(first))"), "\(again.stderr)")
        #expect(try list().map(\.serial) == ["FT0001"])
        #expect(
            try code("FT0001", ["--at", "\(Self.time)"]) == oathtool(["--totp", "--now=@\(Self.time)", Self.sha1Seed]))
    }

    @Test func anUnsupportedKeyIsRefusedAndNothingIsImported() throws {
        let path = try vendorFile(
            "mixed.pskc",
            .init(tokens: [
                .init(serial: "FT0001", secret: Self.sha1Seed),
                .init(serial: "FT0009", secret: Self.sha1Seed, suite: "MD5"),
            ]))
        let result = try tokenforge(["tokens", "import", path])
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("FT0009") && result.stderr.contains("MD5"), "\(result.stderr)")
        #expect(try list().isEmpty)
    }

    static let roster = """
        username,display_name,email,language,method,app,token_serial
        zmuller,Zoë Müller,zoe.muller@example.org,de,app,,
        bkeller,Bruno Keller,bruno.keller@example.org,de,token,,FT0001

        """

    func issue(_ roster: String, name: String = "roster.csv") throws -> ChildProcess.Result {
        let path = try directory.file(name, contents: roster)
        return try tokenforge(
            [
                "issue", path, "--issuer", "ACME", "--out", directory.path("out"),
                "--export", "pskc,entra,privacyidea,uris", "--privacyidea-resolver", "staff", "--privacyidea-realm",
                "acme", "--token-wait", "1",
            ], environment: ["TOKENFORGE_EXPORT_PASSPHRASE": "export passphrase"])
    }

    @Test func aRosterUserNamingAnImportedSerialIsGivenItWithoutADeviceAndExported() throws {
        let file = try vendorFile(
            "vendor.pskc",
            .init(
                tokens: [.init(serial: "FT0001", secret: Self.sha1Seed, manufacturer: "Feitian", model: "c200")],
                password: "vendor password"))
        let passwordFile = try directory.file("password.txt", contents: "vendor password\n")
        #expect(try tokenforge(["tokens", "import", file, "--password-file", passwordFile]).status == 0)

        let dryRun = try tokenforge([
            "issue", try directory.file("dry.csv", contents: Self.roster), "--issuer", "ACME", "--out",
            directory.path("out"), "--dry-run",
        ])
        #expect(dryRun.stdout.contains("bkeller: display token FT0001 (Feitian c200) given"), "\(dryRun.stdout)")

        // No token is connected, and --token-wait 1: a token user who needed one would be left pending (82).
        let result = try issue(Self.roster)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("bkeller: display token FT0001 given (nothing programmed)"), "\(result.stderr)")
        #expect(!result.stderr.contains("insert"), "\(result.stderr)")

        let users = try tokenforge(["users", "--json"]).json([UserJSON].self)
        #expect(
            users.first { $0.username == "bkeller" }
                == UserJSON(username: "bkeller", method: "token", state: "exported", token: "FT0001", slot: nil))
        #expect(try list().first?.status == "assigned")
        #expect(try list().first?.user == "bkeller")
        let table = try tokenforge(["tokens", "list"])
        #expect(table.stdout.contains("bkeller"), "\(table.stdout)")

        let sheet = try String(contentsOfFile: directory.path("out/sheets/bkeller.sheet.de.html"), encoding: .utf8)
        #expect(sheet.contains("FT0001"))
        #expect(sheet.contains("Dieser Token hat keine PIN"), "a display token has no PIN")

        // The exports carry the vendor's seed: python-pskc reads it back from the encrypted PSKC export.
        let exports = try ExportDirectories.latest(directory.path("out/exports"))
        let exported = try VendorPSKC.read(exports + "/seeds.pskc", password: "export passphrase")
        #expect(exported["FT0001"] == Self.sha1Seed)
        #expect(exported.count == 2)
        let uris = try String(contentsOfFile: exports + "/otpauth-uris.txt", encoding: .utf8)
            .split(separator: "\n").map { try OTPAuthURI(parsing: String($0)) }
        let uri = try #require(uris.first { $0.account == "bruno.keller@example.org" })
        #expect(
            try uri.totpGenerator!.code(at: Self.time) == oathtool(["--totp", "--now=@\(Self.time)", Self.sha1Seed]))
        let entra = try String(contentsOfFile: exports + "/entra-oath-tokens.csv", encoding: .utf8)
        #expect(
            entra.contains("bruno.keller@example.org,FT0001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,Feitian,c200"),
            "\(entra)")
        let privacyIDEA = try String(
            contentsOfFile: exports + "/privacyidea-tokens.csv", encoding: .utf8)
        #expect(privacyIDEA.contains("FT0001"), "\(privacyIDEA)")

        let again = try issue(Self.roster)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("bkeller: already issued"), "\(again.stderr)")
    }

    @Test func aSerialGivenToAnotherUserIsRefusedBeforeAnythingIsWritten() throws {
        let file = try vendorFile("vendor.pskc", .init(tokens: [.init(serial: "FT0001", secret: Self.sha1Seed)]))
        #expect(try tokenforge(["tokens", "import", file]).status == 0)
        #expect(try issue(Self.roster).status == 0)
        let other = """
            username,display_name,email,language,method,app,token_serial
            apatel,Asha Patel,asha.patel@example.org,en,app,,
            lrossi,Luca Rossi,luca.rossi@example.org,it,token,,FT0001

            """
        let result = try issue(other, name: "other.csv")
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("FT0001") && result.stderr.contains("bkeller"), "\(result.stderr)")
        let users = try tokenforge(["users", "--json"]).json([UserJSON].self)
        #expect(users.map(\.username) == ["bkeller", "zmuller"], "nothing was written")
    }

    @Test func revokingAUserRetiresTheirDisplayTokenForGood() throws {
        let file = try vendorFile("vendor.pskc", .init(tokens: [.init(serial: "FT0001", secret: Self.sha1Seed)]))
        #expect(try tokenforge(["tokens", "import", file]).status == 0)
        #expect(try issue(Self.roster).status == 0)

        let reissue = try tokenforge([
            "reissue", "bkeller", "--issuer", "ACME", "--out", directory.path("out"), "--plaintext",
        ])
        #expect(reissue.status == 78, "\(reissue.stderr)")
        #expect(reissue.stderr.contains("--new-token"), "\(reissue.stderr)")

        let revoke = try tokenforge(["revoke", "bkeller", "--reason", "left"])
        #expect(revoke.status == 0, "\(revoke.stderr)")
        #expect(revoke.stdout.contains("display token FT0001 retired"), "\(revoke.stdout)")
        let token = try #require(try list().first)
        #expect(token.status == "retired" && token.user == "bkeller")
        #expect(try tokenforge(["tokens", "code", "FT0001"]).status == 78)

        let other = """
            username,display_name,email,language,method,app,token_serial
            lrossi,Luca Rossi,luca.rossi@example.org,it,token,,FT0001

            """
        let result = try issue(other, name: "other.csv")
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("retired"), "\(result.stderr)")
        let log = try tokenforge(["log", "bkeller"])
        #expect(log.stdout.contains("display-token-retired"), "\(log.stdout)")
    }

    @Test(.timeLimit(.minutes(5)))
    func aDisplayTokenUserIsPushedToPrivacyIDEAWithTheVendorsSeedAndDeletedWhenRevoked() throws {
        let file = try vendorFile(
            "vendor.pskc",
            .init(
                tokens: [.init(serial: "FT0001", secret: Self.sha1Seed, manufacturer: "Feitian", model: "c200")],
                psk: Self.psk))
        let pskFile = try directory.file("psk.hex", contents: Self.psk + "\n")
        #expect(try tokenforge(["tokens", "import", file, "--psk-file", pskFile]).status == 0)
        #expect(try issue(Self.roster).status == 0)
        // Another port than the push suites', which may run at the same time.
        let server = try PrivacyIDEAPushTests.Server(directory: directory, users: ["zmuller", "bkeller"], port: 3)
        let environment = ["TOKENFORGE_PRIVACYIDEA_PASSWORD": "pi admin password"]
        let push = ["push", "privacyidea", "--url", server.url, "--user", "admin", "--realm", "acme"]
        let first = try tokenforge(push, environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("bkeller: create token FT0001"), "\(first.stdout)")
        let current = try oathtool(["--totp", Self.sha1Seed])
        #expect(try server.validate("bkeller", current), "the vendor's seed is what the server checks")
        #expect(try !server.validate("bkeller", current), "a replayed code")

        #expect(try tokenforge(["revoke", "bkeller"]).status == 0)
        let second = try tokenforge(push, environment: environment)
        #expect(second.stdout == "bkeller: delete token FT0001\n1 change\n", "\(second.stdout)\(second.stderr)")
        usleep(1_000_000)
        #expect(try !server.validate("bkeller", try oathtool(["--totp", Self.sha1Seed])))
    }

    @Test func reissuingWithANewTokenRetiresTheDisplayToken() throws {
        let file = try vendorFile("vendor.pskc", .init(tokens: [.init(serial: "FT0001", secret: Self.sha1Seed)]))
        #expect(try tokenforge(["tokens", "import", file]).status == 0)
        #expect(try issue(Self.roster).status == 0)
        // No token is connected: the new one is not found in time and bkeller is left pending (82).
        let reissue = try tokenforge([
            "reissue", "bkeller", "--issuer", "ACME", "--out", directory.path("out"), "--plaintext", "--new-token",
            "--token-wait", "1",
        ])
        #expect(reissue.status == 82, "\(reissue.stderr)")
        let token = try #require(try list().first)
        #expect(token.status == "retired" && token.user == "bkeller")
        let user = try #require(try tokenforge(["users", "--json"]).json([UserJSON].self).first { $0.username == "bkeller" })
        #expect(user.state == "pending" && user.token == nil)
    }

    @Test func aUserAlreadyIssuedIsNotMovedOntoADisplayTokenByTheRoster() throws {
        #expect(try issue(Self.roster.replacingOccurrences(of: "token,,FT0001", with: "app,,")).status == 0)
        let file = try vendorFile("vendor.pskc", .init(tokens: [.init(serial: "FT0001", secret: Self.sha1Seed)]))
        #expect(try tokenforge(["tokens", "import", file]).status == 0)
        let moved = Self.roster.replacingOccurrences(of: "zmuller,Zoë Müller,zoe.muller@example.org,de,app,,", with: "")
        let result = try issue(moved, name: "moved.csv")
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("bkeller is already issued"), "\(result.stderr)")
        #expect(try list().first?.status == "free")
    }

    @Test func anHOTPDisplayTokenIsNotGivenToAUser() throws {
        let file = try vendorFile(
            "vendor.pskc", .init(tokens: [.init(serial: "FT0001", secret: Self.sha1Seed, type: "hotp", counter: 0)]))
        #expect(try tokenforge(["tokens", "import", file]).status == 0)
        let result = try issue(Self.roster)
        #expect(result.status == 78, "\(result.stderr)")
        #expect(result.stderr.contains("HOTP"), "\(result.stderr)")
        #expect(try tokenforge(["users", "--json"]).json([UserJSON].self).isEmpty)
    }
}
