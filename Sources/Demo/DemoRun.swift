import Foundation
public import Issuance
import OTPCore
import TokenModel
import TokenTesting

/// `tokenforge demo`: the whole staff issuance on the sample roster with virtual tokens in this
/// process (spec tokens for the roster's token users, a virtual YubiKey for one more), then every
/// user activated with a code from their token or their app's seed.
public enum DemoRun {
    /// What the demo did, step by step, for printing.
    public enum Event {
        case roster([RosterEntry])
        case issuance(IssueRun.Event)
        /// Issuance is done; activation begins.
        case activating
        /// A user activated with `code`, read from `source` ("TokenForge spec token TFDEMO0001",
        /// "YubiKey OATH zt3ixKX0bwE2hj4g6Db9Ag", "the app's seed").
        case activated(username: String, code: String, source: String)
        case register([RegisteredUser])
        /// The run's letters and handover sheets were written as one PDF.
        case printed(path: String, pages: Int)
    }

    /// What the demo's letters say beyond each user's details.
    public static let letterFields = LetterFields(
        sender: ["TokenForge Demo SA", "Rue du Lac 1", "1000 Lausanne"],
        helpdesk: "+41 21 555 01 00, helpdesk@example.org", confirmation: .helpdesk,
        login: "portal.example.org")

    /// The sample roster and one more token user, who names no token: the next one inserted, a
    /// virtual YubiKey whose OATH application is reached as over PC/SC, in this process.
    public static let roster = SampleRoster.csv + "jnguyen,Jade Nguyen,jade.nguyen@example.org,en,token,,,\n"

    /// The register passphrase and the PSKC export password of the demo.
    public static let passphrase = "demo passphrase"

    /// Runs the demo into `directory` at the time `now` gives.
    public static func run(
        in directory: String, now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        report: (Event) -> Void
    ) throws {
        let entries = try Roster.parse(roster, file: "sample roster")
        report(.roster(entries))
        let register = try Register(path: directory + "/register.sqlite", passphrase: passphrase)
        let tokens = VirtualTokenSource(yubiKeys: 1)
        var renderer = try LetterRenderer(fields: letterFields, today: LetterDate(unixTime: now()))
        renderer.addresses = Dictionary(entries.map { ($0.username, $0.address) }) { first, _ in first }
        var options = IssueRun.Options(issuer: "TokenForge Demo", outputDirectory: directory, letters: renderer)
        options.exports = Set(IssueRun.ExportFormat.allCases)
        options.exportPassphrase = passphrase
        options.now = now
        try withoutActuallyEscaping(report) { report in
            try IssueRun(register: register, options: options, tokens: tokens) { report(.issuance($0)) }.run(entries)
        }
        let print = LetterPrint(register: register, renderer: renderer, issuer: options.issuer) { _ in
            .deliveredSeparately
        }
        let printable = try LetterPrint.users(named: entries.map(\.username), in: register)
        try print.writeHTML(
            for: printable.filter { $0.entry.method == .token }, into: directory + "/sheets",
            existing: .replaceRegularFile)
        try print.writePDF(for: printable, to: directory + "/letters.pdf")
        report(.printed(path: directory + "/letters.pdf", pages: printable.count))
        report(.activating)
        let time = now()
        for entry in entries {
            let user = try register.user(entry.username)
            let code: String
            let source: String
            if let serial = user.tokenSerial, let slot = user.slot, let driver = tokens.drivers[serial] {
                if try driver.capabilities().pinToRead, let pin = try register.tokenPIN(serial) {
                    try driver.verifyPIN(PIN(bytes: pin))
                }
                code = try driver.calculate(SlotIndex(slot), at: UInt64(time)).code
                source = "\(driver.family.name) \(serial)"
            } else {
                let generator = try TOTPGenerator(
                    secret: try register.seed(of: user), algorithm: user.algorithm, digits: user.digits,
                    period: user.period)
                code = try generator.code(at: time)
                source = "the app's seed"
            }
            _ = try UserActivation.activate(entry.username, code: code, at: time, in: register)
            report(.activated(username: entry.username, code: code, source: source))
        }
        report(.register(try register.users()))
    }
}
