import TokenModel
import Testing
import TokenWire

struct FramingCodecTests {
    let channel = ChannelID(rawValue: 0x0102_0304)

    @Test func aShortMessageIsOneZeroPaddedReport() throws {
        let reports = try Framing.reports(for: Frame(channel: channel, command: .message, payload: [0x01]))
        #expect(reports == [[0x01, 0x02, 0x03, 0x04, 0x83, 0x00, 0x01, 0x01] + [UInt8](repeating: 0, count: 56)])
    }

    @Test(arguments: [(0, 1), (57, 1), (58, 2), (116, 2), (117, 3), (2_048, 35)])
    func messagesSplitIntoInitialisationAndContinuationPackets(length: Int, count: Int) throws {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let reports = try Framing.reports(for: Frame(channel: channel, command: .ping, payload: payload))
        #expect(reports.count == count)
        #expect(reports.allSatisfy { $0.count == 64 })
        for (index, report) in reports.enumerated().dropFirst() { #expect(report[4] == UInt8(index - 1)) }
    }

    @Test func longerThanTheMaximumIsRefused() {
        let frame = Frame(channel: channel, command: .message, payload: [UInt8](repeating: 0, count: 2_049))
        #expect(throws: FramingError.invalidLength(2_049)) { try Framing.reports(for: frame) }
    }

    @Test func theAssemblerRebuildsEveryLengthExactly() throws {
        for length in [0, 1, 56, 57, 58, 59, 115, 116, 117, 500, 2_048] {
            let frame = Frame(channel: channel, command: .message, payload: (0..<length).map { UInt8($0 % 256) })
            var assembler = FrameAssembler()
            var outcomes: [FrameAssembler.Outcome] = []
            for report in try Framing.reports(for: frame) { outcomes.append(assembler.receive(report, now: 0)) }
            #expect(outcomes.last == .complete(frame))
            #expect(outcomes.dropLast().allSatisfy { $0 == .incomplete })
        }
    }

    @Test func messagesOneAfterAnotherOnOneAssembler() throws {
        var assembler = FrameAssembler()
        for length in [200, 3, 70, 0] {
            let frame = Frame(channel: channel, command: .ping, payload: [UInt8](repeating: 9, count: length))
            var last: FrameAssembler.Outcome = .incomplete
            for report in try Framing.reports(for: frame) { last = assembler.receive(report, now: 0) }
            #expect(last == .complete(frame))
        }
    }

    @Test func strayContinuationsAreIgnored() throws {
        var assembler = FrameAssembler()
        let stray = [0x09, 0x09, 0x09, 0x09, 0x00] + [UInt8](repeating: 0, count: 59)
        #expect(assembler.receive(stray, now: 0) == .incomplete)
        let frame = Frame(channel: channel, command: .ping, payload: [UInt8](repeating: 1, count: 100))
        let reports = try Framing.reports(for: frame)
        #expect(assembler.receive(reports[0], now: 0) == .incomplete)
        #expect(assembler.receive(stray, now: 0) == .incomplete)
        #expect(assembler.receive(reports[1], now: 0) == .complete(frame))
    }

    @Test func aGapLongerThanTheTimeoutAbandonsTheMessage() throws {
        var assembler = FrameAssembler()
        let reports = try Framing.reports(
            for: Frame(channel: channel, command: .ping, payload: [UInt8](repeating: 1, count: 100)))
        _ = assembler.receive(reports[0], now: 1_000)
        #expect(assembler.receive(reports[1], now: 1_501) == .failed(.messageTimeout, channel: channel))
    }

    @Test func reportsOfTheWrongSizeAreRefused() {
        var assembler = FrameAssembler()
        #expect(assembler.receive([1, 2, 3], now: 0) == .failed(.invalidLength(3), channel: ChannelID(rawValue: 0)))
    }

    @Test func framingErrorCodesRoundTrip() {
        for error in [FramingError.invalidParameter, .messageTimeout, .channelBusy, .invalidChannel, .other(0x7F)] {
            #expect(FramingError(code: error.code) == error)
        }
    }
}
