import OTPCore

/// Whether a seed may cross USB in clear or to a test-signed token.
public struct SeedImportPolicy: Sendable, Equatable {
    public var allowTestTokens: Bool
    public var allowPlainImport: Bool

    public init(allowTestTokens: Bool = false, allowPlainImport: Bool = false) {
        self.allowTestTokens = allowTestTokens
        self.allowPlainImport = allowPlainImport
    }
}

/// What a slot write did.
public struct WrittenSlot: Sendable, Equatable {
    public let slot: SlotIndex
    /// Whether the seed crossed USB encrypted.
    public let encrypted: Bool
    /// The name the token keeps when it is not issuer and account as given (a Nitrokey's 15 bytes).
    public let storedName: String?

    public init(slot: SlotIndex, encrypted: Bool, storedName: String? = nil) {
        self.slot = slot
        self.encrypted = encrypted
        self.storedName = storedName
    }
}

/// A token's identity and state, the same for every family.
public struct OTPTokenInfo: Sendable, Equatable {
    public var serial: String
    public var family: String
    public var firmware: String
    public var slotCount: Int
    public var freeSlots: Int
    public var algorithms: [OTPAlgorithm]
    /// The token's clock; nil when never set, or when the token cannot report it.
    public var time: UInt64?
    public var pinSet: Bool
    /// Tries left for the PIN `verifyPIN` takes (a Nitrokey's admin PIN).
    public var pinRetries: Int
    /// A Nitrokey's user PIN tries.
    public var userPINRetries: Int?
    public var encryptedSeedImport: Bool

    public init(
        serial: String, family: String, firmware: String, slotCount: Int, freeSlots: Int, algorithms: [OTPAlgorithm],
        time: UInt64?, pinSet: Bool, pinRetries: Int, userPINRetries: Int? = nil, encryptedSeedImport: Bool
    ) {
        self.serial = serial
        self.family = family
        self.firmware = firmware
        self.slotCount = slotCount
        self.freeSlots = freeSlots
        self.algorithms = algorithms
        self.time = time
        self.pinSet = pinSet
        self.pinRetries = pinRetries
        self.userPINRetries = userPINRetries
        self.encryptedSeedImport = encryptedSeedImport
    }
}

/// The limits and behaviour of one family (and firmware): what may be programmed, what needs the PIN.
public struct OTPTokenCapabilities: Sendable, Equatable {
    /// "the Nitrokey Pro" — the subject of refusals.
    public var familyName: String
    public var algorithms: [OTPAlgorithm]
    public var digits: [Int]
    public var secretBytes: ClosedRange<Int>
    public var totpPeriods: ClosedRange<UInt32>
    /// Codes for any time (CALCULATE with a time), or only on the token's own clock.
    public var codesAtAnyTime: Bool
    public var readableClock: Bool
    /// Listing slots and reading codes need the PIN.
    public var pinToRead: Bool
    public var pinToSetClock: Bool
    public var pinToFactoryReset: Bool
    /// The token always has a PIN, a factory default one at first.
    public var alwaysHasPIN: Bool
    /// The PINs the token takes (`verifyPIN`'s: a Nitrokey's admin PIN).
    public var pinRule: PINRule
    /// Issuer and account are each at most this many UTF-8 bytes.
    public var nameBytes: Int
    public var encryptedSeedImport: Bool
    /// A firmware note for refusals ("firmware 0.7 takes 20; 0.8 and later take 40").
    public var note: String?

    public init(
        familyName: String, algorithms: [OTPAlgorithm], digits: [Int], secretBytes: ClosedRange<Int>,
        totpPeriods: ClosedRange<UInt32>, codesAtAnyTime: Bool, readableClock: Bool, pinToRead: Bool,
        pinToSetClock: Bool, pinToFactoryReset: Bool, alwaysHasPIN: Bool, pinRule: PINRule, nameBytes: Int, encryptedSeedImport: Bool,
        note: String? = nil
    ) {
        self.familyName = familyName
        self.algorithms = algorithms
        self.digits = digits
        self.secretBytes = secretBytes
        self.totpPeriods = totpPeriods
        self.codesAtAnyTime = codesAtAnyTime
        self.readableClock = readableClock
        self.pinToRead = pinToRead
        self.pinToSetClock = pinToSetClock
        self.pinToFactoryReset = pinToFactoryReset
        self.alwaysHasPIN = alwaysHasPIN
        self.pinRule = pinRule
        self.nameBytes = nameBytes
        self.encryptedSeedImport = encryptedSeedImport
        self.note = note
    }

    /// "the Nitrokey Pro supports SHA1 only, 6 or 8 digits, secrets up to 40 bytes".
    public var summary: String {
        let algorithmText =
            algorithms.count == 1
            ? "\(algorithms[0].rawValue) only" : algorithms.map(\.rawValue).joined(separator: ", ")
        let digitText =
            digits.count == 2 ? "\(digits[0]) or \(digits[1]) digits" : "\(digits.first!) to \(digits.last!) digits"
        return "\(familyName) supports \(algorithmText), \(digitText), secrets up to \(secretBytes.upperBound) bytes"
            + (note.map { " (\($0))" } ?? "")
    }

    /// Refuses, before anything is written, a credential this token cannot hold; the message says
    /// what the token supports and what was asked.
    public func check(_ configuration: SlotConfiguration, secretBytes count: Int) throws(TokenError) {
        if !algorithms.contains(configuration.algorithm) {
            throw .unsupported("\(summary): \(configuration.algorithm.rawValue) was asked")
        }
        if !digits.contains(configuration.digits) {
            throw .unsupported("\(summary): \(configuration.digits) digits were asked")
        }
        if !secretBytes.contains(count) {
            throw .unsupported("\(summary): the secret is \(count) bytes")
        }
        if configuration.issuer.utf8.count > nameBytes || configuration.account.utf8.count > nameBytes {
            throw .unsupported("\(familyName) keeps issuer and account names of at most \(nameBytes) bytes each")
        }
        if case .hotp(let counter) = configuration.kind, counter == .max {
            throw .unsupported(
                "an HOTP counter of 2^64-1 cannot be programmed: the token could never step past it; use a lower counter"
            )
        }
        if case .totp(let period) = configuration.kind, !totpPeriods.contains(period) {
            throw .unsupported(
                "\(familyName) takes TOTP periods of \(totpPeriods.lowerBound) to \(totpPeriods.upperBound) s: \(period) s was asked"
            )
        }
    }
}
