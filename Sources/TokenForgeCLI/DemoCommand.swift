import ArgumentParser
import Foundation
import Issuance
import OTPCore
import TokenModel
import TokenTesting

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole staff issuance on a sample roster, with virtual tokens in this process.",
        discussion: """
            Four app users (one per language) get seeds, QR codes and letters; two token users get \
            virtual tokens programmed and verified; the exports are written (PSKC encrypted with the \
            demo passphrase); then every user is activated with a code from their seed or their token.
            """)

    @Option(
        help: ArgumentHelp(
            "Where the register, letters, QR codes and exports go (default: a new temporary directory).",
            valueName: "DIR"))
    var out: String?

    static let passphrase = "demo passphrase"

    func run() throws {
        let directory = out ?? NSTemporaryDirectory() + "tokenforge-demo-\(UUID().uuidString.prefix(8))"
        let entries = try Roster.parse(SampleRoster.csv, file: "sample roster")
        print("== Roster: \(entries.count) users")
        for entry in entries {
            print(
                "   \(entry.username.padding(toLength: 9, withPad: " ", startingAt: 0)) \(entry.displayName), \(entry.language.rawValue), \(entry.method.rawValue)\(entry.appProfile.map { " (\($0.rawValue))" } ?? "")"
            )
        }
        let register = try Register(path: directory + "/register.sqlite", passphrase: Self.passphrase)
        let tokens = VirtualTokenSource(pin: PIN("24681357"))
        var options = IssueRun.Options(
            issuer: "TokenForge Demo", outputDirectory: directory, letters: try LetterRenderer())
        options.exports = Set(IssueRun.ExportFormat.allCases)
        options.exportPassphrase = Self.passphrase
        print("\n== Issuing")
        try IssueRun(register: register, options: options, tokens: tokens) { event in
            switch event {
            case .userDone(let index, let username, let outcome):
                print("   [\(index)/\(entries.count)] \(username): \(outcome)")
            case .exported(let path, let users): print("   wrote \(path) (\(users) users)")
            case .started, .waitingForToken: break
            }
        }.run(entries)

        print("\n== Activating every user with their first code")
        let now = Int64(Date().timeIntervalSince1970)
        for entry in entries {
            let user = try register.user(entry.username)
            let code: String
            let source: String
            if let serial = user.tokenSerial, let slot = user.slot, let driver = tokens.drivers[serial] {
                code = try driver.calculate(SlotIndex(slot), at: UInt64(now)).code
                source = "token \(serial)"
            } else {
                let generator = try TOTPGenerator(
                    secret: try register.seed(of: user), algorithm: user.algorithm, digits: user.digits,
                    period: user.period)
                code = try generator.code(at: now)
                source = "the app's seed"
            }
            _ = try UserActivation.activate(entry.username, code: code, at: now, in: register)
            print(
                "   \(entry.username.padding(toLength: 9, withPad: " ", startingAt: 0)) code \(code) from \(source): active"
            )
        }
        print("\n== Register")
        for user in try register.users() {
            print(
                "   \(user.entry.username.padding(toLength: 9, withPad: " ", startingAt: 0)) \(user.state.rawValue)\(user.tokenSerial.map { ", token \($0) slot \(user.slot ?? 0)" } ?? "")"
            )
        }
        print(
            "\nLetters, QR codes and exports are in \(directory) (register passphrase and PSKC password: \"\(Self.passphrase)\")."
        )
    }
}
