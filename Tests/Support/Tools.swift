import Foundation

/// Runs an installed tool and returns its standard output, trimmed.
public func runTool(_ path: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Debian's oathtool, the independent implementation codes are checked against.
public func oathtool(_ arguments: [String]) throws -> String {
    try runTool("/usr/bin/oathtool", arguments)
}
