import OTPCore

/// What a slot holds besides its secret: everything a token may reveal when listing its slots.
public struct SlotConfiguration: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case totp(period: UInt32)
        case hotp(counter: UInt64)
    }

    public var kind: Kind
    public var algorithm: OTPAlgorithm
    public var digits: Int
    public var issuer: String
    public var account: String

    public init(kind: Kind, algorithm: OTPAlgorithm, digits: Int, issuer: String, account: String) {
        self.kind = kind
        self.algorithm = algorithm
        self.digits = digits
        self.issuer = issuer
        self.account = account
    }

    /// "issuer:account", or the account alone without an issuer.
    public var label: String { issuer.isEmpty ? account : "\(issuer):\(account)" }
}

/// A used slot as a token lists it: never its secret.
public struct SlotEntry: Equatable, Sendable {
    public var slot: SlotIndex
    public var configuration: SlotConfiguration

    public init(slot: SlotIndex, configuration: SlotConfiguration) {
        self.slot = slot
        self.configuration = configuration
    }
}

/// A code a token computed, and for HOTP the counter it was computed at.
public struct CalculatedCode: Equatable, Sendable {
    public var code: String
    public var counter: UInt64?

    public init(code: String, counter: UInt64?) {
        self.code = code
        self.counter = counter
    }
}
