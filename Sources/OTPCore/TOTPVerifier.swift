/// The outcome of checking a code against a TOTP credential.
public enum TOTPVerification: Sendable, Equatable {
    /// The code matched `step`, `drift` steps away from the step of the verifier's clock.
    case accepted(step: UInt64, drift: Int)
    /// The code matched `step`, which is not after the last accepted step (RFC 6238 §5.2).
    case replayed(step: UInt64)
    /// The code matched no step in the window.
    case rejected
}

/// Checks TOTP codes in a window of steps around a time, with the RFC 6238 §5.2 replay rule.
public struct TOTPVerifier: Sendable {
    public let generator: TOTPGenerator
    /// The widest window checked: a wider one (or a negative one) is clamped to 0...this, so a
    /// check never costs more than 2 × 1000 + 1 codes.
    public static let maximumWindow = 1_000

    /// Steps accepted on each side of the expected one (RFC 6238 §5.2 recommends at most 1).
    public let window: Int

    public init(generator: TOTPGenerator, window: Int = 1) {
        self.generator = generator
        self.window = min(max(window, 0), Self.maximumWindow)
    }

    /// Checks `code` at `time`.
    ///
    /// - Parameters:
    ///   - expectedDrift: the drift recorded for this credential, in steps; the window is centred
    ///     on the clock's step plus this drift.
    ///   - lastAcceptedStep: the step of the last code accepted for this credential; a code for it
    ///     or an earlier step is refused as a replay.
    /// Every step in the window is computed and compared in constant time, whatever matches.
    public func verify(
        _ code: String, at time: Int64, expectedDrift: Int = 0, lastAcceptedStep: UInt64? = nil
    ) throws(OTPParameterError) -> TOTPVerification {
        let clockStep = Int64(clamping: try generator.step(at: time))
        guard let candidate = generator.hotp.numericValue(of: code) else { return .rejected }
        var accepted: UInt64?
        var replayed: UInt64?
        let (centre, overflow) = clockStep.addingReportingOverflow(Int64(expectedDrift))
        guard !overflow else { return .rejected }
        for offset in -window...window {
            let (step, past) = centre.addingReportingOverflow(Int64(offset))
            guard !past, step >= 0 else { continue }
            guard constantTimeEqual(generator.hotp.numericCode(counter: UInt64(step)), candidate) else { continue }
            if let last = lastAcceptedStep, UInt64(step) <= last {
                replayed = replayed ?? UInt64(step)
            } else {
                accepted = accepted ?? UInt64(step)
            }
        }
        if let accepted { return .accepted(step: accepted, drift: Int(clamping: Int64(accepted) &- clockStep)) }
        if let replayed { return .replayed(step: replayed) }
        return .rejected
    }
}
