import Foundation
import OTPCore
import TestSupport
import Testing

/// One account as `import --json` prints it.
struct ImportedAccountJSON: Decodable, Equatable {
    let number: Int
    let label: String
    let issuer: String?
    let account: String
    let type: String
    let algorithm: String
    let digits: Int
    let period: Int?
    let uri: String?
}

/// `qr`, `import` and `export-migration`, run as a user would; every PNG written is read back by
/// zbarimg, an independent decoder.
@Suite(.timeLimit(.minutes(5)))
struct ActivationCommandTests {
    static let account =
        "otpauth://totp/ACME:zo%C3%AB%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME&algorithm=SHA1&digits=6&period=30"

    static func zbarimg(_ path: String) throws -> [String] {
        let zbarimg = "/usr/bin/zbarimg"
        guard FileManager.default.isExecutableFile(atPath: zbarimg) else {
            Issue.record("\(zbarimg) is missing: apt-get install zbar-tools (scripts/install-deps does)")
            return []
        }
        return try runTool(zbarimg, ["--raw", "-q", path]).split(separator: "\n").map(String.init)
    }

    static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test func writesAPrivatePNGThatDecodesToTheURI() throws {
        let directory = try TemporaryDirectory()
        let uriFile = try directory.file("zoe.uri", contents: Self.account + "\n")
        let png = directory.path("zoe.png")
        let result = try CLIRunner.run([
            "qr", "--uri-file", uriFile, "--format", "png", "--output", png, "--scale", "3",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "wrote the QR code of ACME:zoë@example.org to \(png)\n")
        #expect(try Self.mode(png) == 0o600)
        #expect(try Self.zbarimg(png) == [Self.account])
    }

    @Test func buildsAGeneratedAccountAndKeepsItsURI() throws {
        let directory = try TemporaryDirectory()
        let png = directory.path("new.png")
        let uriFile = directory.path("new.uri")
        let result = try CLIRunner.run([
            "qr", "--account", "Zoë Müller", "--issuer", "Mairie", "--algorithm", "SHA256", "--app", "google",
            "--format", "png", "--output", png, "--uri-output", uriFile,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let saved = try String(contentsOfFile: uriFile, encoding: .utf8).trimmingCharacters(in: .newlines)
        let uri = try OTPAuthURI(parsing: saved)
        #expect(uri.label == "Mairie:Zoë Müller")
        #expect(uri.secret.byteCount == 35)
        #expect(try Self.mode(uriFile) == 0o600)
        #expect(try Self.zbarimg(png) == [saved])
    }

    @Test func aGeneratedSecretNeedsSomewhereToGo() throws {
        let result = try CLIRunner.run(["qr", "--account", "zoe"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--uri-output"))
        #expect(result.stdout.isEmpty)
    }

    @Test func drawsTheTerminalCodeInHalfBlocks() throws {
        let colour = try CLIRunner.run(["qr"], environment: ["TOKENFORGE_URI": Self.account])
        #expect(colour.status == 0, "\(colour.stderr)")
        #expect(colour.stdout.hasPrefix("\u{1B}[38;5;16;48;5;231m"))
        let plain = try CLIRunner.run(
            ["qr", "--invert", "--margin", "2"], environment: ["TOKENFORGE_URI": Self.account])
        let lines = plain.stdout.split(separator: "\n")
        #expect(!plain.stdout.contains("\u{1B}"))
        #expect(Set(lines.map(\.count)).count == 1)
        #expect(Set(lines.joined()).isSubset(of: ["█", "▀", "▄", " "]))
        #expect(lines.first!.allSatisfy { $0 == " " })
    }

    @Test func writesAWellFormedSVG() throws {
        let directory = try TemporaryDirectory()
        let svg = directory.path("zoe.svg")
        let result = try CLIRunner.run(
            ["qr", "--format", "svg", "--output", svg, "--ecc", "h"], environment: ["TOKENFORGE_URI": Self.account])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.mode(svg) == 0o600)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(text.hasPrefix("<?xml"))
        #expect(text.contains("<path fill=\"#000000\" d=\"M4 4h7v1h-7z"))
    }

    @Test func refusesParametersTheAppWouldMishandle() throws {
        let sha256 = "otpauth://totp/ACME:zoe?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA256&issuer=ACME"
        let refused = try CLIRunner.run(["qr", "--app", "microsoft"], environment: ["TOKENFORGE_URI": sha256])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("Microsoft Authenticator"))
        #expect(refused.stderr.contains("algorithm=SHA256"))
        #expect(!refused.stderr.contains("GEZDGNBV"))
        #expect(refused.stdout.isEmpty)
        let period = "otpauth://totp/zoe?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=60"
        let android = try CLIRunner.run(["qr", "--app", "google-android"], environment: ["TOKENFORGE_URI": period])
        #expect(android.status == 78)
        #expect(android.stderr.contains("Google Authenticator on Android"))
        #expect(android.stderr.contains("period=60"))
        let allowed = try CLIRunner.run(
            ["qr", "--app", "microsoft", "--allow-incompatible"], environment: ["TOKENFORGE_URI": sha256])
        #expect(allowed.status == 0)
        #expect(allowed.stderr.contains("warning"))
        #expect(try CLIRunner.run(["qr", "--app", "aegis"], environment: ["TOKENFORGE_URI": sha256]).status == 0)
    }

    @Test func importListsAccountsWithoutSecretsUnlessAsked() throws {
        let directory = try TemporaryDirectory()
        let png = directory.path("zoe.png")
        let written = try CLIRunner.run(
            ["qr", "--format", "png", "--output", png], environment: ["TOKENFORGE_URI": Self.account])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try Self.zbarimg(png) == [Self.account])
        let listed = try CLIRunner.run(["import", png])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout == "1\tACME:zoë@example.org\ttotp\tSHA1\t6 digits\t30 s\n")
        let shown = try CLIRunner.run(["import", png, "--show-secrets"])
        #expect(shown.stdout == Self.account + "\n")
        let output = directory.path("imported.uris")
        let imported = try CLIRunner.run(["import", png, "--output", output])
        #expect(imported.status == 0)
        #expect(!imported.stdout.contains("GEZDGNBV"))
        #expect(try String(contentsOfFile: output, encoding: .utf8) == Self.account + "\n")
        #expect(try Self.mode(output) == 0o600)
    }

    @Test func exportedCodesImportBackIntoTheSameAccounts() throws {
        let directory = try TemporaryDirectory()
        let uris = (0..<12).map {
            "otpauth://totp/ACME:user\($0)%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ\(["A", "B", "C", "D"][$0 % 4])&issuer=ACME&algorithm=SHA1&digits=6&period=30"
        }
        let list = try directory.file("accounts.txt", contents: "# staff\n" + uris.joined(separator: "\n") + "\n")
        let prefix = directory.path("export.png")
        let exported = try CLIRunner.run(["export-migration", list, "--format", "png", "--output", prefix])
        #expect(exported.status == 0, "\(exported.stderr)")
        let images = [directory.path("export-1.png"), directory.path("export-2.png")]
        #expect(exported.stdout.contains("code 1 of 2"))
        for image in images { #expect(try Self.mode(image) == 0o600) }
        let links = try images.flatMap { try Self.zbarimg($0) }
        #expect(links.count == 2 && links.allSatisfy { $0.hasPrefix("otpauth-migration://offline?data=") })
        let imported = try CLIRunner.run(["import", "--show-secrets"] + images.reversed())
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout == uris.joined(separator: "\n") + "\n")
        let partial = try CLIRunner.run(["import", images[1]])
        #expect(partial.status == 65)
        #expect(partial.stderr.contains("code(s) 1"))
        #expect(try CLIRunner.run(["import", images[1], "--partial"]).stdout.split(separator: "\n").count == 2)
        let linked = try CLIRunner.run(["import", "--link-file", "-", "--json"], stdin: links.joined(separator: "\n"))
        #expect(linked.status == 0, "\(linked.stderr)")
        let accounts = try linked.json([ImportedAccountJSON].self)
        #expect(accounts.map(\.number) == Array(1...12))
        #expect(accounts.map(\.label) == (0..<12).map { "ACME:user\($0)@example.org" })
        #expect(accounts.allSatisfy { $0.issuer == "ACME" && $0.type == "totp" && $0.algorithm == "SHA1" })
        #expect(accounts.allSatisfy { $0.digits == 6 && $0.period == 30 && $0.uri == nil })
        #expect(!linked.stdout.contains("GEZDGNBV"))
    }

    @Test func exportLinksAreRefusedForAccountsTheExportCannotHold() throws {
        let directory = try TemporaryDirectory()
        let list = try directory.file(
            "accounts.txt", contents: "otpauth://totp/a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=60\n")
        let result = try CLIRunner.run(["export-migration", list, "--links", "--app", "aegis"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("period 60"))
    }

    @Test func importNamesWhatIsNotAnOTPCode() throws {
        let directory = try TemporaryDirectory()
        let phonefactor = directory.path("phonefactor.png")
        let link = "phonefactor://activate_account?code=123456789&url=https://example.org/x"
        _ = try runTool("/usr/bin/qrencode", ["-o", phonefactor, link])
        let foreign = try CLIRunner.run(["import", phonefactor])
        #expect(foreign.status == 65)
        #expect(foreign.stderr.contains("phonefactor://"))
        #expect(!foreign.stderr.contains("123456789"))

        let barcode = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ActivationTests/Fixtures/ean13-serial.png").path
        let serial = try CLIRunner.run(["import", barcode])
        #expect(serial.status == 65)
        #expect(serial.stderr.contains("EAN-13"))

        let jpeg = try directory.file("photo.png", contents: "\u{FF}")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).write(to: URL(fileURLWithPath: jpeg))
        let notPNG = try CLIRunner.run(["import", jpeg])
        #expect(notPNG.status == 65)
        #expect(notPNG.stderr.contains("JPEG"))

        let missing = try CLIRunner.run(["import", directory.path("nothing.png")])
        #expect(missing.status == 66)
    }
}
