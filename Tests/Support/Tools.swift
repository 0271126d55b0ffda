import Foundation

/// Runs an installed tool to its end and returns its standard output, trimmed; a tool that fails
/// throws `ChildProcessError.failed` with what it printed on standard error.
public func runTool(_ path: String, _ arguments: [String], timeout: Duration = .seconds(60)) throws -> String {
    let result = try ChildProcess.run(path, arguments, timeout: timeout)
    guard result.status == 0, result.signal == nil else {
        throw ChildProcessError.failed(
            command: ChildProcess.commandLine(path, arguments), status: result.status, stderr: result.stderr)
    }
    return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Debian's oathtool, the independent implementation codes are checked against.
public func oathtool(_ arguments: [String]) throws -> String {
    try runTool("/usr/bin/oathtool", arguments)
}
