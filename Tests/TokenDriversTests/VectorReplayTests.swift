import Foundation
import OTPCore
import SpecTokenFamily
import Testing
import TokenDrivers
import TokenModel
import TokenTransport
import TokenWire

/// Replays firmware-spec/vectors/ against the host driver: a scripted device checks that the
/// driver writes exactly the vector's request reports and answers with the vector's responses.
struct VectorReplayTests {
    struct Vector: Decodable {
        struct Step: Decodable {
            var note: String
            var request: [String]
            var response: [String]
        }
        var name: String
        var steps: [Step]
    }

    /// A device that expects given reports and answers with given reports.
    final class ScriptedConnection: HIDConnection {
        var expected: [[UInt8]] = []
        var answers: [[UInt8]] = []
        var mismatches: [String] = []
        let info = HIDDeviceInfo(
            path: "script", vendorID: 0x1209, productID: 0x0001, serialNumber: "", manufacturer: "", product: "",
            usagePage: 0xFF4F, usage: 1, interfaceNumber: 0)

        func write(_ report: [UInt8]) throws(HIDError) {
            guard !expected.isEmpty else { throw .writeFailed("unexpected report \(Hex.encode(report))") }
            let next = expected.removeFirst()
            if next != report { mismatches.append("wrote \(Hex.encode(report)), vector has \(Hex.encode(next))") }
        }
        func read(timeoutMilliseconds: Int) throws(HIDError) -> [UInt8]? {
            guard expected.isEmpty, !answers.isEmpty else { return nil }
            return answers.removeFirst()
        }
        func sendFeatureReport(_ data: [UInt8]) throws(HIDError) {}
        func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8] { [] }
    }

    static func vectors() throws -> [Vector] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("firmware-spec/vectors")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
            .map { try JSONDecoder().decode(Vector.self, from: Data(contentsOf: $0)) }
    }

    @Test func theDriverSpeaksEveryVectorRequestByteForByte() throws {
        var replayed = 0
        for vector in try Self.vectors() {
            let connection = ScriptedConnection()
            let opening = vector.steps[0]
            connection.expected = try opening.request.map(Hex.decode)
            connection.answers = try opening.response.map(Hex.decode)
            let nonce = Array(try Hex.decode(opening.request[0])[7..<15])
            let driver = try SpecTokenDriver(
                connection: connection, settings: DriverSettings(timeoutMilliseconds: 50), nonce: nonce)
            for step in vector.steps.dropFirst() {
                let requestReports = try step.request.map(Hex.decode)
                // Only well-formed single requests on the driver's channel: the rest test token-side framing.
                guard let first = requestReports.first, first[4] == 0x83,
                    first[0..<4].elementsEqual(withUnsafeBytes(of: driver.channel.rawValue.bigEndian, Array.init)),
                    let message = Self.message(requestReports), let request = try? TokenRequest(decoding: message),
                    request.encoded() == message
                else { continue }
                connection.expected = requestReports
                connection.answers = try step.response.map(Hex.decode)
                let response = try driver.send(request)
                let expectedResponse = try Self.message(step.response.map(Hex.decode)).map(TokenResponse.init(decoding:))
                #expect(response == expectedResponse, "\(vector.name): \(step.note)")
                #expect(connection.mismatches.isEmpty, "\(vector.name): \(step.note): \(connection.mismatches)")
                connection.mismatches = []
                replayed += 1
            }
        }
        #expect(replayed > 80)
    }

    /// The payload of the first complete frame in `reports`.
    static func message(_ reports: [[UInt8]]) -> [UInt8]? {
        var assembler = FrameAssembler()
        for report in reports {
            if case .complete(let frame) = assembler.receive(report, now: 0) { return frame.payload }
        }
        return nil
    }
}
