public import TokenWire

/// Faults a test or the emulator arms on a virtual token's USB side (firmware-spec §10 lists what
/// real tokens and cables do).
public struct TransportFaults: Sendable, Equatable {
    /// Incoming reports to lose before the token sees them.
    public var dropIncoming = 0
    /// Outgoing reports to send twice.
    public var duplicateOutgoing = 0
    /// Outgoing reports to damage (one data byte flipped).
    public var corruptOutgoing = 0
    /// While set, the token receives but never answers.
    public var stalled = false
    /// A spec token stalls once it has carried out this command, so its answer is lost though its
    /// effect (a slot written) stays: a power cut or unplug between commit and answer.
    public var stallAfter: TokenCommand?
    /// While set, the token is unplugged: every report fails.
    public var disconnected = false

    public init() {}
}

/// A virtual token that is unplugged cannot take reports.
public struct DisconnectedError: Error, CustomStringConvertible {
    public var description: String { "the token is disconnected" }
}
