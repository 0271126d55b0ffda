import FuzzHarnesses
import Foundation
import Testing

/// Replays every committed fuzz input (fuzz/corpus/TARGET and the crash reproducers in
/// fuzz/crashes/TARGET) through its target, uninstrumented: each must return.
struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz")

    static func inputs(_ kind: String, _ target: String) -> [URL] {
        let directory = root.appendingPathComponent(kind).appendingPathComponent(target)
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
        return files.filter { !$0.lastPathComponent.hasPrefix(".") }.sorted { $0.path < $1.path }
    }

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everyCorpusInputAndCrashReproducerRuns(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let corpus = Self.inputs("corpus", name)
        #expect(!corpus.isEmpty, "fuzz/corpus/\(name) is empty")
        for file in corpus + Self.inputs("crashes", name) {
            target.run(Array(try Data(contentsOf: file)))
        }
    }
}
