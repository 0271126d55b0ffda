/// Why an operation on a token failed, the same for every family: decided once, where it
/// happens (transport, driver or workflow), so callers switch on it and never match on text.
public enum TokenError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The token did not answer `operation` (as its protocol names it) in time.
    case timedOut(operation: String?)
    /// The token went away (unplugged, card removed) before or during the operation.
    case disconnected(String)
    /// The connection failed in another way: the device cannot be opened, read or written.
    case transport(String)
    /// The token's answer breaks its protocol (garbage, wrong length, an answer to another command).
    case protocolViolation(String)
    /// The slot asked for cannot be used as asked.
    case slot(SlotIndex?, SlotProblem)
    /// The PIN was wrong, blocked, missing or not acceptable.
    case pin(PINProblem)
    /// The token cannot do what was asked; the text says what it supports.
    case unsupported(String)
    /// The token refused `operation` for a reason its protocol states.
    case refused(operation: String, reason: String)
    /// TokenForge's policy refuses to send seeds to this token as asked.
    case untrusted(TrustProblem)
    /// A change was made but does not read back as written: the token is not in the state asked for.
    case verificationFailed(String)
    /// The token's answer was lost after a slot write was sent (`detail` says how): the slot may
    /// hold the new seed or the old content, and only reading it tells.
    case writeUnconfirmed(SlotIndex, detail: String)

    public var description: String {
        switch self {
        case .timedOut(let operation):
            "the token did not answer\(operation.map { " \($0)" } ?? "") in time: check that it is plugged in"
        case .disconnected(let detail): "the token was disconnected (\(detail)): plug it in and try again"
        case .transport(let detail): detail
        case .protocolViolation(let detail): "the token sent a malformed response: \(detail)"
        case .slot(let slot, let problem): problem.description(slot)
        case .pin(let problem): problem.description
        case .unsupported(let detail): detail
        case .refused(let operation, let reason): "the token refused \(operation): \(reason)"
        case .untrusted(let problem): problem.description
        case .verificationFailed(let detail): detail
        case .writeUnconfirmed(let slot, let detail):
            "\(detail); \(slot) may have been written: check with `tokenforge slots` and `tokenforge code --slot \(slot.rawValue)`"
        }
    }

    /// A slot written whose code does not match the host's.
    public static func slotNotVerified(_ slot: SlotIndex) -> TokenError {
        .verificationFailed(
            "\(slot) was written but its code does not match the host's: the slot is not usable, erase it and program again")
    }
}

/// What is wrong with the slot asked for.
public enum SlotProblem: Equatable, Sendable {
    /// The token has no such slot; the text says which it has.
    case outOfRange(String)
    /// The slot is in use and overwriting was not asked for.
    case occupied
    /// Every slot (of the kind asked for) is in use.
    case full(String)
    /// The slot holds nothing.
    case empty
    /// The slot holds another kind of credential than asked (a Nitrokey's TOTP and HOTP slots).
    case wrongKind(String)

    func description(_ slot: SlotIndex?) -> String {
        let name = slot.map { "\($0)" } ?? "the slot"
        return switch self {
        case .outOfRange(let layout): "\(name) does not exist: \(layout)"
        case .occupied: "\(name) is in use (pass --force to replace it)"
        case .full(let kind): "every \(kind)slot is in use"
        case .empty: "\(name) is not programmed"
        case .wrongKind(let detail): "\(name) cannot be used: \(detail)"
        }
    }
}

/// What is wrong with the PIN.
public enum PINProblem: Equatable, Sendable {
    case wrong(retriesLeft: Int)
    /// Too many wrong tries of `pin` (what the token calls it); the text says how the token is recovered.
    case blocked(pin: String, recovery: String)
    /// The operation needs the PIN verified first.
    case required(operation: String)
    /// The token has no PIN yet.
    case notSet
    /// The token does not take this PIN; the text says which it takes.
    case policy(String)

    public var description: String {
        switch self {
        case .wrong(let retries):
            "wrong PIN: \(retries) \(retries == 1 ? "try" : "tries") left before the token locks"
        case .blocked(let pin, let recovery): "the \(pin) is blocked after too many wrong tries: \(recovery)"
        case .required(let operation):
            "the token did not authorise \(operation): give the PIN (--pin-file, TOKENFORGE_PIN or the prompt)"
        case .notSet: "the token has no PIN yet: set one with `tokenforge pin set`"
        case .policy(let rule): rule
        }
    }
}

/// Why TokenForge will not send a seed to the token.
public enum TrustProblem: Equatable, Sendable {
    case notGenuine
    case testToken
    case plainImport

    public var description: String {
        switch self {
        case .notGenuine:
            "the token's attestation does not verify: it is not a genuine token, refusing to send it seeds"
        case .testToken:
            "the token is signed with the public test manufacturer key (a virtual or development token): pass --allow-test-tokens to use it"
        case .plainImport:
            "the token cannot receive encrypted seeds: pass --allow-plain-import to send the seed unencrypted over USB"
        }
    }
}
