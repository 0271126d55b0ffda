import ArgumentParser
import Foundation

/// `--at`: the time to compute or check codes for, defaulting to now.
struct TimeOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Unix time in seconds to use instead of now (for tests, audits and re-issue).", valueName: "UNIX_TIME"))
    var at: Int64?

    var time: Int64 { at ?? Int64(Date().timeIntervalSince1970) }
}
