public import TokenTransport
public import VirtualToken

/// A virtual OATH card in this process, reached through the real driver and codec: the smart-card
/// twin of `InProcessHIDConnection`.
public final class InProcessSmartCardConnection: SmartCardConnection {
    public let card: OATHCard
    public let reader: SmartCardReaderInfo

    public init(card: OATHCard, readerName: String = "Virtual PCD 00 00") {
        self.card = card
        reader = SmartCardReaderInfo(name: readerName, atr: OATHCard.atr)
    }

    /// A card that does not answer has timed out; an unplugged one was removed.
    public func transmit(_ apdu: [UInt8]) throws(SmartCardError) -> [UInt8] {
        let answer: [UInt8]?
        do { answer = try card.transmit(apdu) } catch { throw .cardRemoved(reader: reader.name) }
        guard let answer else { throw .timedOut(reader: reader.name) }
        return answer
    }
}
