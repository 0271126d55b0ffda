import Activation
import Foundation

/// One person to issue OTP to, as the roster CSV describes them.
public struct RosterEntry: Equatable, Sendable {
    public enum Method: String, Sendable, Codable { case app, token }

    public var username: String
    public var displayName: String
    public var email: String
    public var language: Language
    public var method: Method
    public var appProfile: AppProfile?
    public var tokenSerial: String?
    /// The user principal name (user@domain) Microsoft Entra ID knows them by; nil: the e-mail address.
    public var upn: String?

    /// Postal address lines for the letter's window, from the roster only (the register keeps none).
    public var address: [String]

    public init(
        username: String, displayName: String, email: String, language: Language, method: Method,
        appProfile: AppProfile? = nil, tokenSerial: String? = nil, upn: String? = nil, address: [String] = []
    ) {
        self.username = username
        self.displayName = displayName
        self.email = email
        self.language = language
        self.method = method
        self.appProfile = appProfile
        self.tokenSerial = tokenSerial
        self.upn = upn
        self.address = address
    }
}

/// The languages activation letters come in.
public enum Language: String, Sendable, CaseIterable, Codable { case fr, de, it, en }

/// A roster problem, named by file, line and column.
public struct RosterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int?
    public let message: String

    public var description: String {
        "\(file):\(line)\(column.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// Every problem of a roster, reported together so one pass fixes them all.
public struct RosterErrors: Error, Equatable, Sendable, CustomStringConvertible {
    public let errors: [RosterError]
    /// At most this many problems are printed; the rest are counted.
    public static let printedLimit = 50

    public var description: String {
        let shown = errors.prefix(Self.printedLimit).map(\.description)
        let rest = errors.count - shown.count
        return (shown + (rest > 0 ? ["… and \(rest) more problems"] : [])).joined(separator: "\n")
    }
}

/// The roster CSV: UTF-8 with a header row naming the columns `username`, `display_name`, `email`,
/// `language` (fr, de, it, en), `method` (app, token), and optionally `app` (an app profile),
/// `token_serial`, `upn` (the Entra ID user principal name, when it is not the e-mail address) and
/// `address` (lines separated by line breaks or `|`). Every row is checked before anything is used.
public enum Roster {
    static let required = ["username", "display_name", "email", "language", "method"]
    static let optional = ["app", "token_serial", "upn", "address"]

    public static func parse(_ text: String, file: String) throws(RosterErrors) -> [RosterEntry] {
        let records: [CSVReader.Record]
        do { records = try CSVReader.records(text) } catch {
            throw RosterErrors(errors: [
                RosterError(file: file, line: error.line, column: error.column, message: error.message)
            ])
        }
        guard let header = records.first else {
            throw RosterErrors(errors: [
                RosterError(
                    file: file, line: 1, column: nil,
                    message: "the roster is empty: it needs a header row and one row per user")
            ])
        }
        var errors: [RosterError] = []
        let names = header.fields.map { trimmed($0).lowercased().replacingOccurrences(of: " ", with: "_") }
        for (index, name) in names.enumerated() where !(required + optional).contains(name) {
            errors.append(
                RosterError(
                    file: file, line: header.line, column: index + 1,
                    message:
                        "unknown column \"\(name)\": the columns are \((required + optional).joined(separator: ", "))"))
        }
        for name in required where !names.contains(name) {
            errors.append(
                RosterError(file: file, line: header.line, column: nil, message: "the header lacks the column \(name)"))
        }
        guard errors.isEmpty else { throw RosterErrors(errors: errors) }
        func column(_ name: String) -> Int? { names.firstIndex(of: name) }

        var entries: [RosterEntry] = []
        var seen: [String: Int] = [:]
        var serials: [String: Int] = [:]
        for record in records.dropFirst() {
            func fail(_ name: String?, _ message: String) {
                errors.append(
                    RosterError(
                        file: file, line: record.line, column: name.flatMap(column).map { $0 + 1 }, message: message))
            }
            let addressColumn = column("address")
            if let (index, problem) = record.fields.enumerated().lazy.compactMap({ index, field in
                // An address may span lines; no other field may.
                RosterField.controlCharacterProblem(
                    index == addressColumn ? field.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ") : field
                ).map { (index, $0) }
            }).first {
                errors.append(RosterError(file: file, line: record.line, column: index + 1, message: problem))
                continue
            }
            guard record.fields.count == names.count else {
                fail(nil, "\(record.fields.count) fields, but the header has \(names.count)")
                continue
            }
            func value(_ name: String) -> String {
                column(name).map { trimmed(record.fields[$0]) } ?? ""
            }
            let username = value("username")
            if let problem = RosterField.usernameProblem(username) {
                fail("username", problem)
            } else if let first = seen[username.lowercased()] {
                fail("username", "username \(username) is already on line \(first) (usernames must differ by more than case)")
            }
            seen[username.lowercased()] = seen[username.lowercased()] ?? record.line
            let displayName = value("display_name")
            if let problem = RosterField.displayNameProblem(displayName) { fail("display_name", problem) }
            let email = value("email")
            if let problem = RosterField.emailProblem(email) { fail("email", problem) }
            let language = Language(rawValue: value("language").lowercased())
            if language == nil { fail("language", "language \"\(value("language"))\" is not one of fr, de, it, en") }
            let method = RosterEntry.Method(rawValue: value("method").lowercased())
            if method == nil { fail("method", "method \"\(value("method"))\" is not app or token") }
            var profile: AppProfile?
            let profileName = value("app").lowercased()
            if !profileName.isEmpty {
                profile = AppProfile(rawValue: profileName)
                if profile == nil {
                    fail(
                        "app",
                        "app \"\(profileName)\" is not one of \(AppProfile.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                } else if method == .token {
                    fail("app", "an app profile is for method app, not token")
                }
            }
            let upn = value("upn")
            if !upn.isEmpty, let problem = RosterField.emailProblem(upn) {
                fail("upn", problem.replacingOccurrences(of: "e-mail address", with: "user principal name (user@domain)"))
            }
            let serial = value("token_serial")
            if !serial.isEmpty, method == .app { fail("token_serial", "a token serial is for method token, not app") }
            if !serial.isEmpty {
                if let problem = RosterField.serialProblem(serial) {
                    fail("token_serial", problem)
                } else if let first = serials[serial] {
                    fail("token_serial", "token \(serial) is already given to the user on line \(first): one token per user")
                }
                serials[serial] = serials[serial] ?? record.line
            }
            if let language, let method {
                entries.append(
                    RosterEntry(
                        username: username, displayName: displayName, email: email, language: language, method: method,
                        appProfile: profile, tokenSerial: serial.isEmpty ? nil : serial, upn: upn.isEmpty ? nil : upn,
                        address: column("address").map { record.fields[$0] }.map(Self.addressLines) ?? []))
            }
        }
        if records.count < 2 { fail(line: header.line, "the roster has a header but no users") }
        guard errors.isEmpty else { throw RosterErrors(errors: errors) }
        return entries

        func fail(line: Int, _ message: String) {
            errors.append(RosterError(file: file, line: line, column: nil, message: message))
        }
    }
}

extension Roster {
    /// The field without leading and trailing spaces and tabs (Unicode's horizontal whitespace),
    /// as it is when nothing needs trimming.
    static func trimmed(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, let last = field.unicodeScalars.last,
            CharacterSet.whitespaces.contains(first) || CharacterSet.whitespaces.contains(last)
        else { return field }
        return field.trimmingCharacters(in: .whitespaces)
    }

    /// The non-empty lines of an address field, split at line breaks and `|`.
    public static func addressLines(_ field: String) -> [String] {
        field.split(whereSeparator: { $0.isNewline || $0 == "|" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
