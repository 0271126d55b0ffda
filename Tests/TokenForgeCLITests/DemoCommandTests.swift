import Foundation
import TestSupport
import Testing

/// `tokenforge demo` as a user runs it: the YubiKey part.
struct DemoCommandTests {
    /// The device ID the register line of `username` names on a virtual YubiKey, slot `slot`.
    func yubiKeyID(of username: String, slot: Int, in stdout: String) throws -> String {
        let prefix = "   \(username.padding(toLength: 9, withPad: " ", startingAt: 0)) active, YubiKey OATH "
        let line = try #require(
            stdout.split(separator: "\n").first { $0.hasPrefix(prefix) && $0.hasSuffix(" slot \(slot)") })
        return String(line.dropFirst(prefix.count).dropLast(" slot \(slot)".count))
    }

    @Test func theDemoProgramsVerifiesAndActivatesAVirtualYubiKey() throws {
        let directory = try TemporaryDirectory()
        let demo = try CLIRunner.run(["demo", "--out", directory.path("demo")], timeout: .seconds(120))
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(
            demo.stdout.contains("   jnguyen   Jade Nguyen, en, token (the next one inserted: a virtual YubiKey)\n"))
        let id = try yubiKeyID(of: "jnguyen", slot: 0, in: demo.stdout)
        #expect(id.count == 22)  // 16 bytes of SHA-256(salt), Base64 without padding, as ykman shows it
        #expect(demo.stdout.contains("   [7/7] jnguyen: token \(id) programmed and verified\n"))
        let activated = try #require(
            demo.stdout.split(separator: "\n").first { $0.hasPrefix("   jnguyen   code ") })
        let code = activated.dropFirst("   jnguyen   code ".count).prefix(6)
        #expect(code.count == 6 && code.allSatisfy(\.isASCII) && code.allSatisfy(\.isNumber))
        #expect(activated == "   jnguyen   code \(code) from YubiKey OATH \(id): active")
        let slip = try String(contentsOfFile: directory.path("demo/pins/jnguyen.en.txt"), encoding: .utf8)
        #expect(slip.contains(id))
        #expect(FileManager.default.fileExists(atPath: directory.path("demo/sheets/jnguyen.sheet.en.html")))
    }

    @Test func theDemoKeepsTheRostersTokenUsersOnSpecTokens() throws {
        let directory = try TemporaryDirectory()
        let demo = try CLIRunner.run(["demo", "--out", directory.path("demo")], timeout: .seconds(120))
        #expect(demo.status == 0, "\(demo.stderr)")
        for (username, serial) in [("bkeller", "TFDEMO0001"), ("mfavre", "TFDEMO0002")] {
            let padded = username.padding(toLength: 9, withPad: " ", startingAt: 0)
            #expect(demo.stdout.contains("   \(padded) active, TokenForge spec token \(serial) slot 0\n"))
            #expect(demo.stdout.contains(" from TokenForge spec token \(serial): active\n"))
        }
    }
}
