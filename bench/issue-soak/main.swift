import Activation
import Exports
import Foundation
import Issuance
import OTPCore
import TestSupport

// Issue/resume cycles with kill -9: each cycle makes a roster (app and token users), a register
// and a `tokenforge-emulator` with a virtual token per token user (a spec token or a Nitrokey Pro), then runs `tokenforge issue`,
// killing it with SIGKILL after a random delay or after a random committed step
// (`tokenforge-fault-injection`), and runs `issue --resume` until one run finishes. Then it
// checks every output against the register and the tokens, and counts what is wrong.
//
//     for product in tokenforge tokenforge-emulator hidapi-standin tokenforge-fault-injection issue-soak; do
//         swift build -c release --product $product; done
//     .build/release/issue-soak CYCLES SEED
//
// SEED fixes the rosters, PIN policies, kill modes, delays and step numbers; where a delay lands
// in the run depends on the machine's timing.

let arguments = CommandLine.arguments
guard arguments.count == 3, let cycles = Int(arguments[1]), cycles > 0, let seed = UInt64(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: issue-soak CYCLES SEED\n".utf8))
    exit(64)
}

let build = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().path
let tokenforge = build + "/tokenforge"
let faultInjection = build + "/tokenforge-fault-injection"
let emulatorProgram = build + "/tokenforge-emulator"
let standIn = build + "/libhidapi-standin.so"
for path in [tokenforge, faultInjection, emulatorProgram, standIn] where !FileManager.default.fileExists(atPath: path) {
    FileHandle.standardError.write(Data("issue-soak: \(path) is missing; build it in the same configuration\n".utf8))
    exit(66)
}

/// What went wrong, counted over the whole soak (target 0 of each).
struct Counts {
    var issuedTwice = 0
    var missing = 0
    var lostSeeds = 0
    var duplicatedSeeds = 0
    var disagreeing = 0
    var halfWritten = 0
    var unknownPIN = 0
    var failedRuns = 0
    var unfinished = 0

    var rows: [(String, Int)] {
        [
            ("users issued twice", issuedTwice), ("users missing or not issued", missing),
            ("lost seeds", lostSeeds), ("duplicated seeds", duplicatedSeeds),
            ("register and token disagreeing", disagreeing), ("half-written outputs", halfWritten),
            ("token PIN unknown (slip or register)", unknownPIN),
            ("runs failed (exit status other than 0, not killed)", failedRuns),
            ("cycles not finished after 16 runs", unfinished),
        ]
    }
}

var counts = Counts()
var kills = (delay: 0, step: 0)
var resumes = 0
var finishedWithoutKill = 0
var runSeconds: [Double] = []
var problems: [String] = []

let nitrokeyFactoryPIN = "12345678"
var nitrokeyCycles = 0
let adminPassphrase = "soak admin passphrase"
let exportPassphrase = "soak export passphrase"
let codeTime: Int64 = 1_800_000_000
var random = SplitMix64(seed: seed)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("tokenforge-issue-soak-\(getpid())").path
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
let libraries = work + "/lib"
try FileManager.default.createDirectory(atPath: libraries, withIntermediateDirectories: true)
for name in ["libhidapi-hidraw.so.0", "libhidapi-libusb.so.0"] {
    try FileManager.default.createSymbolicLink(atPath: libraries + "/" + name, withDestinationPath: standIn)
}

/// The typical length of one uninterrupted run, which delay kills are drawn under.
var typicalRun = 0.6
let languages = ["fr", "de", "it", "en"]
let apps = ["", "", "google", "microsoft", "accesssecurium", "aegis"]
let started = Date()

@MainActor func problem(_ cycle: Int, _ text: String) {
    problems.append("cycle \(cycle): \(text)")
    FileHandle.standardError.write(Data("cycle \(cycle): \(text)\n".utf8))
}

/// Every regular file under `directory`, relative to it.
func files(under directory: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
    var found: [String] = []
    while let name = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
            found.append(name)
        }
    }
    return found
}

struct Slot: Decodable {
    let slot: Int
    let account: String
}

struct Manifest: Decodable {
    struct Format: Decodable { let files: [String] }
    let formats: [Format]
}

for cycle in 1...cycles {
    let directory = work + "/cycle-\(cycle)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let appUsers = Int.random(in: 0...6, using: &random)
    let tokenUsers = Int.random(in: appUsers == 0 ? 1...3 : 0...3, using: &random)
    let generatePINs = Bool.random(using: &random)
    let askedPIN = String(Int.random(in: 10_000_000...99_999_999, using: &random))  // both families' rules
    var roster = "username,display_name,email,language,method,app,token_serial\n"
    var expected: [String: (email: String, language: String, token: String?)] = [:]
    for index in 0..<appUsers {
        let name = "app\(cycle)x\(index)"
        let language = languages.randomElement(using: &random)!
        expected[name] = ("\(name)@example.org", language, nil)
        roster += "\(name),App User \(index),\(name)@example.org,\(language),app,\(apps.randomElement(using: &random)!),\n"
    }
    // A token user gets a spec token or a Nitrokey Pro (factory admin PIN 12345678, which issue replaces).
    let nitrokeyUsers = (0..<tokenUsers).filter { _ in Bool.random(using: &random) }.count
    let specUsers = tokenUsers - nitrokeyUsers
    if nitrokeyUsers > 0 { nitrokeyCycles += 1 }
    let registerPath = directory + "/register.sqlite"
    do { _ = try Register(path: registerPath, passphrase: adminPassphrase, newKey: .lowCost()) }

    let socket = directory + "/emulator.sock"
    let emulator = try ChildProcess(
        emulatorProgram,
        [
            "serve", "--socket", socket, "--state-dir", directory + "/tokens",
            "--count", String(tokenUsers == 0 ? 1 : specUsers), "--nitrokey", String(nitrokeyUsers),
        ],
        timeout: .seconds(900))
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: socket), Date() < deadline, emulator.isRunning { usleep(10_000) }
    guard FileManager.default.fileExists(atPath: socket) else {
        problem(cycle, "the emulator did not start: \((try? emulator.stop())?.stderr ?? "")")
        counts.unfinished += 1
        continue
    }
    var environment = ProcessInfo.processInfo.environment
    for name in ["TOKENFORGE_SECRET", "TOKENFORGE_URI", "TOKENFORGE_PIN", "TOKENFORGE_NEW_PIN"] { environment[name] = nil }
    environment.merge([
        "LD_LIBRARY_PATH": libraries, "TOKENFORGE_EMULATOR_SOCKET": socket, "TOKENFORGE_ALLOW_TEST_TOKENS": "1",
        "TOKENFORGE_ADMIN_PASSPHRASE": adminPassphrase, "TOKENFORGE_EXPORT_PASSPHRASE": exportPassphrase,
        "TOKENFORGE_TOKEN_PIN": askedPIN, "PCSCLITE_CSOCK_NAME": directory + "/no-pcscd.comm",
        "TOKENFORGE_PIN": nitrokeyFactoryPIN,
    ]) { _, new in new }

    // The Pros' USB serials, as `devices` lists them (vendor:product 20a0:4108).
    var nitrokeySerials: [String] = []
    if nitrokeyUsers > 0 {
        let devices = try ChildProcess.run(tokenforge, ["devices"], environment: environment, timeout: .seconds(30))
        nitrokeySerials = devices.stdout.split(separator: "\n").filter { $0.contains("20a0:4108") }
            .compactMap { $0.split(separator: "\t").first.map(String.init) }
        guard nitrokeySerials.count == nitrokeyUsers else {
            problem(cycle, "devices lists \(nitrokeySerials.count) Nitrokey Pros, not \(nitrokeyUsers): \(devices.stdout) \(devices.stderr)")
            counts.unfinished += 1
            _ = try? emulator.stop()
            continue
        }
    }
    let tokenSerials = (0..<specUsers).map { String(format: "TFEMU%04d", $0 + 1) } + nitrokeySerials
    for (index, serial) in tokenSerials.enumerated() {
        let name = "tok\(cycle)x\(index)"
        let language = languages.randomElement(using: &random)!
        expected[name] = ("\(name)@example.org", language, serial)
        roster += "\(name),Token User \(index),\(name)@example.org,\(language),token,,\(serial)\n"
    }
    let rosterPath = directory + "/roster.csv"
    try roster.write(toFile: rosterPath, atomically: true, encoding: .utf8)
    let out = directory + "/out"
    let issueArguments = [
        "issue", rosterPath, "--issuer", "ACME", "--out", out, "--export", "pskc,uris", "--register", registerPath,
        "--token-pin", generatePINs ? "generate" : "ask", "--token-wait", "5",
    ]

    // Kill, resume, kill again … until a run finishes.
    let killsWanted = Int.random(in: 1...4, using: &random)
    var killed = 0
    var finished = false
    for attempt in 0..<16 {
        let arguments = issueArguments + (attempt == 0 ? [] : ["--resume"])
        if attempt > 0 { resumes += 1 }
        let kill = killed < killsWanted
        let byStep = kill && Int.random(in: 0..<10, using: &random) < 3
        let step = Int.random(in: 1...(3 + tokenUsers), using: &random)
        let delay = Double.random(in: 0...(typicalRun * 1.1), using: &random)
        var runEnvironment = environment
        if byStep { runEnvironment["TOKENFORGE_FAULT_STOP_AFTER_STEPS"] = String(step) }
        let begin = Date()
        let process = try ChildProcess(
            byStep ? faultInjection : tokenforge, arguments, environment: runEnvironment, timeout: .seconds(60))
        let result: ChildProcess.Result
        if kill, !byStep {
            let until = begin.addingTimeInterval(delay)
            while process.isRunning, Date() < until { usleep(2_000) }
            result = process.isRunning ? try process.kill() : try process.wait()
        } else {
            result = try process.wait()
        }
        if result.signal == SIGKILL {
            killed += 1
            if byStep { kills.step += 1 } else { kills.delay += 1 }
            continue
        }
        if result.status == 0, result.signal == nil {
            runSeconds.append(Date().timeIntervalSince(begin))
            let recent = runSeconds.suffix(30).sorted()
            if recent.count >= 3 { typicalRun = recent[recent.count * 9 / 10] * 1.1 }
            if attempt == 0 { finishedWithoutKill += 1 }
            finished = true
            break
        }
        counts.failedRuns += 1
        problem(
            cycle,
            "run \(attempt + 1) exited with status \(result.status)\(result.signal.map { " (signal \($0))" } ?? ""): \(result.stderr.suffix(600))"
        )
    }
    if !finished {
        counts.unfinished += 1
        problem(cycle, "no run finished")
    }

    // The checks, against the register as the last run left it.
    let before = counts
    do {
        let register = try Register(path: registerPath, passphrase: adminPassphrase)
        let users = try register.users()
        var seeds: [String: String] = [:]  // username → Base32 seed, kept in memory only
        var owners: [String: [String]] = [:]  // Base32 seed → usernames
        for user in users where user.sealedSeed != nil {
            let secret = try register.seed(of: user).base32EncodedString()
            seeds[user.entry.username] = secret
            owners[secret, default: []].append(user.entry.username)
        }
        for (_, names) in owners where names.count > 1 {
            counts.duplicatedSeeds += names.count - 1
            problem(cycle, "one seed held by \(names.sorted())")
        }
        let byName = Dictionary(users.map { ($0.entry.username, $0) }) { first, _ in first }
        let seededEntries = try register.log().filter { $0.action == "seeded" }
        for (name, _) in expected {
            guard let user = byName[name] else {
                counts.missing += 1
                problem(cycle, "\(name) is not in the register")
                continue
            }
            if user.state != .exported || seeds[name] == nil {
                counts.missing += 1
                problem(cycle, "\(name) is \(user.state.rawValue)\(seeds[name] == nil ? " without a seed" : "")")
            }
            let seedings = seededEntries.filter { $0.username == name }.count
            if seedings != 1 {
                counts.issuedTwice += seedings > 1 ? 1 : 0
                counts.missing += seedings == 0 ? 1 : 0
                problem(cycle, "\(name) was seeded \(seedings) times")
            }
        }
        for user in users where expected[user.entry.username] == nil {
            counts.halfWritten += 1
            problem(cycle, "the register holds \(user.entry.username), who is not on the roster")
        }
        var matched = Set<String>()  // users whose seed some token slot, letter or URI carries

        // Every token slot belongs to the user the register records there, with their seed.
        for serial in tokenSerials {
            let isNitrokey = nitrokeySerials.contains(serial)
            let owner = users.first { $0.tokenSerial == serial && $0.state != .revoked }
            // A Pro whose user was never reached keeps its factory PIN.
            var pin = isNitrokey && owner == nil ? nitrokeyFactoryPIN : askedPIN
            if generatePINs, let owner {
                let slip = "\(out)/pins/\(owner.entry.username).\(owner.entry.language.rawValue).txt"
                let text = (try? String(contentsOfFile: slip, encoding: .utf8)) ?? ""
                // "PIN: 12345678", or in French "Code PIN : 12345678".
                let line = text.split(separator: "\n").first { $0.hasPrefix("PIN: ") || $0.hasPrefix("Code PIN : ") }
                if let line, let value = line.split(separator: " ").last, value.allSatisfy(\.isNumber) {
                    pin = String(value)
                } else {
                    counts.halfWritten += 1
                    problem(cycle, "no PIN slip for \(owner.entry.username) at \(slip)")
                }
            }
            var tokenEnvironment = environment
            tokenEnvironment["TOKENFORGE_PIN"] = pin
            // A Pro lists slots and codes without its admin PIN: check the PIN itself.
            if isNitrokey {
                let verified = try ChildProcess.run(
                    tokenforge, ["pin", "verify", "--device", serial], environment: tokenEnvironment, timeout: .seconds(30))
                if verified.status != 0 {
                    counts.unknownPIN += 1
                    problem(cycle, "the PIN the register or slip gives does not open \(serial): \(verified.stderr)")
                }
            }
            let listing = try ChildProcess.run(
                tokenforge, ["slots", "--json", "--device", serial], environment: tokenEnvironment, timeout: .seconds(30))
            guard listing.status == 0 else {
                if listing.status == 77 { counts.unknownPIN += 1 } else { counts.disagreeing += 1 }
                problem(cycle, "slots on \(serial) exited \(listing.status): \(listing.stderr)")
                continue
            }
            let slots = try JSONDecoder().decode([Slot].self, from: Data(listing.stdout.utf8))
            for slot in slots {
                let holders = users.filter { $0.tokenSerial == serial && $0.slot == slot.slot && $0.state != .revoked }
                guard holders.count == 1, let holder = holders.first, let seed = seeds[holder.entry.username] else {
                    counts.lostSeeds += 1
                    problem(cycle, "\(serial) slot \(slot.slot) (\(slot.account)) has no seed in the register")
                    continue
                }
                // A Pro keeps names of at most 15 bytes: "ACME:" and the account's beginning.
                let name =
                    isNitrokey
                    ? String(decoding: Array("ACME:\(holder.entry.email)".utf8.prefix(15).dropFirst(5)), as: UTF8.self)
                    : holder.entry.email
                if slot.account != name {
                    counts.disagreeing += 1
                    problem(cycle, "\(serial) slot \(slot.slot) is named \(slot.account), not \(name)")
                }
                // A spec token computes for any time asked; a Pro for its clock, set to this computer's.
                let code = try ChildProcess.run(
                    tokenforge,
                    ["code", "--slot", String(slot.slot), "--device", serial] + (isNitrokey ? [] : ["--at", String(codeTime)]),
                    environment: tokenEnvironment, timeout: .seconds(30))
                let generator = try TOTPGenerator(
                    secret: try Secret(base32: seed), algorithm: holder.algorithm, digits: holder.digits,
                    period: holder.period)
                let now = Int64(Date().timeIntervalSince1970)
                let expectedCodes = try (isNitrokey ? [now - 30, now, now + 30] : [codeTime]).map { try generator.code(at: $0) }
                if code.status != 0 || !expectedCodes.contains(code.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) {
                    if code.status == 77 { counts.unknownPIN += 1 } else { counts.disagreeing += 1 }
                    problem(cycle, "\(serial) slot \(slot.slot) of \(holder.entry.username): code --slot exited \(code.status), its code is not the register seed's")
                } else if matched.contains(holder.entry.username) {
                    counts.issuedTwice += 1
                    problem(cycle, "\(holder.entry.username) is in two slots")
                } else {
                    matched.insert(holder.entry.username)
                }
            }
        }
        for user in users where user.entry.method == .token && !matched.contains(user.entry.username) {
            counts.lostSeeds += 1
            problem(cycle, "\(user.entry.username)'s seed is in no slot of \(user.tokenSerial ?? "any token")")
        }

        // Every app user's QR code carries their seed; no letter or sheet without its user.
        let decoder = QRImageDecoder()
        let output = files(under: out)
        for name in output {
            let file = (name as NSString).lastPathComponent
            if file.hasPrefix(".") || file.hasSuffix(".tmp") {
                counts.halfWritten += 1
                problem(cycle, "a temporary file is left: out/\(name)")
                continue
            }
            let parts = name.split(separator: "/").map(String.init)
            guard parts.count >= 2 else {
                counts.halfWritten += 1
                problem(cycle, "an unexpected file: out/\(name)")
                continue
            }
            let owner = String(parts[1].split(separator: ".").first ?? "")
            let user = byName[owner]
            switch parts[0] {
            case "qr", "letters":
                guard let user, user.entry.method == .app else {
                    counts.halfWritten += 1
                    problem(cycle, "out/\(name) has no app user in the register")
                    continue
                }
                if parts[0] == "letters" {
                    let text = (try? String(contentsOfFile: out + "/" + name, encoding: .utf8)) ?? ""
                    if parts[1] != "\(owner).\(user.entry.language.rawValue).html" || !text.contains("</html>") {
                        counts.halfWritten += 1
                        problem(cycle, "out/\(name) is not a whole letter in \(owner)'s language")
                    }
                }
            case "sheets", "pins":
                guard let user, user.entry.method == .token else {
                    counts.halfWritten += 1
                    problem(cycle, "out/\(name) has no token user in the register")
                    continue
                }
            case "exports":
                break
            default:
                counts.halfWritten += 1
                problem(cycle, "an unexpected file: out/\(name)")
            }
        }
        for user in users where user.entry.method == .app {
            let name = user.entry.username
            let path = "\(out)/qr/\(name).png"
            let letter = "\(out)/letters/\(name).\(user.entry.language.rawValue).html"
            guard let png = FileManager.default.contents(atPath: path),
                FileManager.default.fileExists(atPath: "\(out)/qr/\(name).svg"),
                FileManager.default.fileExists(atPath: letter)
            else {
                counts.lostSeeds += 1
                problem(cycle, "\(name) lacks a QR code or letter")
                continue
            }
            let texts = (try? decoder.texts(inPNG: [UInt8](png))) ?? []
            guard texts.count == 1, let uri = try? OTPAuthURI(parsing: texts[0]) else {
                counts.halfWritten += 1
                problem(cycle, "out/qr/\(name).png does not hold one readable otpauth URI")
                continue
            }
            if uri.secret.base32EncodedString() != seeds[name] || uri.account != user.entry.email {
                counts.lostSeeds += 1
                problem(cycle, "out/qr/\(name).png carries a seed the register does not hold for \(name)")
            } else {
                matched.insert(name)
            }
        }
        for user in users where user.entry.method == .token {
            let sheets = output.filter { $0.hasPrefix("sheets/\(user.entry.username).") }
            if sheets.count != 1 {
                counts.halfWritten += 1
                problem(cycle, "\(user.entry.username) has \(sheets.count) handover sheets")
            }
        }

        // Every export run is whole, and every seed it carries is the register's.
        let runs = (try? ExportDirectories.all(out + "/exports")) ?? []
        if finished, runs.isEmpty {
            counts.lostSeeds += 1
            problem(cycle, "no export was written")
        }
        for (index, run) in runs.enumerated() {
            guard let data = FileManager.default.contents(atPath: run + "/manifest.json"),
                let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
            else {
                counts.halfWritten += 1
                problem(cycle, "\(run) has no manifest: \(files(under: run).sorted())")
                continue
            }
            let listed = Set(manifest.formats.flatMap(\.files) + ["manifest.json"])
            if listed != Set(files(under: run)) {
                counts.halfWritten += 1
                problem(cycle, "\(run) holds \(files(under: run).sorted()), its manifest lists \(listed.sorted())")
            }
            var exported: [String: Int] = [:]
            if let text = try? String(contentsOfFile: run + "/otpauth-uris.txt", encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    guard let uri = try? OTPAuthURI(parsing: String(line)) else {
                        counts.halfWritten += 1
                        problem(cycle, "\(run)/otpauth-uris.txt has an unreadable line")
                        continue
                    }
                    let holder = users.first { $0.entry.email == uri.account }
                    exported[uri.account, default: 0] += 1
                    if holder.flatMap({ seeds[$0.entry.username] }) != uri.secret.base32EncodedString() {
                        counts.lostSeeds += 1
                        problem(cycle, "\(run)/otpauth-uris.txt carries a seed the register does not hold for \(uri.account)")
                    }
                }
            } else {
                counts.halfWritten += 1
                problem(cycle, "\(run) has no otpauth-uris.txt")
            }
            for (account, times) in exported where times > 1 {
                counts.issuedTwice += 1
                problem(cycle, "\(run)/otpauth-uris.txt lists \(account) \(times) times")
            }
            if let xml = try? String(contentsOfFile: run + "/seeds.pskc", encoding: .utf8) {
                do {
                    let keys = try PSKCDocument.decrypt(xml: xml, password: exportPassphrase)
                    let secrets = keys.map { $0.secret.base32EncodedString() }
                    for secret in secrets where owners[secret] == nil {
                        counts.lostSeeds += 1
                        problem(cycle, "\(run)/seeds.pskc carries a seed the register does not hold")
                    }
                    if Set(secrets).count != secrets.count {
                        counts.duplicatedSeeds += secrets.count - Set(secrets).count
                        problem(cycle, "\(run)/seeds.pskc carries a seed twice")
                    }
                    if Set(secrets) != Set(exported.keys.compactMap { account in
                        users.first { $0.entry.email == account }.flatMap { seeds[$0.entry.username] }
                    }) {
                        counts.disagreeing += 1
                        problem(cycle, "\(run): seeds.pskc and otpauth-uris.txt carry different seeds")
                    }
                } catch {
                    counts.halfWritten += 1
                    problem(cycle, "\(run)/seeds.pskc cannot be read: \(error)")
                }
            } else {
                counts.halfWritten += 1
                problem(cycle, "\(run) has no seeds.pskc")
            }
            // The last run exports everyone.
            if index == runs.count - 1 {
                let missingFromExport = expected.values.filter { exported[$0.email] == nil }.count
                if missingFromExport > 0 {
                    counts.missing += missingFromExport
                    problem(cycle, "the last export lacks \(missingFromExport) user(s)")
                }
                for user in users where exported[user.entry.email] != nil { matched.insert(user.entry.username) }
            }
        }
        for user in users where seeds[user.entry.username] != nil && !matched.contains(user.entry.username) {
            counts.lostSeeds += 1
            problem(cycle, "\(user.entry.username)'s seed is on no token, QR code or export")
        }
    } catch {
        counts.halfWritten += 1
        problem(cycle, "the register cannot be read: \(error)")
    }
    let stopped = try emulator.stop()
    if stopped.status != 0 || stopped.signal != nil {
        problem(cycle, "the emulator exited with status \(stopped.status): \(stopped.stderr.suffix(400))")
    }
    let clean = counts.rows.map(\.1) == before.rows.map(\.1) && finished
    if clean {
        try? FileManager.default.removeItem(atPath: directory)
    } else {
        FileHandle.standardError.write(Data("cycle \(cycle): kept in \(directory)\n".utf8))
    }
    if cycle % 25 == 0 {
        FileHandle.standardError.write(
            Data("\(cycle)/\(cycles) cycles, \(kills.delay + kills.step) kills, \(problems.count) problems, \(Int(Date().timeIntervalSince(started))) s\n".utf8))
    }
}

let seconds = Date().timeIntervalSince(started)
func row(_ name: String, _ value: Int) -> String { "| \(name) | \(value) |" }
print("| issue-soak \(cycles) \(seed) | |")
print("|---|---|")
print(row("cycles", cycles))
print(row("cycles with a Nitrokey Pro user", nitrokeyCycles))
print(row("kills (SIGKILL after a random delay)", kills.delay))
print(row("kills (SIGKILL after a random committed step)", kills.step))
print(row("resumed runs (issue --resume)", resumes))
print(row("cycles finished by the first run (kill came too late)", finishedWithoutKill))
for (name, value) in counts.rows { print(row(name, value)) }
let median = runSeconds.sorted().dropFirst(runSeconds.count / 2).first ?? 0
print("\(String(format: "%.0f", seconds)) s; a run that finished took \(String(format: "%.2f", median)) s (median)")
if problems.isEmpty {
    try? FileManager.default.removeItem(atPath: work)
    exit(0)
}
print("problems (failed cycles kept under \(work)):")
for text in problems.prefix(100) { print("  \(text)") }
exit(1)
