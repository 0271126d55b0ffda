import Foundation
import OTPCore
import Testing

/// What `uri --json` prints.
struct URIJSON: Decodable {
    let uri: String?
    let file: String?
    let label: String
    let type: String
    let algorithm: String
    let digits: Int
    let period: Int?
    let counter: UInt64?
}

@Suite(.timeLimit(.minutes(2)))
struct URICommandTests {
    @Test func generatesAFreshSecretAsLongAsTheHashOutput() throws {
        let first = try CLIRunner.run(["uri", "--account", "zoe@example.org", "--issuer", "Mairie"])
        let second = try CLIRunner.run(["uri", "--account", "zoe@example.org", "--issuer", "Mairie"])
        #expect(first.status == 0)
        let uri = try OTPAuthURI(parsing: first.stdout.trimmingCharacters(in: .newlines))
        #expect(uri.secret.byteCount == 20)
        #expect(uri.secret.base32EncodedString().count == 32)
        #expect(uri.label == "Mairie:zoe@example.org")
        #expect(first.stdout != second.stdout)
    }

    @Test func usesAGivenSecretAndEncodesNonASCIINames() throws {
        let result = try CLIRunner.run(
            ["uri", "--account", "Zoë Müller", "--issuer", "ACME", "--secret-file", "-", "--digits", "8"],
            stdin: rfcSecret)
        #expect(
            result.stdout
                == "otpauth://totp/ACME:Zo%C3%AB%20M%C3%BCller?secret=\(rfcSecret)&issuer=ACME&algorithm=SHA1&digits=8&period=30\n"
        )
    }

    @Test func writesAPrivateFileAtomicallyAndPrintsNoSecret() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("alice.uri")
        let result = try CLIRunner.run(["uri", "--account", "alice", "--algorithm", "SHA256", "--output", path])
        #expect(result.status == 0)
        #expect(result.stdout == "wrote alice to \(path)\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let uri = try OTPAuthURI(
            parsing: try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .newlines))
        #expect(uri.algorithm == .sha256)
        #expect(uri.secret.byteCount == 32)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path) == ["alice.uri"])
    }

    @Test func anUnwritableOutputExitsWithCannotWrite() throws {
        let result = try CLIRunner.run(["uri", "--account", "alice", "--output", "/nonexistent/dir/alice.uri"])
        #expect(result.status == 73)
        #expect(result.stdout.isEmpty)
    }

    @Test func buildsHOTPURIs() throws {
        let result = try CLIRunner.run(["uri", "--account", "alice", "--type", "hotp", "--counter", "7", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let output = try result.json(URIJSON.self)
        #expect(output.type == "hotp")
        #expect(output.counter == 7)
        #expect(output.period == nil)
        #expect(output.label == "alice")
        #expect(output.file == nil)
        let uri = try OTPAuthURI(parsing: try #require(output.uri))
        #expect(uri.kind == .hotp(counter: 7))
        #expect(uri.account == "alice")
    }

    static let refused: [([String], Int32)] = [
        (["--account", "a:b"], 65),
        (["--account", "a", "--issuer", "x:y"], 65),
        (["--account", "a", "--digits", "11"], 64),
        (["--account", "a", "--algorithm", "MD5"], 65),
        (["--account", "a", "--type", "motp"], 64),
        (["--account", "a", "--secret-bytes", "8"], 64),
    ]

    @Test(arguments: refused)
    func refusesWhatAppsCannotUse(arguments: [String], status: Int32) throws {
        let result = try CLIRunner.run(["uri"] + arguments)
        #expect(result.status == status, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }
}
