import Foundation
import OTPCore
import PrivacyIDEA

/// Brings privacyIDEA in line with the register: each issued user's token created with their
/// current seed, disabled or enabled as the user is, deleted when they are revoked, replaced when
/// they were reissued. A token in the realm the register does not know is reported, never touched.
/// Each change is recorded in the register as soon as the server made it, so a run that stops
/// halfway leaves both consistent, and a second run changes nothing.
public enum ServerSync {
    public enum Change: Equatable, Sendable, CustomStringConvertible {
        case create(user: String, serial: String, enabled: Bool)
        case replace(user: String, old: String, serial: String, enabled: Bool)
        case enable(user: String, serial: String)
        case disable(user: String, serial: String)
        case delete(user: String, serial: String)
        /// The register remembers a token the server no longer has.
        case forget(user: String, serial: String)

        public var description: String {
            switch self {
            case .create(let user, let serial, let enabled):
                "\(user): create token \(serial)\(enabled ? "" : " (disabled)")"
            case .replace(let user, let old, let serial, let enabled):
                "\(user): replace token \(old) with \(serial) (new seed)\(enabled ? "" : " (disabled)")"
            case .enable(let user, let serial): "\(user): enable token \(serial)"
            case .disable(let user, let serial): "\(user): disable token \(serial)"
            case .delete(let user, let serial): "\(user): delete token \(serial)"
            case .forget(let user, let serial): "\(user): token \(serial) is no longer on the server"
            }
        }
    }

    public struct Report: Equatable, Sendable {
        public var changes: [Change] = []
        /// Tokens in the realm that TokenForge did not push: reported, left alone.
        public var unknown: [ServerToken] = []
    }

    /// The serial a user's token has on the server: the hardware serial, or APP-USER for apps.
    static func serial(of user: RegisteredUser) -> String { user.tokenSerial ?? "APP-\(user.entry.username)" }

    /// What would bring the server in line with the register.
    public static func plan(users: [RegisteredUser], server: [ServerToken]) -> Report {
        let onServer = Dictionary(server.map { ($0.serial, $0) }) { first, _ in first }
        var report = Report()
        var known: Set<String> = []
        for user in users {
            let name = user.entry.username
            let wanted = serial(of: user)
            if let recorded = user.server { known.insert(recorded.serial) }
            let present = user.server.flatMap { onServer[$0.serial] }
            if user.state == .revoked {
                if let recorded = user.server {
                    report.changes.append(
                        present == nil ? .forget(user: name, serial: recorded.serial) : .delete(user: name, serial: recorded.serial))
                }
                continue
            }
            guard user.state.isIssued else { continue }
            guard let recorded = user.server else {
                if onServer[wanted] == nil {
                    report.changes.append(.create(user: name, serial: wanted, enabled: user.enabled))
                    known.insert(wanted)
                }
                continue
            }
            guard let present else {
                report.changes.append(.create(user: name, serial: wanted, enabled: user.enabled))
                known.insert(wanted)
                continue
            }
            if recorded.generation != user.generation || recorded.serial != wanted {
                report.changes.append(.replace(user: name, old: recorded.serial, serial: wanted, enabled: user.enabled))
                known.insert(wanted)
            } else if present.active != user.enabled {
                report.changes.append(
                    user.enabled ? .enable(user: name, serial: wanted) : .disable(user: name, serial: wanted))
            }
        }
        report.unknown = server.filter { !known.contains($0.serial) }
        return report
    }

    /// Logs nothing secret; applies `plan` unless `dryRun`, each change recorded as it is made.
    public static func push(
        register: Register, client: PrivacyIDEAClient, realm: String, dryRun: Bool, now: () -> Int64
    ) throws -> Report {
        let users = try register.users()
        let report = plan(users: users, server: try client.tokens(realm: realm))
        guard !dryRun else { return report }
        let byName = Dictionary(users.map { ($0.entry.username, $0) }) { first, _ in first }
        for change in report.changes {
            switch change {
            case .create(let name, let serial, let enabled), .replace(let name, _, let serial, let enabled):
                let user = byName[name]!
                if case .replace(_, let old, _, _) = change {
                    try client.delete(old)
                    try register.recordServer(name, nil, action: "server-deleted")
                }
                let secret = try register.seed(of: user)
                try client.create(
                    ServerTokenRequest(
                        serial: serial, type: "totp",
                        otpKeyHex: secret.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() },
                        digits: user.digits, hash: user.algorithm.rawValue.lowercased(), period: user.period,
                        user: name, realm: realm, description: "TokenForge, seed \(user.generation)"))
                if !enabled { try client.disable(serial) }
                try register.recordServer(
                    name, ServerRecord(serial: serial, generation: user.generation, enabled: enabled, pushedAt: now()),
                    action: "server-created")
            case .enable(let name, let serial):
                try client.enable(serial)
                try recordEnabled(true, for: byName[name]!, in: register, at: now())
            case .disable(let name, let serial):
                try client.disable(serial)
                try recordEnabled(false, for: byName[name]!, in: register, at: now())
            case .delete(let name, let serial):
                try client.delete(serial)
                try register.recordServer(name, nil, action: "server-deleted")
            case .forget(let name, _):
                try register.recordServer(name, nil, action: "server-forgotten")
            }
        }
        return report
    }

    private static func recordEnabled(_ enabled: Bool, for user: RegisteredUser, in register: Register, at time: Int64)
        throws
    {
        guard var record = user.server else { return }
        record.enabled = enabled
        record.pushedAt = time
        try register.recordServer(
            user.entry.username, record, action: enabled ? "server-enabled" : "server-disabled")
    }
}
