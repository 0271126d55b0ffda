import ArgumentParser
import Foundation
import Issuance
import OTPCore
import Provisioning
import TokenModel

/// A reason kept with the change in the audit log.
struct ReasonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Why, for the audit log (at most 500 characters).", valueName: "TEXT"))
    var reason: String?

    func validate() throws {
        if let reason, reason.count > 500 || reason.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError("--reason is at most 500 characters, without control characters")
        }
    }
}

struct EnableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Enable OTP for a user again (confirmed with the admin passphrase).",
        discussion: "A revoked user cannot be enabled: reissue them.\n\n" + ExitStatus.helpText)
    @Argument(help: "The username.") var username: String
    @OptionGroup var admin: AdminOptions
    @OptionGroup var reason: ReasonOptions

    func run() throws {
        let changed = try withRegister { try admin.open().setEnabled(username, true, reason: reason.reason) }
        print("\(username): \(changed ? "enabled" : "already enabled")")
    }
}

struct DisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable OTP for a user: left out of exports, cannot activate (confirmed with the admin passphrase).",
        discussion: ExitStatus.helpText)
    @Argument(help: "The username.") var username: String
    @OptionGroup var admin: AdminOptions
    @OptionGroup var reason: ReasonOptions

    func run() throws {
        let changed = try withRegister { try admin.open().setEnabled(username, false, reason: reason.reason) }
        print("\(username): \(changed ? "disabled" : "already disabled")")
    }
}

struct UnlockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unlock",
        abstract: "Let a user locked by wrong activation codes try again (their count starts at 0).",
        discussion: ExitStatus.helpText)
    @Argument(help: "The username.") var username: String
    @OptionGroup var admin: AdminOptions
    @OptionGroup var reason: ReasonOptions

    func run() throws {
        let changed = try withRegister { try admin.open().unlock(username, reason: reason.reason) }
        print("\(username): \(changed ? "unlocked" : "was not locked")")
    }
}

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract:
            "Revoke a user's OTP: the sealed seed is destroyed, and their token slot erased when it still holds their account.",
        discussion: """
            The slot is erased only when the token is connected and the slot still holds the account \
            the register recorded there; anything else in it is left alone. Revoking again retries a \
            slot left while the token was not connected. The token's PIN is the one TokenForge set \
            (kept sealed in the register), else --pin-file / TOKENFORGE_PIN / a prompt.

            \(ExitStatus.helpText)
            """)
    @Argument(help: "The username.") var username: String
    @OptionGroup var admin: AdminOptions
    @OptionGroup var reason: ReasonOptions
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions

    func run() throws {
        let register = try admin.open()
        let outcome = try withRegister {
            try withDriver {
                try UserRevocation.revoke(
                    username, in: register, discovery: device.discovery,
                    policy: SeedImportPolicy(allowTestTokens: device.testTokensAllowed), reason: reason.reason
                ) { serial in
                    try register.tokenPIN(serial).map { PIN(bytes: $0) } ?? pin.pin()
                }
            }
        }
        switch outcome.token {
        case .noToken: break
        case .erased(let serial, let slot): print("\(username): erased slot \(slot) of token \(serial)")
        case .alreadyEmpty(let serial, let slot): print("\(username): slot \(slot) of token \(serial) was already empty")
        case .reused(let serial, let slot, let label):
            print(
                "\(username): slot \(slot) of token \(serial) now holds \(PrintableText.escaped(label)): left as it is")
        case .unrecorded(let serial, let slot):
            print(
                "\(username): the register does not record which account slot \(slot) of token \(serial) held: left as it is (check with tokenforge slots --device \(serial))"
            )
        case .notConnected(let serial, let slot):
            print(
                "\(username): token \(serial) is not connected: run tokenforge revoke \(username) again with it connected to erase slot \(slot)"
            )
        case .retired(let serial):
            print("\(username): display token \(serial) retired: its seed is destroyed and it is never given again")
        }
        print("\(username): \(outcome.revoked ? "revoked; the seed is destroyed" : "already revoked")")
    }
}

struct ReissueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reissue",
        abstract: "Give a user a new seed: a lost phone or token, a letter gone astray, a revoked user back.",
        discussion: """
            The old seed is destroyed and replaced. App users get a new QR code and letter in OUT; token \
            users get their slot programmed again (the recorded slot when it still holds their account, \
            else a free one), or with --new-token the next unused token inserted. Then the exports are \
            written again, into a new run directory in OUT/exports (tokenforge export --changes-since-last \
            then lists the old token for removal). The user must activate again.

            \(ExitStatus.helpText)
            """)
    @Argument(help: "The username.") var username: String
    @Option(help: "The service name shown in apps and letters (as for issue).") var issuer: String
    @Option(help: ArgumentHelp("Where the QR code, letter and exports go.", valueName: "DIR")) var out: String
    @Flag(help: "Program a new token (the next unused one inserted) instead of the recorded one.") var newToken = false
    @OptionGroup var reason: ReasonOptions
    @OptionGroup var issuance: IssuanceOptions
    @OptionGroup var admin: AdminOptions
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions

    func run() throws {
        let register = try admin.open()
        let user = try withRegister { try register.user(username) }
        let renderer = try issuance.letters.renderer(languages: user.entry.method == .app ? [user.entry.language] : [])
        let run = try issuance.makeRun(
            register: register, issuer: issuer, out: out, renderer: renderer, tokenUsers: user.entry.method == .token,
            device: device, pin: pin)
        let summary = try issuance.running { try run.reissue(username, reason: reason.reason, forgetToken: newToken) }
        try issuance.finish(summary)
        print("\(username): reissued (seed \(try withRegister { try register.user(username).generation }))")
    }
}

struct ActivateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Check a user's first code from their app or token and mark them active.",
        discussion: """
            The code is accepted within --window steps of now (at most \(UserActivation.maximumWindow)), around \
            the drift recorded for the user; spaces and dashes in it are ignored; a code already used is \
            refused. After --attempts wrong codes the user is locked until tokenforge unlock. A code that \
            is right for a time further off says how far the device's clock seems to be. Exit 0 when \
            activated, 1 when the code is refused, 78 when the user is locked, revoked or disabled.

            \(ExitStatus.helpText)
            """)
    @Argument(help: "The username.") var username: String
    @Argument(help: "The code the app or token shows.") var code: String
    @OptionGroup var admin: AdminOptions
    @OptionGroup var clock: TimeOptions
    @Option(help: "Steps accepted on each side (0...\(UserActivation.maximumWindow)).") var window = 1
    @Option(help: "Wrong codes before the user is locked (1...20).") var attempts = UserActivation.defaultAttemptLimit

    func validate() throws {
        guard (0...UserActivation.maximumWindow).contains(window) else {
            throw ValidationError("--window \(window) is not in 0...\(UserActivation.maximumWindow)")
        }
        guard (1...20).contains(attempts) else { throw ValidationError("--attempts \(attempts) is not in 1...20") }
    }

    func run() throws {
        let register = try admin.open()
        do {
            let outcome = try UserActivation.activate(
                username, code: code, at: clock.time, in: register, window: window, attemptLimit: attempts)
            if case .activated(let step, let drift, let wasActive) = outcome {
                print("\(username): \(wasActive ? "already active; code accepted" : "active") (step \(step), drift \(drift))")
            }
        } catch let failure as UserActivation.Failure {
            switch failure {
            case .rejected, .replayed, .clockOff: throw CLIFailure(status: .codeRejected, message: "\(failure)")
            case .malformedCode: throw CLIFailure.badInput("\(failure)")
            case .windowOutOfRange: throw CLIFailure.usage("\(failure)")
            case .notIssued, .disabled, .locked, .revoked: throw CLIFailure(status: .refused, message: "\(failure)")
            }
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
    }
}

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the register's audit log: every change, when, by which OS user and admin, and why.",
        discussion: """
            --json prints an array of objects with the keys time (Unix seconds), os_user, admin, action, \
            username, detail and reason.

            \(ExitStatus.helpText)
            """)
    @Argument(help: "Only this user's entries.") var username: String?
    @OptionGroup var admin: AdminOptions
    @Flag(help: "Print a JSON array.") var json = false

    struct Output: Encodable {
        let time: Int64
        let osUser: String
        let admin: String?
        let action: String
        let username: String?
        let detail: String
        let reason: String?

        enum CodingKeys: String, CodingKey {
            case time
            case osUser = "os_user"
            case admin, action, username, detail, reason
        }
    }

    func run() throws {
        let register = try admin.openForReading()
        if let username { _ = try withRegister { try register.user(username) } }
        let entries = try withRegister { try register.log(username) }
        if json {
            return try JSONOutput.print(
                entries.map {
                    Output(
                        time: $0.time, osUser: $0.osUser, admin: $0.admin, action: $0.action, username: $0.username,
                        detail: $0.detail, reason: $0.reason)
                })
        }
        if entries.isEmpty { return print("no entries") }
        for entry in entries {
            let who = "\(entry.osUser)\(entry.admin.map { " (admin \($0))" } ?? "")"
            let detail = [entry.username, entry.detail.isEmpty ? nil : entry.detail, entry.reason.map { "reason: \($0)" }]
                .compactMap { $0 }.map(PrintableText.escaped).joined(separator: " · ")
            print("\(AuditEntry.format(entry.time))  \(who)  \(entry.action)  \(detail)")
        }
    }
}
