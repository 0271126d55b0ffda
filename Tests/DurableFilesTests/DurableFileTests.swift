import CFileSync
import DurableFiles
import Foundation
import SystemPackage
import Testing

/// The one file writer: new files with the permissions asked for, never over a non-file, and
/// over an existing file only when asked.
struct DurableFileTests {
    let directory: FilePath

    init() throws {
        let path = NSTemporaryDirectory() + "durable-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        directory = FilePath(path)
    }

    func contents(_ path: FilePath) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path.string)))
    }

    func mode(_ path: FilePath) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path.string)[.posixPermissions] as? Int) ?? -1
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.string).filter { $0.hasSuffix(".tmp") }
    }

    @Test func writesANewFileWithMode0600AndNoTemporaryLeft() throws {
        let path = directory.appending("secret.uri")
        try DurableFile.write(Array("otpauth://totp/a".utf8), to: path)
        #expect(try contents(path) == Array("otpauth://totp/a".utf8))
        #expect(try mode(path) == 0o600)
        #expect(try leftovers().isEmpty)
    }

    /// Bytes that note what the directory holds when the writer reads them, that is while the
    /// file is being written.
    final class Witness: Sequence {
        let directory: FilePath
        let bytes: [UInt8]
        var seen: [String]? = nil
        init(_ bytes: [UInt8], watching directory: FilePath) {
            self.bytes = bytes
            self.directory = directory
        }
        func makeIterator() -> IndexingIterator<[UInt8]> {
            if seen == nil { seen = try? FileManager.default.contentsOfDirectory(atPath: directory.string) }
            return bytes.makeIterator()
        }
    }

    /// Nothing has a name while the file is written, so a process killed at that moment leaves
    /// nothing behind: not at the path, not as a temporary beside it.
    @Test(arguments: [DurableFile.Existing.refuse, .replaceRegularFile])
    func nothingIsNamedWhileTheFileIsWritten(existing: DurableFile.Existing) throws {
        let path = directory.appending("slip.txt")
        if existing == .replaceRegularFile { try DurableFile.write([0], to: path) }
        let before = try FileManager.default.contentsOfDirectory(atPath: directory.string)
        let witness = Witness(Array("PIN 1234".utf8), watching: directory)
        try DurableFile.write(witness, to: path, existing: existing)
        #expect(witness.seen == before)
        #expect(try contents(path) == Array("PIN 1234".utf8))
        #expect(try mode(path) == 0o600)
        #expect(try leftovers().isEmpty)
    }

    /// Replacing a file renames a temporary `.NAME.tmp` over it. One left by a killed writer
    /// (its lock free) is removed by the next write of the file; one a live writer holds locked
    /// is left to it.
    @Test func aTemporaryLeftByAKilledWriterIsRemovedButALiveWritersIsNot() throws {
        let path = directory.appending("slip.txt")
        let temporary = directory.appending(".slip.txt.tmp")
        try DurableFile.write([1], to: path)
        FileManager.default.createFile(atPath: temporary.string, contents: Data("old PIN".utf8))
        try DurableFile.write([2], to: path, existing: .replaceRegularFile)
        #expect(try contents(path) == [2])
        #expect(try leftovers().isEmpty)

        FileManager.default.createFile(atPath: temporary.string, contents: Data("in use".utf8))
        let writer = try FileDescriptor.open(temporary, .readOnly)
        #expect(cfilesync_lock_exclusive(writer.rawValue) == 0)
        try DurableFile.write([3], to: path, existing: .replaceRegularFile)
        #expect(try contents(path) == [3])
        #expect(try contents(temporary) == Array("in use".utf8))
        #expect(try leftovers() == [".slip.txt.tmp"])
        try? writer.close()

        // Anything but a regular file at the name is left alone too.
        try FileManager.default.removeItem(atPath: temporary.string)
        try FileManager.default.createDirectory(atPath: temporary.string, withIntermediateDirectories: false)
        try DurableFile.write([4], to: path, existing: .replaceRegularFile)
        #expect(try contents(path) == [4])
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: temporary.string, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(try leftovers() == [".slip.txt.tmp"])
    }

    @Test func refusesAnExistingPathUnlessReplacingIsAsked() throws {
        let path = directory.appending("file")
        try DurableFile.write([1], to: path)
        #expect(throws: DurableFileError(path: path, reason: .exists)) { try DurableFile.write([2], to: path) }
        #expect(try contents(path) == [1])
        try DurableFile.write([3], to: path, existing: .replaceRegularFile)
        #expect(try contents(path) == [3])
        #expect(try leftovers().isEmpty)
    }

    @Test func neverReplacesASymbolicLinkOrADirectory() throws {
        let target = directory.appending("target")
        try DurableFile.write([7], to: target)
        let link = directory.appending("link")
        try FileManager.default.createSymbolicLink(atPath: link.string, withDestinationPath: target.string)
        #expect(throws: DurableFileError(path: link, reason: .notARegularFile)) {
            try DurableFile.write([8], to: link, existing: .replaceRegularFile)
        }
        #expect(try contents(target) == [7])
        let folder = directory.appending("folder")
        try FileManager.default.createDirectory(atPath: folder.string, withIntermediateDirectories: false)
        #expect(throws: DurableFileError(path: folder, reason: .notARegularFile)) {
            try DurableFile.write([9], to: folder, existing: .replaceRegularFile)
        }
        #expect(try leftovers().isEmpty)
    }

    @Test func movesAFilledDirectoryIntoPlaceButNeverOverAnythingAtItsName() throws {
        let staging = directory.appending(".run.partial")
        try FileManager.default.createDirectory(atPath: staging.string, withIntermediateDirectories: false)
        try DurableFile.write([1], to: staging.appending("file"))
        let run = directory.appending("run")
        try DurableFile.moveDirectoryIntoPlace(staging, to: run)
        #expect(try contents(run.appending("file")) == [1])
        #expect(!FileManager.default.fileExists(atPath: staging.string))
        // rename(2) would replace an empty directory: the move refuses it, and a file.
        let other = directory.appending(".other.partial")
        try FileManager.default.createDirectory(atPath: other.string, withIntermediateDirectories: false)
        try DurableFile.write([2], to: other.appending("file"))
        let empty = directory.appending("empty")
        try FileManager.default.createDirectory(atPath: empty.string, withIntermediateDirectories: false)
        #expect(throws: DurableFileError(path: empty, reason: .exists)) {
            try DurableFile.moveDirectoryIntoPlace(other, to: empty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty.string).isEmpty)
        #expect(throws: DurableFileError(path: run.appending("file"), reason: .exists)) {
            try DurableFile.moveDirectoryIntoPlace(other, to: run.appending("file"))
        }
        #expect(try contents(run.appending("file")) == [1])
        #expect(try contents(other.appending("file")) == [2])
    }

    @Test func createsMissingDirectoriesWithTheModeAsked() throws {
        let path = directory.appending("a/b/letter.html")
        try DurableFile.write(Array("x".utf8), to: path, directoryPermissions: [.ownerReadWriteExecute])
        #expect(try mode(directory.appending("a")) == 0o700)
        #expect(try mode(directory.appending("a/b")) == 0o700)
        #expect(try contents(path) == Array("x".utf8))
    }

    @Test func aBatchWritesEveryFileAndSyncsOncePerDirectory() throws {
        let batch = DurableBatch()
        for index in 0..<20 {
            try DurableFile.write(
                [UInt8(index)], to: directory.appending("qr/\(index).png"), directoryPermissions: [.ownerReadWriteExecute],
                batch: batch)
        }
        try batch.sync()
        for index in 0..<20 { #expect(try contents(directory.appending("qr/\(index).png")) == [UInt8(index)]) }
    }

    @Test func aMissingDirectoryIsANamedError() throws {
        let path = directory.appending("missing/file")
        do {
            try DurableFile.write([1], to: path)
            Issue.record("writing into a missing directory succeeded")
        } catch {
            #expect(error.reason == .system(operation: "create", .noSuchFileOrDirectory))
            #expect("\(error)".contains("missing"))
        }
    }
}
