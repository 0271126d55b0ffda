public import SystemPackage

/// Why an output of a command may not be written; every case names the path.
public enum OutputPlanError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Something is already at the path and replacing was not asked for.
    case exists(FilePath)
    /// What is at the path is a link, device, FIFO or directory: never replaced, even when asked.
    case notARegularFile(FilePath)
    /// The output is one of the command's inputs.
    case sameAsInput(output: FilePath, input: FilePath)
    /// Two outputs of the command are the same file.
    case sameAsOtherOutput(output: FilePath, other: FilePath)
    /// A write to a path the plan was not told about.
    case notPlanned(FilePath)
    /// The writer failed.
    case cannotWrite(DurableFileError)

    init(_ error: DurableFileError) {
        switch error.reason {
        case .exists: self = .exists(error.path)
        case .notARegularFile: self = .notARegularFile(error.path)
        case .system, .permissions: self = .cannotWrite(error)
        }
    }

    public var description: String {
        switch self {
        case .exists(let path): "\(path) already exists: choose a new name, or pass --force to replace a regular file"
        case .notARegularFile(let path):
            "\(path) is not a regular file (a link, device, FIFO or directory): it is never replaced, even with --force"
        case .sameAsInput(let output, let input):
            output == input
                ? "\(output) is also an input of this command: write to another file"
                : "\(output) is the same file as the input \(input): write to another file"
        case .sameAsOtherOutput(let output, let other):
            output == other
                ? "\(output) is given for two outputs: give each output its own file"
                : "\(output) and \(other) are the same file: give each output its own file"
        case .notPlanned(let path): "\(path) was not checked before writing"
        case .cannotWrite(let error): "\(error)"
        }
    }
}
