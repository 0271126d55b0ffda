internal import CPCSCLite
public import TokenTransport

/// The smart-card bus through pcsc-lite (libpcsclite and the pcscd service): every C call and
/// pointer of the package's PC/SC use is in this file.
public final class PCSCBus: SmartCardBus {
    private let context: SCARDCONTEXT

    /// Connects to the PC/SC service.
    public init() throws(SmartCardError) {
        var context: SCARDCONTEXT = 0
        let result = SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context)
        guard result == SCARD_S_SUCCESS else { throw PCSCStatus(result).error(operation: "SCardEstablishContext", reader: "") }
        self.context = context
    }

    deinit { SCardReleaseContext(context) }

    public func readers() throws(SmartCardError) -> [SmartCardReaderInfo] {
        var length: DWORD = 0
        var result = SCardListReaders(context, nil, nil, &length)
        if PCSCStatus(result) == .noReaders { return [] }
        guard result == SCARD_S_SUCCESS else { throw PCSCStatus(result).error(operation: "SCardListReaders", reader: "") }
        var buffer = [CChar](repeating: 0, count: Int(length))
        result = SCardListReaders(context, nil, &buffer, &length)
        if PCSCStatus(result) == .noReaders { return [] }
        guard result == SCARD_S_SUCCESS else { throw PCSCStatus(result).error(operation: "SCardListReaders", reader: "") }
        let names = buffer.split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        var readers: [SmartCardReaderInfo] = []
        for name in names {
            readers.append(SmartCardReaderInfo(name: name, atr: try atr(of: name)))
        }
        return readers
    }

    /// The ATR of the card in `reader`, nil when it is empty (SCardGetStatusChange without waiting).
    private func atr(of reader: String) throws(SmartCardError) -> [UInt8]? {
        let (result, atr) = reader.withCString { name -> (LONG, [UInt8]?) in
            var state = SCARD_READERSTATE()
            state.szReader = name
            state.dwCurrentState = DWORD(SCARD_STATE_UNAWARE)
            let result = SCardGetStatusChange(context, 0, &state, 1)
            guard result == SCARD_S_SUCCESS, state.dwEventState & DWORD(SCARD_STATE_PRESENT) != 0 else { return (result, nil) }
            return (result, withUnsafeBytes(of: state.rgbAtr) { Array($0.prefix(Int(state.cbAtr))) })
        }
        guard result == SCARD_S_SUCCESS else {
            throw PCSCStatus(result).error(operation: "SCardGetStatusChange", reader: reader)
        }
        return atr
    }

    public func connect(_ reader: SmartCardReaderInfo) throws(SmartCardError) -> any SmartCardConnection {
        var handle: SCARDHANDLE = 0
        var protocolInUse: DWORD = 0
        let result = SCardConnect(
            context, reader.name, DWORD(SCARD_SHARE_EXCLUSIVE), DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &handle,
            &protocolInUse)
        guard result == SCARD_S_SUCCESS else { throw PCSCStatus(result).error(operation: "SCardConnect", reader: reader.name) }
        return PCSCConnection(bus: self, handle: handle, protocolInUse: protocolInUse, reader: reader)
    }
}

/// A card connected exclusively; disconnected (left as it is) when dropped. It keeps its bus, whose
/// context the handle belongs to.
final class PCSCConnection: SmartCardConnection {
    let reader: SmartCardReaderInfo
    private let bus: PCSCBus
    private let handle: SCARDHANDLE
    private let protocolInUse: DWORD

    init(bus: PCSCBus, handle: SCARDHANDLE, protocolInUse: DWORD, reader: SmartCardReaderInfo) {
        self.bus = bus
        self.handle = handle
        self.protocolInUse = protocolInUse
        self.reader = reader
    }

    deinit { SCardDisconnect(handle, DWORD(SCARD_LEAVE_CARD)) }

    func transmit(_ apdu: [UInt8]) throws(SmartCardError) -> [UInt8] {
        var response = [UInt8](repeating: 0, count: 258)
        var length = DWORD(response.count)
        let result = SCardTransmit(handle, cpcsc_pci(protocolInUse), apdu, DWORD(apdu.count), nil, &response, &length)
        guard result == SCARD_S_SUCCESS else { throw PCSCStatus(result).error(operation: "SCardTransmit", reader: reader.name) }
        return Array(response.prefix(Int(length)))
    }
}

/// A pcsc-lite result code, with the ones TokenForge tells apart.
struct PCSCStatus: Equatable {
    let code: LONG
    init(_ code: LONG) { self.code = code }

    static let noService = PCSCStatus(LONG(bitPattern: 0x8010_001D))
    static let serviceStopped = PCSCStatus(LONG(bitPattern: 0x8010_001E))
    static let noReaders = PCSCStatus(LONG(bitPattern: 0x8010_002E))
    static let noSmartCard = PCSCStatus(LONG(bitPattern: 0x8010_000C))
    static let removedCard = PCSCStatus(LONG(bitPattern: 0x8010_0069))
    static let resetCard = PCSCStatus(LONG(bitPattern: 0x8010_0068))
    static let sharingViolation = PCSCStatus(LONG(bitPattern: 0x8010_000B))
    static let timeout = PCSCStatus(LONG(bitPattern: 0x8010_000A))
    static let readerUnavailable = PCSCStatus(LONG(bitPattern: 0x8010_0017))

    func error(operation: String, reader: String) -> SmartCardError {
        switch self {
        case .noService, .serviceStopped: .serviceUnavailable(text)
        case .noReaders: .noReader
        case .noSmartCard: .noCard(reader: reader)
        case .removedCard, .resetCard, .readerUnavailable: .cardRemoved(reader: reader)
        case .sharingViolation: .sharingViolation(reader: reader)
        case .timeout: .timedOut(reader: reader)
        default: .failed(operation: operation, reason: text)
        }
    }

    var text: String { String(cString: pcsc_stringify_error(code)) }
}
