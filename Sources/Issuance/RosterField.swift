import Foundation

/// The rules for each roster field, so every value can go everywhere TokenForge puts it: file
/// names (username), otpauth labels and letters (display name, email), every export format (CSV,
/// XML, JSON), and token slot names. A problem is a message naming the rule; nil is a good value.
enum RosterField {
    static let usernameLimit = 64
    static let displayNameLimit = 128
    /// RFC 5321 §4.5.3.1.3: a path is at most 256 octets, an address 254.
    static let emailLimit = 254
    static let serialLimit = 64

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// C0 and C1 control characters (NUL, ESC, DEL among them), which no export, letter or
    /// terminal shows faithfully, and the Unicode line and paragraph separators.
    static func controlCharacterProblem(_ field: String) -> String? {
        guard
            let bad = field.unicodeScalars.first(where: {
                $0.isASCII
                    ? $0.value < 0x20 || $0.value == 0x7F
                    : $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}"
            })
        else { return nil }
        return "holds the control character U+\(String(format: "%04X", bad.value)): remove it"
    }

    /// ASCII letters and digits with `.`, `_`, `-` and `@`, starting with a letter or digit: a
    /// username names files (qr/USER.png) and becomes a CSV cell, so nothing else is safe.
    static func usernameProblem(_ username: String) -> String? {
        if username.isEmpty { return "the username is empty" }
        if username.utf8.count > usernameLimit {
            return "username is \(username.utf8.count) bytes: at most \(usernameLimit)"
        }
        let allowed = username.unicodeScalars.allSatisfy {
            isASCIIAlphanumeric($0) || "._-@".unicodeScalars.contains($0)
        }
        let first = username.unicodeScalars.first!
        guard allowed, isASCIIAlphanumeric(first) else {
            return
                "username \"\(username)\" must start with a letter or digit and hold only ASCII letters, digits, dots, dashes, underscores and @"
        }
        return nil
    }

    static func displayNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "the display name is empty" }
        if name.count > displayNameLimit { return "the display name is \(name.count) characters: at most \(displayNameLimit)" }
        if name.contains(":") { return "the display name may not contain a colon (it becomes the account label)" }
        if let first = name.first, "=+-@".contains(first) {
            return "the display name may not start with \(first) (a spreadsheet reads it as a formula)"
        }
        return nil
    }

    /// One `@` between a non-empty local part and a domain with a dot; no spaces, and none of the
    /// characters an otpauth label or a CSV cell cannot carry as they are (`:` `,` `;` `"` `<` `>`).
    static func emailProblem(_ email: String) -> String? {
        if email.utf8.count > emailLimit { return "the e-mail address is \(email.utf8.count) bytes: at most \(emailLimit)" }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden = email.first(where: { $0.isWhitespace || ":,;\"<>()[]\\".contains($0) })
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), forbidden == nil, let first = email.first, !"=+-@".contains(first)
        else {
            if let forbidden { return "\"\(email)\" is not an e-mail address: it holds \"\(forbidden)\"" }
            return "\"\(email)\" is not an e-mail address (name@domain.example)"
        }
        return nil
    }

    /// Letters, digits, `.`, `_` and `-`, as token serials are printed.
    static func serialProblem(_ serial: String) -> String? {
        let allowed = serial.unicodeScalars.allSatisfy {
            isASCIIAlphanumeric($0) || "._-".unicodeScalars.contains($0)
        }
        guard allowed, serial.utf8.count <= serialLimit else {
            return "token serial \"\(serial)\" must be at most \(serialLimit) ASCII letters, digits, dots, dashes or underscores"
        }
        return nil
    }

    /// The issuer appears in every label, letter and export: non-empty, at most 64 characters,
    /// no colon and no control characters.
    static func issuerProblem(_ issuer: String) -> String? {
        if issuer.trimmingCharacters(in: .whitespaces).isEmpty { return "the issuer is empty: name the service" }
        if issuer.count > 64 { return "the issuer is \(issuer.count) characters: at most 64" }
        if issuer.contains(":") { return "the issuer may not contain a colon (it separates issuer and account)" }
        if let problem = controlCharacterProblem(issuer) { return "the issuer \(problem)" }
        return nil
    }
}

extension Roster {
    /// Things to check that do not stop a run: the same e-mail address for several users.
    public static func warnings(_ entries: [RosterEntry], file: String) -> [String] {
        Dictionary(grouping: entries, by: { $0.email.lowercased() }).filter { $0.value.count > 1 }
            .sorted { $0.key < $1.key }
            .map { email, users in
                "\(file): warning: \(users.map(\.username).joined(separator: ", ")) share the e-mail address \(email)"
            }
    }

    /// Why `issuer` cannot be used, or nil.
    public static func issuerProblem(_ issuer: String) -> String? { RosterField.issuerProblem(issuer) }
}
