import ArgumentParser
import Foundation

/// `--at`: the time to compute or check codes for, defaulting to now.
struct TimeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Unix time in seconds to use instead of now, 0 to 253402300799 (the end of 9999).", valueName: "UNIX_TIME"))
    var at: Int64?

    /// The latest time `--at` takes: 9999-12-31T23:59:59Z.
    static let latest: Int64 = 253_402_300_799

    func validate() throws {
        if let at, !(0...Self.latest).contains(at) {
            throw ValidationError("--at must be a Unix time from 0 to \(Self.latest) (the end of 9999).")
        }
    }

    var time: Int64 { at ?? Int64(Date().timeIntervalSince1970) }
}
