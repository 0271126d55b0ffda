import DurableFiles
import SystemPackage

/// Output files that hold secrets: mode 0600, written durably by the one file writer.
enum SecretOutput {
    static func write(_ bytes: [UInt8], to path: String) throws(DurableFileError) {
        try DurableFile.write(bytes, to: FilePath(path), existing: .replaceRegularFile)
    }
}
