import TokenModel
import Testing
import TokenWire
import VirtualToken

struct FramingTests {
    func report(_ channel: ChannelID, _ marker: UInt8, _ rest: [UInt8]) -> [UInt8] {
        let header = withUnsafeBytes(of: channel.rawValue.bigEndian, Array.init) + [marker] + rest
        return header + [UInt8](repeating: 0, count: 64 - header.count)
    }

    @Test func longMessagesCrossContinuationPackets() throws {
        let host = try TestHost(token: makeToken())
        let payload = (0..<1_000).map { UInt8($0 % 251) }
        #expect(try host.exchange(Frame(channel: host.channel, command: .ping, payload: payload)).payload == payload)
    }

    @Test func aContinuationOutOfSequenceIsRefused() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        _ = try token.receive(report(host.channel, 0x81, [0x00, 100]))
        let replies = try token.receive(report(host.channel, 0x01, []))
        #expect(replies == [report(host.channel, 0xBF, [0x00, 0x01, 0x04])])
    }

    @Test func anotherChannelIsToldTheTokenIsBusy() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        let other = try host.allocateChannel(nonce: [8, 7, 6, 5, 4, 3, 2, 1])
        _ = try token.receive(report(host.channel, 0x81, [0x00, 100]))
        #expect(try token.receive(report(other, 0x81, [0x00, 1, 0xAA])) == [report(other, 0xBF, [0x00, 0x01, 0x06])])
    }

    @Test func aMessageLeftUnfinishedTimesOut() throws {
        let clock = ManualDeviceClock()
        let token = try makeToken(clock: clock)
        let host = try TestHost(token: token)
        _ = try token.receive(report(host.channel, 0x81, [0x00, 100]))
        clock.advance(milliseconds: 501)
        #expect(token.expireStalledMessage() == [report(host.channel, 0xBF, [0x00, 0x01, 0x05])])
    }

    @Test func tooLongAMessageIsRefused() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        #expect(
            try token.receive(report(host.channel, 0x83, [0x08, 0x01])) == [
                report(host.channel, 0xBF, [0x00, 0x01, 0x03])
            ])
    }

    @Test func unknownTransportCommandsAreRefused() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        #expect(
            try token.receive(report(host.channel, 0x99, [0x00, 0x00])) == [
                report(host.channel, 0xBF, [0x00, 0x01, 0x01])
            ])
    }

    @Test func initOnAnAllocatedChannelResynchronisesAndEndsItsSession() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        try host.unlock()
        _ = try token.receive(report(host.channel, 0x81, [0x00, 100]))
        let reply = try host.exchange(
            Frame(channel: host.channel, command: .initialise, payload: [1, 1, 1, 1, 1, 1, 1, 1]))
        #expect(reply.payload[8..<12].elementsEqual(withUnsafeBytes(of: host.channel.rawValue.bigEndian, Array.init)))
        #expect(try host.send(.listSlots(start: SlotIndex(0))).status == .pinRequired)
    }

    @Test func theNinthChannelEvictsTheLeastRecentlyUsed() throws {
        let host = try TestHost(token: makeToken())
        try host.unlock()
        for index in 0..<8 { _ = try host.allocateChannel(nonce: [UInt8](repeating: UInt8(index), count: 8)) }
        #expect(try host.exchange(Frame(channel: host.channel, command: .ping, payload: [1])).command == .error)
    }

    @Test func applicationErrorsForMalformedMessages() throws {
        let host = try TestHost(token: makeToken())
        func status(_ payload: [UInt8]) throws -> TokenStatus {
            try TokenResponse(
                decoding: host.exchange(Frame(channel: host.channel, command: .message, payload: payload)).payload
            ).status
        }
        #expect(try status([]) == .malformed)
        #expect(try status([0x77]) == .unknownCommand)
        #expect(try status([0x03, 0x0D, 0x09, 0x31]) == .malformed)
        #expect(try status([0x03]) == .missingParameter)
        #expect(try status([0x09, 0x0B, 0x02, 0x00, 0x01]) == .malformed)
    }
}

struct TransportFaultTests {
    @Test func aDroppedReportGetsNoAnswer() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        token.faults.dropIncoming = 1
        #expect(throws: TestHostError.self) { try host.send(.getInfo) }
        #expect(try host.send(.getInfo).status == .ok)
    }

    @Test func aStalledTokenAnswersNothingUntilReleased() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        token.faults.stalled = true
        #expect(throws: TestHostError.self) { try host.send(.getInfo) }
        token.faults.stalled = false
        #expect(try host.send(.getInfo).status == .ok)
    }

    @Test func aDisconnectedTokenFailsEveryReport() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        token.faults.disconnected = true
        #expect(throws: DisconnectedError.self) { try host.send(.getInfo) }
    }

    @Test func duplicatedAndCorruptedReportsReachTheHost() throws {
        let token = try makeToken()
        let host = try TestHost(token: token)
        let request = try Framing.reports(for: Frame(channel: host.channel, command: .message, payload: [0x01]))
        token.faults.duplicateOutgoing = 1
        let doubled = try token.receive(request[0])
        #expect(doubled.count == 2 && doubled[0] == doubled[1])
        token.faults.corruptOutgoing = 1
        let damaged = try token.receive(request[0])
        #expect(damaged.count == 1 && damaged[0] != doubled[0])
    }
}
