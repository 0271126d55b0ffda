import Foundation
import OTPCore
import TestSupport
import Testing

/// Debian's libnitrokey as a peer: Tests/NitrokeyPeer/nk-peer.c, built with gcc against
/// -lnitrokey, drives the emulated Pro through the hidapi stand-in (libnitrokey loads
/// libhidapi-libusb.so.0, which LD_LIBRARY_PATH points at the stand-in); then what tokenforge
/// programs libnitrokey reads back, and what libnitrokey programs tokenforge reads.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct NitrokeyPeerTests {
    static let base32 = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    static let hex = "3132333435363738393031323334353637383930"

    /// nk-peer, compiled once per test run.
    static let peer: Result<String, HarnessError> = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("NitrokeyPeer/nk-peer.c").path
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/gcc") else {
            return .failure(HarnessError("gcc is missing: install it with scripts/install-deps (Debian package gcc)"))
        }
        guard FileManager.default.fileExists(atPath: "/usr/include/libnitrokey/NK_C_API.h") else {
            return .failure(
                HarnessError(
                    "libnitrokey is missing: install it with scripts/install-deps (Debian package libnitrokey-dev)"))
        }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("nk-peer-\(UUID().uuidString)").path
        do {
            let build = try ChildProcess.run(
                "/usr/bin/gcc", ["-O2", "-Wall", "-Wextra", "-o", output, source, "-lnitrokey"],
                timeout: .seconds(120))
            guard build.status == 0 else {
                return .failure(HarnessError("gcc could not build \(source) against -lnitrokey: \(build.stderr)"))
            }
        } catch {
            return .failure(HarnessError("gcc could not build \(source): \(error)"))
        }
        return .success(output)
    }()

    func peerPath() throws -> String {
        switch Self.peer {
        case .success(let path): return path
        case .failure(let error): throw error
        }
    }

    func emulator(firmware: String = "0.15") throws -> EmulatorHarness {
        try EmulatorHarness(count: 0, extraArguments: ["--nitrokey", "1", "--nitrokey-firmware", firmware])
    }

    func peer(_ emulator: EmulatorHarness, _ arguments: [String], environment: [String: String] = [:]) throws
        -> ChildProcess.Result
    {
        try CLIRunner.run(
            arguments,
            environment: [
                "LD_LIBRARY_PATH": emulator.libraryDirectory, "TOKENFORGE_EMULATOR_SOCKET": emulator.socket,
            ].merging(environment) { _, new in new }, program: URL(fileURLWithPath: try peerPath()))
    }

    func tokenforge(_ emulator: EmulatorHarness, _ arguments: [String]) throws -> ChildProcess.Result {
        try emulator.tokenforge(arguments, environment: ["TOKENFORGE_PIN": "12345678"])
    }

    /// libnitrokey's own checks pass, and its codes equal RFC 6238's (checked in C) and oathtool's.
    func conformance(firmware: String) throws {
        let emulator = try emulator(firmware: firmware)
        let result = try peer(emulator, ["conformance"])
        #expect(result.status == 0, "nk-peer conformance failed:\n\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("firmware \(firmware)"))
        #expect(result.stdout.contains("0 failures"))
        let lines = result.stdout.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        for line in lines where line.first == "code" || line.first == "code40" {
            let seed = line[0] == "code40" ? Self.hex + Self.hex : Self.hex
            let digits = line[0] == "code40" ? "6" : "8"
            #expect(try oathtool(["--totp", "-d", digits, "--now=@\(line[1])", seed]) == line[2], "\(line)")
        }
        #expect(lines.filter { $0.first == "code" }.count == 6)
    }

    @Test func libnitrokeyPassesItsChecksOnFirmwareZeroFifteen() throws { try conformance(firmware: "0.15") }

    @Test func libnitrokeyPassesItsChecksOnFirmwareZeroSeven() throws { try conformance(firmware: "0.7") }

    @Test func whatTokenforgeProgramsLibnitrokeyReads() throws {
        let emulator = try emulator()
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        let program = try tokenforge(
            emulator, ["program", "--secret-file", secret, "--account", "peer", "--slot", "2"])
        #expect(program.status == 0, "\(program.stderr)")
        let code = try peer(emulator, ["code", "2", "1234567890"])
        #expect(code.status == 0, "\(code.stderr)")
        #expect(code.stdout == (try oathtool(["--totp", "--now=@1234567890", Self.hex])) + "\n")
        #expect(try peer(emulator, ["name", "2"]).stdout == "peer\n")
    }

    @Test func whatLibnitrokeyProgramsTokenforgeReads() throws {
        let emulator = try emulator()
        let write = try peer(emulator, ["write", "3", "nkpeer"], environment: ["NK_PEER_SECRET_HEX": Self.hex])
        #expect(write.status == 0, "\(write.stdout)\(write.stderr)")
        #expect(try tokenforge(emulator, ["slots"]).stdout == "3\tTOTP SHA1 6 digits 30 s\tnkpeer\n")
        let before = Int(Date().timeIntervalSince1970)
        let code = try tokenforge(emulator, ["code", "--slot", "3"])
        let after = Int(Date().timeIntervalSince1970)
        #expect(code.status == 0, "\(code.stderr)")
        let expected = try Set([before, after].map { try oathtool(["--totp", "--now=@\($0)", Self.hex]) })
        #expect(expected.contains(code.stdout.trimmingCharacters(in: .newlines)))
    }

    @Test func firmwareZeroSevenWritesCrossBothWays() throws {
        let emulator = try emulator(firmware: "0.7")
        let secret = try emulator.directory.file("seed", contents: Self.base32)
        #expect(
            try tokenforge(emulator, ["program", "--secret-file", secret, "--account", "tf", "--slot", "1"]).status == 0
        )
        #expect(try peer(emulator, ["code", "1", "59"]).stdout == "287082\n")
        #expect(try peer(emulator, ["write", "4", "lib"], environment: ["NK_PEER_SECRET_HEX": Self.hex]).status == 0)
        #expect(
            try tokenforge(emulator, ["slots"]).stdout
                == "1\tTOTP SHA1 6 digits 30 s\ttf\n4\tTOTP SHA1 6 digits 30 s\tlib\n")
    }
}
