import DurableFiles
import Foundation
import SystemPackage
import Testing

/// The outputs of one command, checked together before anything is written.
struct OutputPlanTests {
    let directory: FilePath

    init() throws {
        let path = NSTemporaryDirectory() + "plan-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        directory = FilePath(path)
    }

    func file(_ name: String, _ contents: String = "old") throws -> FilePath {
        let path = directory.appending(name)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path.string))
        return path
    }

    func contents(_ path: FilePath) throws -> String {
        try String(contentsOfFile: path.string, encoding: .utf8)
    }

    @Test func aNewFileIsWrittenWithMode0600() throws {
        var plan = OutputPlan()
        let path = directory.appending("new.uri")
        try plan.addOutput(path)
        try plan.write(Array("secret".utf8), to: path)
        #expect(try contents(path) == "secret")
        let mode = try FileManager.default.attributesOfItem(atPath: path.string)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func anExistingFileIsRefusedUnlessReplacing() throws {
        let path = try file("existing.uri")
        var plan = OutputPlan()
        #expect(throws: OutputPlanError.exists(path)) { try plan.addOutput(path) }
        var replacing = OutputPlan(replacing: true)
        try replacing.addOutput(path)
        try replacing.write(Array("new".utf8), to: path)
        #expect(try contents(path) == "new")
    }

    @Test func aSymlinkIsNeverReplacedEvenWhenReplacing() throws {
        let target = try file("target")
        let link = directory.appending("link")
        try FileManager.default.createSymbolicLink(atPath: link.string, withDestinationPath: target.string)
        var plan = OutputPlan()
        #expect(throws: OutputPlanError.exists(link)) { try plan.addOutput(link) }
        var replacing = OutputPlan(replacing: true)
        #expect(throws: OutputPlanError.notARegularFile(link)) { try replacing.addOutput(link) }
        #expect(try contents(target) == "old")
    }

    @Test func aDeviceAFIFOAndADirectoryAreNeverReplaced() throws {
        let fifo = directory.appending("fifo")
        #expect(mkfifo(fifo.string, 0o600) == 0)
        for path in [FilePath("/dev/null"), fifo, directory] {
            var replacing = OutputPlan(replacing: true)
            #expect(throws: OutputPlanError.notARegularFile(path), "\(path)") { try replacing.addOutput(path) }
        }
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func anOutputThatIsAnInputIsRefusedByPathOrByInode() throws {
        let input = try file("input.uri")
        let hardLink = directory.appending("other-name.uri")
        #expect(link(input.string, hardLink.string) == 0)
        var plan = OutputPlan(replacing: true)
        plan.addInput(input)
        #expect(throws: OutputPlanError.sameAsInput(output: input, input: input)) { try plan.addOutput(input) }
        #expect(throws: OutputPlanError.sameAsInput(output: hardLink, input: input)) { try plan.addOutput(hardLink) }
        #expect(try contents(input) == "old")
    }

    @Test func twoOutputsNamingOneFileAreRefused() throws {
        var plan = OutputPlan()
        let path = directory.appending("same.svg")
        let dotted = FilePath(directory.string + "/./same.svg")
        try plan.addOutput(path)
        #expect(throws: OutputPlanError.sameAsOtherOutput(output: path, other: path)) { try plan.addOutput(path) }
        #expect(throws: OutputPlanError.sameAsOtherOutput(output: dotted, other: path)) { try plan.addOutput(dotted) }
    }

    @Test func aPathNotAddedIsNotWritten() throws {
        let plan = OutputPlan()
        let path = directory.appending("unplanned")
        #expect(throws: OutputPlanError.notPlanned(path)) { try plan.write([1], to: path) }
        #expect(!FileManager.default.fileExists(atPath: path.string))
    }
}
