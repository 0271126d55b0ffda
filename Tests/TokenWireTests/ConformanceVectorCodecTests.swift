import TokenModel
import Foundation
import OTPCore
import Testing
import TokenWire

/// Reads firmware-spec/vectors/ with the host's side of the codec: every report reassembles, every
/// message decodes, and re-encoding gives the same bytes.
struct ConformanceVectorCodecTests {
    struct Vector: Decodable {
        struct Step: Decodable {
            var note: String
            var request: [String]
            var response: [String]
        }
        var name: String
        var steps: [Step]
    }

    static func vectors() throws -> [Vector] {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("firmware-spec/vectors")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
            .map { try JSONDecoder().decode(Vector.self, from: Data(contentsOf: $0)) }
    }

    static func frames(_ reports: [String]) throws -> [Frame] {
        var assembler = FrameAssembler()
        var frames: [Frame] = []
        for report in reports {
            if case .complete(let frame) = assembler.receive(try Hex.decode(report), now: 0) { frames.append(frame) }
        }
        return frames
    }

    @Test func everyMessageInTheVectorsDecodesAndReencodesExactly() throws {
        let vectors = try Self.vectors()
        #expect(vectors.count >= 4)
        var requests = 0
        var responses = 0
        for vector in vectors {
            for step in vector.steps {
                for frame in try Self.frames(step.request) where frame.command == .message {
                    guard let request = try? TokenRequest(decoding: frame.payload) else { continue }
                    #expect(request.encoded() == frame.payload, "\(vector.name): \(step.note)")
                    requests += 1
                }
                for frame in try Self.frames(step.response) where frame.command == .message {
                    let response = try TokenResponse(decoding: frame.payload)
                    #expect(response.encoded() == frame.payload, "\(vector.name): \(step.note)")
                    responses += 1
                }
            }
        }
        #expect(requests > 50 && responses > 50)
    }

    @Test func theSlotsVectorCarriesTheRFCCodes() throws {
        let slots = try #require(try Self.vectors().first { $0.name == "03-slots" })
        var codes: [String] = []
        for step in slots.steps where step.note.hasPrefix("CALCULATE") {
            for frame in try Self.frames(step.response) {
                let response = try TokenResponse(decoding: frame.payload)
                if response.status == .ok { codes.append(try CalculatedCode(fields: response.fields).code) }
            }
        }
        #expect(codes == ["94287082", "07081804", "755224", "287082"])
    }

    @Test func theAttestationInTheVectorsVerifiesUnderTheTestManufacturerKey() throws {
        let vector = try #require(try Self.vectors().first { $0.name == "04-wrapped-import" })
        let step = try #require(vector.steps.first { $0.note == "ATTEST" })
        let response = try TokenResponse(decoding: try #require(try Self.frames(step.response).first).payload)
        let attestation = try Attestation(fields: response.fields)
        #expect(attestation.verifiedKey(manufacturerKey: ManufacturerKeys.test) != nil)
    }
}
