import Foundation
import Issuance

// Staff issuance end to end for N app users, release build: seeds sealed in a new register, a QR
// code as PNG and SVG and a letter per user, then an encrypted PSKC export (100,000 PBKDF2
// iterations). Prints "users=N seconds=S".

let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
let directory = CommandLine.arguments.dropFirst(2).first ?? NSTemporaryDirectory() + "issue-bench-\(getpid())"
var csv = "username,display_name,email,language,method\n"
let languages = ["fr", "de", "it", "en"]
for index in 0..<count {
    csv += "user\(index),User Number \(index),user\(index)@example.org,\(languages[index % 4]),app\n"
}
let start = Date()
let roster = try Roster.parse(csv, file: "generated")
let register = try Register(path: directory + "/register.sqlite", passphrase: "benchmark passphrase")
var options = IssueRun.Options(issuer: "ACME", outputDirectory: directory + "/out", letters: try LetterRenderer())
options.exports = [.pskc]
options.exportPassphrase = "export passphrase"
try IssueRun(register: register, options: options, tokens: nil).run(roster)
let seconds = Date().timeIntervalSince(start)
print("users=\(count) seconds=\(String(format: "%.2f", seconds))")
