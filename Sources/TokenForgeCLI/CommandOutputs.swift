import DurableFiles
import SystemPackage

/// The files one command writes, checked together before anything is written (`OutputPlan`):
/// new regular files unless `--force`, never a link or device, never an input or another output.
/// "-" (standard input or output) is neither checked nor written here.
struct CommandOutputs {
    private var plan: OutputPlan

    /// A plan for a command that reads `inputs` (nil and "-" are skipped).
    init(force: Bool, inputs: [String?]) {
        plan = OutputPlan(replacing: force)
        for case let input? in inputs where input != "-" { plan.addInput(FilePath(input)) }
    }

    /// Checks and records each output (nil and "-" are skipped).
    mutating func add(_ outputs: String?...) throws {
        for case let output? in outputs where output != "-" {
            do { try plan.addOutput(FilePath(output)) } catch { throw CLIFailure(error) }
        }
    }

    /// Writes `bytes` (mode 0600) to an output added before.
    func write(_ bytes: [UInt8], to path: String) throws {
        do { try plan.write(bytes, to: FilePath(path)) } catch { throw CLIFailure(error) }
    }
}

extension CLIFailure {
    /// The exit status and message for an output that may not be written.
    init(_ error: OutputPlanError) {
        let status: ExitStatus =
            switch error {
            case .exists, .notARegularFile: .outputExists
            case .sameAsInput, .sameAsOtherOutput: .usage
            case .notPlanned, .cannotWrite: .cannotWrite
            }
        self.init(status: status, message: "\(error)")
    }
}
