public import TokenDrivers

/// Where issuance gets the token for a user: a device the administrator inserts, or a virtual
/// token in the demo and tests.
public protocol TokenSource {
    /// A driver for the token with `serial`, or for the next suitable token inserted when `serial`
    /// is nil; not yet unlocked (issuance decides the PIN). `prompt` says whose token is wanted.
    func token(serial: String?, prompt: String) throws -> any OTPTokenDriver
    /// Options for programming (test tokens, plain import).
    var programmingOptions: SlotProgrammer.Options { get }
}
