import Foundation
import OTPCore

/// The secret of an account being created (`uri`, `qr --account`): from a file or
/// TOKENFORGE_SECRET when given, else new from the system CSPRNG.
enum AccountSecret {
    /// The Base32 secret in `file` ("-" for standard input) or, without a file, in
    /// TOKENFORGE_SECRET; nil when neither is given.
    static func existing(
        file: String?, allowingWeak: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Secret? {
        let text: String
        let origin: String
        if let file {
            text = try SecretInput.read(file)
            origin = SecretInput.name(file)
        } else if let value = environment["TOKENFORGE_SECRET"], !value.isEmpty {
            text = value
            origin = "TOKENFORGE_SECRET"
        } else {
            return nil
        }
        let secret: Secret
        do {
            secret = try Secret(base32: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw CLIFailure.badInput("\(origin): \(error)")
        }
        try SecretStrength.check(byteCount: secret.byteCount, label: nil, allowingWeak: allowingWeak)
        return secret
    }

    /// The given secret, or a new one of `byteCount` bytes; `generated` tells which.
    static func existingOrNew(file: String?, byteCount: Int, allowingWeak: Bool) throws -> (
        secret: Secret, generated: Bool
    ) {
        if let secret = try existing(file: file, allowingWeak: allowingWeak) { return (secret, false) }
        return (Secret.random(byteCount: byteCount), true)
    }
}
