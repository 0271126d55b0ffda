import OTPCore

/// A pre-seeded OTP token that cannot be programmed (a display token: Feitian c200, Token2 and
/// the like), its seed imported from the vendor's PSKC file into the register's inventory. Its
/// seed stays sealed; it is given to one user, never changed, and retired with that user.
public struct DisplayToken: Equatable, Sendable {
    /// How the token counts: by time or by button presses.
    public enum Kind: Equatable, Sendable {
        case totp(period: Int)
        case hotp(counter: UInt64)
    }

    /// Where the token is in its life.
    public enum Status: Equatable, Sendable {
        /// In the inventory, given to nobody yet.
        case free
        case assigned(to: String, at: Int64)
        /// Its user was revoked or given another token: its seed is destroyed and it is never given again.
        case retired(at: Int64, user: String?)
    }

    public var serial: String
    public var manufacturer: String?
    public var model: String?
    public var kind: Kind
    public var algorithm: OTPAlgorithm
    public var digits: Int
    /// The PSKC file it came from, as named when imported.
    public var source: String
    public var importedAt: Int64
    public var status: Status

    /// "Feitian c200", or what the file says of it.
    public var modelName: String {
        [manufacturer, model].compactMap { $0 }.joined(separator: " ").nonEmpty ?? "display token"
    }

    /// "TOTP SHA1, 6 digits, 30 s" or "HOTP SHA1, 6 digits, counter 5".
    public var parameters: String {
        switch kind {
        case .totp(let period): "TOTP \(algorithm.rawValue), \(digits) digits, \(period) s"
        case .hotp(let counter): "HOTP \(algorithm.rawValue), \(digits) digits, counter \(counter)"
        }
    }
}

/// A display token read from a vendor's file, checked, before it is stored.
public struct NewDisplayToken: Sendable {
    public let serial: String
    public let manufacturer: String?
    public let model: String?
    public let kind: DisplayToken.Kind
    public let algorithm: OTPAlgorithm
    public let digits: Int
    public let secret: Secret

    public init(
        serial: String, manufacturer: String?, model: String?, kind: DisplayToken.Kind, algorithm: OTPAlgorithm,
        digits: Int, secret: Secret
    ) {
        self.serial = serial
        self.manufacturer = manufacturer
        self.model = model
        self.kind = kind
        self.algorithm = algorithm
        self.digits = digits
        self.secret = secret
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}
