import ArgumentParser
import Foundation
import Issuance

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List the register's users and their OTP state.",
        discussion: ExitStatus.helpText)

    @OptionGroup var admin: AdminOptions
    @Flag(help: "Print a JSON array instead of a table.") var json = false

    struct Output: Encodable {
        let username: String
        let name: String
        let method: String
        let state: String
        let enabled: Bool
        let token: String?
        let slot: Int?
        let drift: Int
    }

    func run() throws {
        let users = try withRegister { try admin.openForReading().users() }
        let output = users.map {
            Output(
                username: $0.entry.username, name: $0.entry.displayName, method: $0.entry.method.rawValue,
                state: $0.state.rawValue,
                enabled: $0.enabled, token: $0.tokenSerial, slot: $0.slot, drift: $0.drift)
        }
        if json { return try JSONOutput.print(output) }
        if output.isEmpty { return print("the register has no users") }
        print("USERNAME".padding(toLength: 14, withPad: " ", startingAt: 0) + "METHOD STATE          ENABLED TOKEN")
        for user in output {
            let token = user.token.map { "\($0) slot \(user.slot.map(String.init) ?? "?")" } ?? ""
            print(
                user.username.padding(toLength: 14, withPad: " ", startingAt: 0)
                    + user.method.padding(toLength: 7, withPad: " ", startingAt: 0)
                    + user.state.padding(toLength: 15, withPad: " ", startingAt: 0)
                    + (user.enabled ? "yes     " : "no      ") + token)
        }
    }
}

struct EnableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "enable", abstract: "Enable OTP for a user again (confirmed with the admin passphrase).",
        discussion: ExitStatus.helpText)
    @Argument(help: "The username.") var username: String
    @OptionGroup var admin: AdminOptions

    func run() throws {
        try withRegister { try admin.open().setEnabled(username, true) }
        print("\(username): enabled")
    }
}

struct DisableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable OTP for a user: left out of exports, cannot activate (confirmed with the admin passphrase).",
        discussion: ExitStatus.helpText)
    @Argument(help: "The username.") var username: String
    @OptionGroup var admin: AdminOptions

    func run() throws {
        try withRegister { try admin.open().setEnabled(username, false) }
        print("\(username): disabled")
    }
}

struct RevokeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract:
            "Revoke a user's OTP: the sealed seed is destroyed, and their token slot erased when the token is connected.",
        discussion: ExitStatus.helpText)
    @Argument(help: "The username.") var username: String
    @OptionGroup var admin: AdminOptions
    @OptionGroup var device: DeviceOptions
    @OptionGroup var pin: PINOptions

    func run() throws {
        let register = try admin.open()
        let outcome = try withRegister {
            try withDriver {
                try UserRevocation.revoke(username, in: register, discovery: device.discovery) { try pin.pin() }
            }
        }
        switch outcome {
        case .noToken: break
        case .erased(let serial, let slot): print("\(username): erased slot \(slot) of token \(serial)")
        case .alreadyEmpty(let serial, let slot): print("\(username): slot \(slot) of token \(serial) was already empty")
        case .notConnected(let serial, let slot):
            print(
                "\(username): token \(serial) is not connected: erase slot \(slot) when it is (tokenforge erase \(slot) --device \(serial))"
            )
        }
        print("\(username): revoked; the seed is destroyed")
    }
}

struct ActivateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activate",
        abstract: "Check a user's first code from their app or token and mark them active.",
        discussion: """
            The code is accepted within --window steps of now, around the drift recorded for the user; a \
            code already used is refused. Exit 0 when activated, 1 when the code is refused.

            \(ExitStatus.helpText)
            """)
    @Argument(help: "The username.") var username: String
    @Argument(help: "The code the app or token shows.") var code: String
    @OptionGroup var admin: AdminOptions
    @OptionGroup var clock: TimeOptions
    @Option(help: "Steps accepted on each side.") var window = 1

    func run() throws {
        let register = try admin.open()
        do {
            let outcome = try UserActivation.activate(
                username, code: code, at: clock.time, in: register, window: window)
            if case .activated(let step, let drift) = outcome {
                print("\(username): active (step \(step), drift \(drift))")
            }
        } catch let failure as UserActivation.Failure {
            switch failure {
            case .rejected, .replayed: throw CLIFailure(status: .codeRejected, message: "\(failure)")
            case .malformedCode: throw CLIFailure.badInput("\(failure)")
            case .notIssued, .disabled: throw CLIFailure(status: .refused, message: "\(failure)")
            }
        } catch let error as RegisterError {
            throw CLIFailure(error)
        }
    }
}
