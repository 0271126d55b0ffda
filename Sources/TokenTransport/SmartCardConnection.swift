/// A smart-card reader as PC/SC lists it, with the ATR of the card in it when there is one.
public struct SmartCardReaderInfo: Equatable, Sendable {
    public var name: String
    /// The card's answer to reset; nil when the reader is empty.
    public var atr: [UInt8]?

    public init(name: String, atr: [UInt8]?) {
        self.name = name
        self.atr = atr
    }
}

/// Where smart-card readers are found and their cards connected: PC/SC on a real machine,
/// virtual cards in tests.
public protocol SmartCardBus {
    /// Every reader known now, with the card in it.
    func readers() throws(SmartCardError) -> [SmartCardReaderInfo]
    /// Connects to the card in `reader`, exclusively.
    func connect(_ reader: SmartCardReaderInfo) throws(SmartCardError) -> any SmartCardConnection
}

/// A connected card: one command APDU out, its response APDU back.
public protocol SmartCardConnection: AnyObject {
    var reader: SmartCardReaderInfo { get }
    /// Sends one command APDU and returns the response APDU (data ‖ SW1 SW2).
    func transmit(_ apdu: [UInt8]) throws(SmartCardError) -> [UInt8]
}

/// A failed smart-card operation, with the service's own explanation.
public enum SmartCardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The PC/SC service (pcscd) is not running or cannot be reached.
    case serviceUnavailable(String)
    /// No reader is connected.
    case noReader
    /// The reader is empty.
    case noCard(reader: String)
    /// The card went away, or was reset by another program, during the operation.
    case cardRemoved(reader: String)
    /// Another program holds the card.
    case sharingViolation(reader: String)
    /// The card did not answer in time.
    case timedOut(reader: String)
    case failed(operation: String, reason: String)

    public var description: String {
        switch self {
        case .serviceUnavailable(let reason): "the PC/SC service is not available (is pcscd running?): \(reason)"
        case .noReader: "no smart-card reader is connected"
        case .noCard(let reader): "there is no card in \(reader)"
        case .cardRemoved(let reader): "the card in \(reader) was removed"
        case .sharingViolation(let reader):
            "another program is using the card in \(reader): close it (ykman, a browser, gpg's scdaemon) and try again"
        case .timedOut(let reader): "the card in \(reader) did not answer in time"
        case .failed(let operation, let reason): "\(operation) failed: \(reason)"
        }
    }
}
