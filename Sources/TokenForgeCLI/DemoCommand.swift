import ArgumentParser
import Demo
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole staff issuance on a sample roster, with virtual tokens in this process.",
        discussion: """
            Four app users (one per language) get seeds, QR codes and letters; two token users get \
            virtual spec tokens and a third a virtual YubiKey (its OATH application, reached in this \
            process as over PC/SC), each programmed and verified, and handover sheets; the exports are written (PSKC \
            encrypted with the demo passphrase) and every letter and sheet goes into one PDF \
            (letters.pdf); then every user is activated with a code from their seed or their token.
            """)

    @Option(
        help: ArgumentHelp(
            "Where the register, letters, QR codes and exports go (default: a new temporary directory).",
            valueName: "DIR"))
    var out: String?

    func run() throws {
        let directory = out ?? NSTemporaryDirectory() + "tokenforge-demo-\(UUID().uuidString.prefix(8))"
        var total = 0
        try DemoRun.run(in: directory) { event in
            switch event {
            case .roster(let entries):
                total = entries.count
                print("== Roster: \(entries.count) users")
                for entry in entries {
                    print(
                        "   \(Self.padded(entry.username)) \(entry.displayName), \(entry.language.rawValue), \(entry.method.rawValue)\(entry.appProfile.map { " (\($0.rawValue))" } ?? "")\(entry.method == .token ? " \(entry.tokenSerial ?? "(the next one inserted: a virtual YubiKey)")" : "")"
                    )
                }
                print("\n== Issuing")
            case .issuance(.userDone(let index, let username, let outcome)):
                print("   [\(index)/\(total)] \(username): \(outcome)")
            case .issuance(.exported(let path, let users)):
                print("   wrote \(path) (\(users) users)")
            case .printed(let path, let pages): print("   wrote \(path) (\(pages) pages: letters and handover sheets)")
            case .activating: print("\n== Activating every user with their first code")
            case .issuance(.started), .issuance(.waitingForToken): break
            case .activated(let username, let code, let source):
                print("   \(Self.padded(username)) code \(code) from \(source): active")
            case .register(let users):
                print("\n== Register")
                for user in users {
                    print(
                        "   \(Self.padded(user.entry.username)) \(user.state.rawValue)\(user.tokenSerial.map { ", \(user.tokenModel ?? "token") \($0) slot \(user.slot ?? 0)" } ?? "")"
                    )
                }
            }
        }
        print(
            "\nLetters, QR codes, token PIN slips and exports are in \(directory) (register passphrase and PSKC password: \"\(DemoRun.passphrase)\")."
        )
    }

    static func padded(_ username: String) -> String { username.padding(toLength: 9, withPad: " ", startingAt: 0) }
}
