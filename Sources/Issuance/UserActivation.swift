import OTPCore

/// `tokenforge activate`: a user's first code proves the app or token works; it is checked in a
/// window around the recorded drift, a replayed step is refused (RFC 6238 §5.2), and the step
/// and drift are recorded. Wrong codes are counted: at `attemptLimit` the user is locked until
/// `tokenforge unlock` (RFC 4226 §7.3 asks for such a throttle).
public enum UserActivation {
    /// The widest window `activate` accepts, in steps on each side (5 minutes at 30 s).
    public static let maximumWindow = 10
    /// How far past the window a code is still recognised, to say the clock is off.
    static let clockHintSteps = 40
    public static let defaultAttemptLimit = 5

    public enum Outcome: Equatable, Sendable {
        /// `wasActive`: the user had already been activated; the code was accepted again.
        case activated(step: UInt64, drift: Int, wasActive: Bool)
    }

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notIssued(String, UserState)
        case revoked(String)
        case disabled(String)
        case locked(String, attempts: Int)
        /// A wrong code; `attemptsLeft` before the user is locked (0: locked now).
        case rejected(String, attemptsLeft: Int)
        /// A code that is right for a time `seconds` away from now: the device's clock is off.
        case clockOff(String, seconds: Int, window: Int, attemptsLeft: Int)
        case replayed(String)
        case malformedCode(digits: Int)
        case windowOutOfRange(Int)

        public var description: String {
            switch self {
            case .notIssued(let name, let state): "\(name) cannot be activated: state is \(state.rawValue)"
            case .revoked(let name): "\(name) is revoked: give them a new seed with tokenforge reissue \(name)"
            case .disabled(let name): "\(name) is disabled: enable the user first"
            case .locked(let name, let attempts):
                "\(name) is locked after \(attempts) wrong codes: check with them, then tokenforge unlock \(name)"
            case .rejected(let name, let left):
                left == 0
                    ? "the code is not valid for \(name); \(name) is now locked: tokenforge unlock \(name) after checking with them"
                    : "the code is not valid for \(name) (\(left) attempt\(left == 1 ? "" : "s") left before the user is locked)"
            case .clockOff(let name, let seconds, let window, let left):
                "the code is not valid for \(name) now, but it is for \(abs(seconds)) s \(seconds < 0 ? "earlier" : "later"): "
                    + "the device's clock seems \(abs(seconds)) s \(seconds < 0 ? "slow" : "fast"); set it right"
                    + (window <= UserActivation.maximumWindow ? ", or accept it with --window \(window)" : "")
                    + (left == 0 ? "; \(name) is now locked" : " (\(left) attempt\(left == 1 ? "" : "s") left)")
            case .replayed(let name): "the code for \(name) was already used: wait for the next one"
            case .malformedCode(let digits): "a code is \(digits) digits (spaces and dashes may separate them)"
            case .windowOutOfRange(let window): "--window \(window) is not in 0...\(UserActivation.maximumWindow)"
            }
        }
    }

    /// The code as typed, without the spaces and dashes apps show in it ("336 267").
    static func normalised(_ code: String) -> String {
        String(code.filter { !($0.isWhitespace || $0 == "-" || $0 == "\u{2010}" || $0 == "\u{2011}") })
    }

    public static func activate(
        _ username: String, code typed: String, at time: Int64, in register: Register, window: Int = 1,
        attemptLimit: Int = defaultAttemptLimit
    ) throws -> Outcome {
        guard (0...maximumWindow).contains(window) else { throw Failure.windowOutOfRange(window) }
        let user = try register.user(username)
        if user.state == .revoked { throw Failure.revoked(username) }
        guard user.state.isIssued else { throw Failure.notIssued(username, user.state) }
        guard user.enabled else { throw Failure.disabled(username) }
        if user.locked { throw Failure.locked(username, attempts: user.failedAttempts) }
        let code = normalised(typed)
        guard code.count == user.digits, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Failure.malformedCode(digits: user.digits)
        }
        let generator = try TOTPGenerator(
            secret: try register.seed(of: user), algorithm: user.algorithm, digits: user.digits, period: user.period)
        switch try TOTPVerifier(generator: generator, window: window).verify(
            code, at: time, expectedDrift: user.drift, lastAcceptedStep: user.lastStep)
        {
        case .accepted(let step, let drift):
            try register.recordActivation(username, step: step, drift: drift)
            return .activated(step: step, drift: drift, wasActive: user.state == .active)
        case .replayed:
            throw Failure.replayed(username)
        case .rejected:
            let wider = try TOTPVerifier(generator: generator, window: clockHintSteps).verify(
                code, at: time, expectedDrift: user.drift, lastAcceptedStep: user.lastStep)
            let (attempts, _) = try register.recordFailedAttempt(
                username, limit: attemptLimit, detail: "wrong code")
            let left = max(0, attemptLimit - attempts)
            if case .accepted(_, let drift) = wider {
                let needed = abs(drift - user.drift)
                throw Failure.clockOff(
                    username, seconds: drift * user.period, window: needed,
                    attemptsLeft: left)
            }
            throw Failure.rejected(username, attemptsLeft: left)
        }
    }
}
