import Foundation
import OTPCore
import TestSupport
import Testing

/// A 20-byte secret (the RFC 4226 test key) every command takes without --allow-weak-secret.
private let strongSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

/// A Google Authenticator export link, protobuf written by hand so tests can claim what no
/// exporter would (migration.proto: field 1 accounts, 3 batch size, 4 index, 5 batch id).
func migrationLink(label: String, batchSize: UInt64 = 1, batchIndex: UInt64 = 0, batchID: UInt64 = 7) -> String {
    func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        repeat {
            bytes.append(UInt8(value & 0x7F) | (value > 0x7F ? 0x80 : 0))
            value >>= 7
        } while value > 0
        return bytes
    }
    func field(_ number: UInt64, _ bytes: [UInt8]) -> [UInt8] {
        varint(number << 3 | 2) + varint(UInt64(bytes.count)) + bytes
    }
    func number(_ number: UInt64, _ value: UInt64) -> [UInt8] { varint(number << 3) + varint(value) }
    let account =
        field(1, Array("12345678901234567890".utf8)) + field(2, Array(label.utf8)) + number(4, 1) + number(5, 1)
        + number(6, 2)
    let payload = field(1, account) + number(2, 1) + number(3, batchSize) + number(4, batchIndex) + number(5, batchID)
    let base64 = Data(payload).base64EncodedString()
        .replacing("+", with: "%2B").replacing("/", with: "%2F").replacing("=", with: "%3D")
    return "otpauth-migration://offline?data=" + base64
}

/// Outputs: new regular files only, never over an input, another output, a link or a device.
@Suite(.timeLimit(.minutes(2)))
struct SafeOutputTests {
    @Test func anExistingOutputIsRefusedWithItsOwnStatusAndKept() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.file("zoe.uri", contents: "keep me\n")
        let refused = try CLIRunner.run(["uri", "--account", "zoe", "--output", path])
        #expect(refused.status == 80)
        #expect(
            refused.stderr
                == "tokenforge: \(path) already exists: choose a new name, or pass --force to replace a regular file\n")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me\n")
        let forced = try CLIRunner.run(["uri", "--account", "zoe", "--output", path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("otpauth://totp/zoe?secret="))
    }

    @Test func aSymlinkADeviceAndAFIFOAreNeverReplacedEvenWithForce() throws {
        let directory = try TemporaryDirectory()
        let target = try directory.file("target", contents: "untouched")
        let link = directory.path("link")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let fifo = directory.path("fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        for path in [link, fifo, "/dev/null", "/dev/stdout"] {
            for force in [[], ["--force"]] {
                let result = try CLIRunner.run(["uri", "--account", "a", "--output", path] + force)
                #expect(result.status == 80, "\(path) \(force): \(result.stderr)")
                #expect(result.stdout.isEmpty)
            }
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "untouched")
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func twoOutputsOnOneFileAreRefusedBeforeAnythingIsWritten() throws {
        let directory = try TemporaryDirectory()
        let same = directory.path("same")
        let result = try CLIRunner.run(
            ["qr", "--account", "a", "--format", "svg", "--output", same, "--uri-output", same])
        #expect(result.status == 64)
        #expect(result.stderr == "tokenforge: \(same) is given for two outputs: give each output its own file\n")
        #expect(!FileManager.default.fileExists(atPath: same))
    }

    @Test func anOutputOnAnInputIsRefusedEvenWithForce() throws {
        let directory = try TemporaryDirectory()
        let uri = "otpauth://totp/ACME:zoe?secret=\(strongSecret)\n"
        let input = try directory.file("x.uri", contents: uri)
        for force in [[], ["--force"]] {
            let result = try CLIRunner.run(
                ["qr", "--uri-file", input, "--format", "svg", "--output", input] + force)
            #expect(result.status == 64, "\(result.stderr)")
            #expect(result.stderr.contains("is also an input of this command"))
        }
        let hardLink = directory.path("other-name.uri")
        #expect(Foundation.link(input, hardLink) == 0)
        let byInode = try CLIRunner.run(["qr", "--uri-file", input, "--format", "svg", "--output", hardLink, "--force"])
        #expect(byInode.status == 64)
        #expect(byInode.stderr.contains("is the same file as the input"))
        #expect(try String(contentsOfFile: input, encoding: .utf8) == uri)
    }

    @Test func oneExistingNumberedImageStopsTheWholeExport() throws {
        let directory = try TemporaryDirectory()
        let uris = (1...11).map { "otpauth://totp/ACME:user\($0)?secret=\(strongSecret)" }.joined(separator: "\n")
        let file = try directory.file("staff.uris", contents: uris + "\n")
        let second = try directory.file("export-2.png", contents: "old")
        let result = try CLIRunner.run(
            ["export-migration", file, "--format", "png", "--output", directory.path("export.png")])
        #expect(result.status == 80)
        #expect(result.stderr.contains("\(second) already exists"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("export-1.png")))
        #expect(try String(contentsOfFile: second, encoding: .utf8) == "old")
    }

    @Test func importAndExportMigrationOutputsFollowThePolicy() throws {
        let directory = try TemporaryDirectory()
        let uris = try directory.file("staff.uris", contents: "otpauth://totp/ACME:zoe?secret=\(strongSecret)\n")
        let existing = try directory.file("links.txt", contents: "old")
        let export = try CLIRunner.run(["export-migration", uris, "--links", "--output", existing])
        #expect(export.status == 80)
        let onInput = try CLIRunner.run(["import", "--link-file", uris, "--output", uris, "--force"])
        #expect(onInput.status == 64)
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "old")
    }
}

/// Numeric options out of range are usage errors, and work stays bounded: never a trap or a hang.
@Suite(.timeLimit(.minutes(2)))
struct BoundsCommandTests {
    @Test func verifyAcceptsTheLastHOTPCounterWithoutATrap() throws {
        let generator = try HOTPGenerator(secret: Secret(base32: strongSecret))
        let result = try CLIRunner.run(
            ["verify", generator.code(counter: .max), "--uri-file", "-"],
            stdin: "otpauth://hotp/a?secret=\(strongSecret)&counter=18446744073709551615")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "valid: counter 18446744073709551615, the last one: no further code exists\n")
    }

    static let outOfRange: [([String], String)] = [
        (["code", "--at=9223372036854775807"], "--at must be a Unix time from 0 to 253402300799"),
        (["verify", "123456", "--drift=-9223372036854775808"], "--drift must be -1000000 to 1000000 steps."),
        (["verify", "123456", "--window", "9223372036854775807"], "--window must be 0 to 1000."),
        (["info", "--timeout=-1"], "--timeout must be 1 to 600000 milliseconds."),
        (["uri", "--account", "a", "--period", "9223372036854775807"], "--period must be 1 to 86400 seconds."),
        (["code", "--secret-file", "-", "--period", "0"], "--period must be 1 to 86400 seconds."),
    ]

    @Test(arguments: outOfRange)
    func anOptionOutOfRangeIsAUsageError(arguments: [String], message: String) throws {
        let result = try CLIRunner.run(
            arguments, environment: ["TOKENFORGE_SECRET": strongSecret], timeout: .seconds(20))
        #expect(result.status == 64, "\(arguments): \(result.stderr)")
        #expect(result.signal == nil)
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
    }

    @Test func aMigrationLinkClaimingMillionsOfCodesIsRefusedAtOnce() throws {
        for size: UInt64 in [2_147_483_647, 10_000_000] {
            let started = Date()
            let result = try CLIRunner.run(
                ["import", "--link-file", "-"], stdin: migrationLink(label: "a", batchSize: size), timeout: .seconds(20)
            )
            #expect(result.status == 65)
            #expect(result.stderr.contains("the export claims \(size) codes, more than the 1000 TokenForge reads"))
            #expect(result.stderr.utf8.count < 500)
            #expect(Date().timeIntervalSince(started) < 10)
        }
    }

    @Test func missingCodesAreListedUpToTen() throws {
        let result = try CLIRunner.run(
            ["import", "--link-file", "-"], stdin: migrationLink(label: "a", batchSize: 1_000))
        #expect(result.status == 65)
        #expect(result.stderr.contains("code(s) 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 989 more were not given"))
    }

    @Test func aHugeBadFilePrintsOneShortError() throws {
        let directory = try TemporaryDirectory()
        let rows = String(repeating: "otpauth://totp/a?secret=1\n", count: 100_000)
        let file = try directory.file("bad.uris", contents: rows)
        let result = try CLIRunner.run(["export-migration", file, "--links"])
        #expect(result.status == 65)
        #expect(result.stderr == "tokenforge: \(file) holds more than 10000 entries, the most TokenForge reads\n")
        let fewer = try directory.file(
            "fewer.uris", contents: String(repeating: "otpauth://totp/a?secret=1\n", count: 9_000))
        let first = try CLIRunner.run(["export-migration", fewer, "--links"])
        #expect(first.status == 65)
        #expect(first.stderr.hasPrefix("tokenforge: \(fewer), line 1: "))
        #expect(first.stderr.split(separator: "\n").count == 1)
        #expect(first.stderr.utf8.count < 500)
    }

    @Test func aFiftyMegabyteInputIsRefusedBeforeParsing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("big.uris")
        let field = "otpauth://totp/" + String(repeating: "a", count: 50_000_000) + "?secret=\(strongSecret)\n"
        try Data(field.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let result = try CLIRunner.run(["export-migration", path, "--links"])
        #expect(result.status == 65)
        #expect(result.stderr == "tokenforge: \(path) is larger than 16 MiB, the most TokenForge reads\n")
    }

    @Test func aLongLineIsRefusedWithItsNumber() throws {
        let long = "otpauth://totp/" + String(repeating: "a", count: 70_000) + "?secret=\(strongSecret)"
        let result = try CLIRunner.run(["import", "--link-file", "-"], stdin: "# export\n\(long)\n")
        #expect(result.status == 65)
        #expect(
            result.stderr == "tokenforge: standard input, line 2: longer than 65536 bytes, the most TokenForge reads\n")
    }
}

/// Secrets stay off argv, are long enough, and have one spelling.
/// Issue 15's remaining cases at the command line.
@Suite(.timeLimit(.minutes(2)))
struct HostileCaseCommandTests {
    @Test func activateRefusesANegativeWindowAsAUsageError() throws {
        let result = try CLIRunner.run(["activate", "zoe", "123456", "--window=-1"])
        #expect(result.status == 64)
        #expect(result.signal == nil)
        #expect(result.stderr.contains("--window -1 is not in 0...10"), "\(result.stderr)")
    }

    @Test func aRosterOverTheSizeBoundIsRefusedBeforeAnythingIsWritten() throws {
        let directory = try TemporaryDirectory()
        let roster = directory.path("roster.csv")
        let row = "u,U,u@example.org,en,app," + String(repeating: "x", count: 17 << 20) + "\n"
        try Data(("username,display_name,email,language,method,app\n" + row).utf8).write(to: URL(fileURLWithPath: roster))
        let result = try CLIRunner.run(
            ["issue", roster, "--issuer", "ACME", "--out", directory.path("out"), "--register", directory.path("r.sqlite")],
            environment: ["TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase"])
        #expect(result.status == 65)
        #expect(result.stderr == "tokenforge: \(roster) is larger than 16 MiB, the most TokenForge reads\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
        #expect(!FileManager.default.fileExists(atPath: directory.path("r.sqlite")))
    }

    @Test func qrRefusesAnExistingOutputAndLeavesItAsItWas() throws {
        let directory = try TemporaryDirectory()
        let existing = try directory.file("code.svg", contents: "keep\n")
        let result = try CLIRunner.run(
            ["qr", "--account", "a", "--secret-file", "-", "--output", existing], stdin: strongSecret)
        #expect(result.status == 80, "\(result.stderr)")
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep\n")
        let uri = try directory.file("code.uri", contents: "keep\n")
        let second = try CLIRunner.run(
            ["qr", "--account", "a", "--secret-file", "-", "--output", directory.path("new.svg"), "--uri-output", uri],
            stdin: strongSecret)
        #expect(second.status == 80, "\(second.stderr)")
        #expect(try String(contentsOfFile: uri, encoding: .utf8) == "keep\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path("new.svg")))
    }

    /// A display name a spreadsheet would read as a formula is refused at the roster, naming the
    /// cell, before anything is written (export cells are neutralised too: FormulaNeutralisingTests).
    @Test func aFormulaDisplayNameIsRefusedAtTheRoster() throws {
        let directory = try TemporaryDirectory()
        let roster = try directory.file(
            "roster.csv",
            contents: "username,display_name,email,language,method,app\nzoe,=1+2 Zoe,zoe@example.org,en,app,\n")
        let issued = try CLIRunner.run(
            ["issue", roster, "--issuer", "ACME", "--out", directory.path("out"), "--register", directory.path("r.sqlite")],
            environment: ["TOKENFORGE_ADMIN_PASSPHRASE": "admin passphrase"])
        #expect(issued.status == 65)
        #expect(
            issued.stderr
                == "tokenforge: \(roster):2:2: the display name may not start with = (a spreadsheet reads it as a formula)\n")
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
        #expect(!FileManager.default.fileExists(atPath: directory.path("r.sqlite")))
    }
}

@Suite(.timeLimit(.minutes(2)))
struct SecretPolicyCommandTests {
    @Test func aSecretOnTheCommandLineNeedsInsecureArgv() throws {
        let uri = "otpauth://totp/a?secret=\(strongSecret)"
        let refused = try CLIRunner.run(["code", "--uri", uri])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--uri puts the secret on the command line"))
        #expect(try CLIRunner.run(["code", "--uri", uri, "--insecure-argv"]).status == 0)
        let link = try CLIRunner.run(["import", "--link", uri])
        #expect(link.status == 64)
        #expect(link.stderr.contains("--link puts secrets on the command line"))
        #expect(try CLIRunner.run(["import", "--link", uri, "--insecure-argv"]).status == 0)
    }

    @Test func aSecretUnderSixteenBytesNeedsAllowWeakSecret() throws {
        let weak = "otpauth://totp/a?secret=GE"
        let refused = try CLIRunner.run(["code", "--uri-file", "-"], stdin: weak)
        #expect(refused.status == 78)
        #expect(
            refused.stderr
                == "tokenforge: the secret of a has 1 byte(s), fewer than the 16 RFC 4226 §4 asks for: use a new secret, or pass --allow-weak-secret\n"
        )
        #expect(try CLIRunner.run(["code", "--uri-file", "-", "--allow-weak-secret"], stdin: weak).status == 0)
        let uri = try CLIRunner.run(["uri", "--account", "a", "--secret-file", "-"], stdin: "GEZDGNBV")
        #expect(uri.status == 78)
        let qr = try CLIRunner.run(["qr", "--account", "a", "--secret-file", "-"], stdin: "GEZDGNBV")
        #expect(qr.status == 78)
    }

    @Test func nonCanonicalBase32IsRefusedWithThePosition() throws {
        let result = try CLIRunner.run(["code", "--secret-file", "-"], stdin: "MZXW6YTBOJ======")
        #expect(result.status == 65)
        #expect(result.stderr.contains("Base32 character 'J' at offset 9 sets bits that no byte uses"))
    }

    @Test func aSecretFileOthersMayReadIsWarnedAbout() throws {
        let directory = try TemporaryDirectory()
        let shared = try directory.file("seed.txt", contents: strongSecret, mode: 0o644)
        let warned = try CLIRunner.run(["code", "--secret-file", shared])
        #expect(warned.status == 0)
        #expect(
            warned.stderr
                == "tokenforge: warning: \(shared) holds a secret but group or others may read it (mode 0644): chmod 600 \(shared)\n"
        )
        let privateFile = try directory.file("private.txt", contents: strongSecret, mode: 0o600)
        #expect(try CLIRunner.run(["code", "--secret-file", privateFile]).stderr.isEmpty)
    }
}

/// Labels from QR codes, links and URIs cannot drive the terminal.
@Suite(.timeLimit(.minutes(2)))
struct EscapingCommandTests {
    @Test func controlCharactersInImportedLabelsAreShownEscaped() throws {
        let hostile = "otpauth://totp/ACME:a%1B%5B2Jb%0Dc%0Afake?secret=\(strongSecret)"
        let result = try CLIRunner.run(["import", "--link-file", "-"], stdin: hostile)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "1\tACME:a\\u{1B}[2Jb\\u{D}c\\u{A}fake\ttotp\tSHA1\t6 digits\t30 s\n")
        let link = try CLIRunner.run(
            ["import", "--link-file", "-"], stdin: migrationLink(label: "x\u{1B}]0;pwned\u{7}"))
        #expect(link.stdout == "1\tx\\u{1B}]0;pwned\\u{7}\ttotp\tSHA1\t6 digits\t30 s\n")
    }

    @Test func controlCharactersInErrorsAreShownEscaped() throws {
        let result = try CLIRunner.run(
            ["import", "--link-file", "-"], stdin: "otpauth://totp/Evil%1B%5B2J:a?secret=\(strongSecret)&issuer=Other")
        #expect(result.status == 65)
        #expect(result.stderr.contains("\"Evil\\u{1B}[2J\""))
        #expect(!result.stderr.contains("\u{1B}"))
    }
}

/// Export links: several per file, as `export-migration --links` writes them; one data= each.
@Suite(.timeLimit(.minutes(2)))
struct MigrationLinkFileTests {
    @Test func aDuplicateDataParameterIsRefused() throws {
        let link = migrationLink(label: "a")
        let doubled = link + "&data=" + link.split(separator: "data=")[1]
        let result = try CLIRunner.run(["import", "--link-file", "-"], stdin: doubled)
        #expect(result.status == 65)
        #expect(result.stderr.contains("more than one data= parameter"))
    }
}
