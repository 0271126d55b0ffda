import Foundation
import TokenForgeCLI

// `tokenforge`, killed (SIGKILL) right after the Nth step an issuance run commits, N from
// TOKENFORGE_FAULT_STOP_AFTER_STEPS: the crash-safety tests' way to stop a run at every step.
let limit = ProcessInfo.processInfo.environment["TOKENFORGE_FAULT_STOP_AFTER_STEPS"].flatMap(Int.init)
TokenForge.main { steps in
    if let limit, steps >= limit { kill(getpid(), SIGKILL) }
}
