import OTPCore

/// `tokenforge activate`: a user's first code proves the app or token works; it is checked in a
/// window around the recorded drift, a replayed step is refused (RFC 6238 §5.2), and the step
/// and drift are recorded.
public enum UserActivation {
    public enum Outcome: Equatable, Sendable {
        case activated(step: UInt64, drift: Int)
    }

    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case notIssued(String, UserState)
        case disabled(String)
        case rejected(String)
        case replayed(String)
        case malformedCode(digits: Int)

        public var description: String {
            switch self {
            case .notIssued(let name, let state): "\(name) cannot be activated: state is \(state.rawValue)"
            case .disabled(let name): "\(name) is disabled: enable the user first"
            case .rejected(let name): "the code is not valid for \(name)"
            case .replayed(let name): "the code for \(name) was already used: wait for the next one"
            case .malformedCode(let digits): "a code is \(digits) digits"
            }
        }
    }

    public static func activate(
        _ username: String, code: String, at time: Int64, in register: Register, window: Int = 1
    ) throws -> Outcome {
        let user = try register.user(username)
        guard user.state.isIssued else { throw Failure.notIssued(username, user.state) }
        guard user.enabled else { throw Failure.disabled(username) }
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
            return .activated(step: step, drift: drift)
        case .replayed:
            throw Failure.replayed(username)
        case .rejected:
            throw Failure.rejected(username)
        }
    }
}
