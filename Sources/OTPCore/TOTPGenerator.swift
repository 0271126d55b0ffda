/// Computes TOTP values (RFC 6238 §4): HOTP over the number of periods elapsed since T0.
public struct TOTPGenerator: Sendable {
    public let hotp: HOTPGenerator
    /// The time step X, in seconds.
    public let period: Int
    /// The Unix time the steps are counted from (RFC 6238 §4.1 T0).
    public let t0: Int64

    public init(
        secret: Secret, algorithm: OTPAlgorithm = .sha1, digits: Int = 6, period: Int = 30, t0: Int64 = 0
    ) throws(OTPParameterError) {
        guard period > 0 else { throw .nonPositivePeriod(period) }
        hotp = try HOTPGenerator(secret: secret, algorithm: algorithm, digits: digits)
        self.period = period
        self.t0 = t0
    }

    /// The time step T containing `time` (RFC 6238 §4.2).
    public func step(at time: Int64) throws(OTPParameterError) -> UInt64 {
        try elapsed(at: time) / UInt64(period)
    }

    /// The code valid at `time` (Unix seconds).
    public func code(at time: Int64) throws(OTPParameterError) -> String {
        hotp.code(counter: try step(at: time))
    }

    /// The code for time step `step`.
    public func code(step: UInt64) -> String {
        hotp.code(counter: step)
    }

    /// Seconds from `time` until the code changes.
    public func secondsRemaining(at time: Int64) throws(OTPParameterError) -> Int {
        period - Int(try elapsed(at: time) % UInt64(period))
    }

    /// The first and last second the code at `time` is valid, clamped to what `Int64` holds.
    public func validity(at time: Int64) throws(OTPParameterError) -> ClosedRange<Int64> {
        let start = time - Int64(try elapsed(at: time) % UInt64(period))
        let (end, overflow) = start.addingReportingOverflow(Int64(period) - 1)
        return start...(overflow ? Int64.max : end)
    }

    /// Seconds from T0 to `time`; every difference of two `Int64` with `time >= t0` fits a `UInt64`.
    private func elapsed(at time: Int64) throws(OTPParameterError) -> UInt64 {
        guard time >= t0 else { throw .timeBeforeEpoch(time: time, t0: t0) }
        return UInt64(bitPattern: time &- t0)
    }
}
