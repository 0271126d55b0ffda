import ArgumentParser
import Foundation
import Exports
import Issuance

struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users", abstract: "List the register's users: contact, method, state and dates.",
        discussion: """
            Works while another tokenforge is changing the register. --json prints one array of objects \
            with the keys username, name, email, language, method, app, state, enabled, locked, \
            failed_attempts, token, slot, drift, generation, created_at, issued_at, activated_at, \
            updated_at, server_serial and server_pushed_at (times in Unix seconds, null when not yet); --csv prints the same columns for a \
            spreadsheet.

            \(ExitStatus.helpText)
            """)

    @OptionGroup var admin: AdminOptions
    @Flag(help: "Print a JSON array instead of a table.") var json = false
    @Flag(help: "Print CSV instead of a table.") var csv = false
    @Option(
        help: ArgumentHelp(
            "Only users in STATE: \(UserState.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "STATE"))
    var state: String?
    @Flag(help: "Only users issued a seed who have not activated it yet.") var notActivated = false
    @Option(help: ArgumentHelp("Only users changed in the last DAYS days (1...36500).", valueName: "DAYS"))
    var since: Int?

    func validate() throws {
        if json && csv { throw ValidationError("choose one of --json and --csv") }
        if let state, UserState(rawValue: state) == nil {
            throw ValidationError(
                "--state \(state) is not one of \(UserState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let since, !(1...36_500).contains(since) { throw ValidationError("--since \(since) is not in 1...36500 days") }
    }

    struct Output: Encodable {
        let username: String
        let name: String
        let email: String
        let language: String
        let method: String
        let app: String?
        let state: String
        let enabled: Bool
        let locked: Bool
        let failedAttempts: Int
        let token: String?
        let slot: Int?
        let drift: Int
        let generation: Int
        let createdAt: Int64
        let issuedAt: Int64?
        let activatedAt: Int64?
        let updatedAt: Int64
        let serverSerial: String?
        let serverPushedAt: Int64?

        enum CodingKeys: String, CodingKey {
            case username, name, email, language, method, app, state, enabled, locked
            case failedAttempts = "failed_attempts"
            case token, slot, drift, generation
            case createdAt = "created_at"
            case issuedAt = "issued_at"
            case activatedAt = "activated_at"
            case updatedAt = "updated_at"
            case serverSerial = "server_serial"
            case serverPushedAt = "server_pushed_at"
        }

        init(_ user: RegisteredUser) {
            username = user.entry.username
            name = user.entry.displayName
            email = user.entry.email
            language = user.entry.language.rawValue
            method = user.entry.method.rawValue
            app = user.entry.appProfile?.rawValue
            state = user.state.rawValue
            enabled = user.enabled
            locked = user.locked
            failedAttempts = user.failedAttempts
            token = user.tokenSerial
            slot = user.slot
            drift = user.drift
            generation = user.generation
            createdAt = user.createdAt
            issuedAt = user.issuedAt
            activatedAt = user.activatedAt
            updatedAt = user.updatedAt
            serverSerial = user.server?.serial
            serverPushedAt = user.server?.pushedAt
        }

        var cells: [String] {
            [
                username, name, email, language, method, app ?? "", state, enabled ? "yes" : "no", locked ? "yes" : "no",
                String(failedAttempts), token ?? "", slot.map(String.init) ?? "", String(drift), String(generation),
                AuditEntry.format(createdAt), issuedAt.map(AuditEntry.format) ?? "",
                activatedAt.map(AuditEntry.format) ?? "", AuditEntry.format(updatedAt), serverSerial ?? "",
                serverPushedAt.map(AuditEntry.format) ?? "",
            ]
        }
    }

    func run() throws {
        let now = Int64(Date().timeIntervalSince1970)
        let users = try withRegister { try admin.openForReading().users() }.filter { user in
            (state.map { user.state.rawValue == $0 } ?? true)
                && (!notActivated || (user.state.isIssued && user.state != .active))
                && (since.map { user.updatedAt >= now - Int64($0) * 86_400 } ?? true)
        }
        let output = users.map(Output.init)
        if json { return try JSONOutput.print(output) }
        if csv {
            print(CSVCell.row(Output.CodingKeys.allNames))
            for user in output { print(CSVCell.row(user.cells)) }
            return
        }
        if output.isEmpty {
            return print(state == nil && !notActivated && since == nil ? "the register has no users" : "no users match")
        }
        let rows =
            [["USERNAME", "EMAIL", "LANG", "METHOD", "STATE", "ENABLED", "ISSUED", "ACTIVATED", "TOKEN"]]
            + output.map { user in
                [
                    user.username, user.email, user.language, user.app.map { "app:\($0)" } ?? user.method,
                    user.state + (user.locked ? " (locked)" : ""), user.enabled ? "yes" : "no",
                    user.issuedAt.map(Self.day) ?? "-", user.activatedAt.map(Self.day) ?? "-",
                    user.token.map { "\($0) slot \(user.slot.map(String.init) ?? "-")" } ?? "",
                ]
            }
        TextTable.print(rows)
    }

    static func day(_ time: Int64) -> String { String(AuditEntry.format(time).prefix(10)) }
}

extension UsersCommand.Output.CodingKeys: CaseIterable {
    static var allNames: [String] { allCases.map(\.rawValue) }
}

/// Plain text tables: columns padded to their widest cell.
enum TextTable {
    static func print(_ rows: [[String]]) {
        let widths = rows.reduce(into: [Int](repeating: 0, count: rows.first?.count ?? 0)) { widths, row in
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        for row in rows {
            let line = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            Swift.print(line.trimmingCharacters(in: .whitespaces))
        }
    }
}
