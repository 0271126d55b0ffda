/// A token the server should delete: one a change-only export does not replace by itself.
public struct Removal: Sendable, Equatable, Hashable {
    /// Why the token goes.
    public enum Reason: String, Sendable, CaseIterable, Codable {
        /// The user was revoked.
        case revoked
        /// The user was given a new seed (`reissue`): this is the old token, with the old seed.
        case replaced
        /// The user was disabled; no export format here can say "disabled", so the token goes
        /// and comes back in a later export once the user is enabled again.
        case disabled
    }

    public let serial: String
    public let username: String
    public let reason: Reason

    public init(serial: String, username: String, reason: Reason) {
        self.serial = serial
        self.username = username
        self.reason = reason
    }
}

/// The removals list beside an export: `serial,username,reason`, one token per line, to delete on
/// the server before importing the export's file (a replaced token may keep its serial). RFC 4180
/// quoting, CRLF line ends; a cell a spreadsheet would read as a formula starts with an apostrophe.
public enum RemovalList {
    public static let header = "serial,username,reason"

    /// The list's text: the header, then `removals` in the order given.
    public static func export(_ removals: [Removal]) -> String {
        removals.reduce(header + "\r\n") { text, removal in
            text + CSVCell.row([removal.serial, removal.username, removal.reason.rawValue]) + "\r\n"
        }
    }
}
