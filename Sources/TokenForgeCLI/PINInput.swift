import ArgumentParser
import Foundation
import TokenModel

/// Where a command reads a PIN: a file, standard input ("-"), the environment, or a prompt with
/// echo off. Never argv. Which PINs a token takes is its family's rule, checked by the driver.
struct PINOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Read the PIN from FILE (\"-\" for standard input); else TOKENFORGE_PIN; else a prompt.", valueName: "FILE"))
    var pinFile: String?

    func pin(prompt: String = "Token PIN: ") throws -> PIN {
        try PINInput.read(file: pinFile, environment: "TOKENFORGE_PIN", prompt: prompt)
    }
}

enum PINInput {
    static func read(file: String?, environment variable: String, prompt: String) throws -> PIN {
        let text: String
        if let file {
            text = try SecretInput.read(file).components(separatedBy: .newlines).first ?? ""
        } else if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty {
            text = value
        } else {
            text = try promptWithoutEcho(prompt, variable: variable)
        }
        guard !text.isEmpty else { throw CLIFailure(status: .pin, message: "the PIN is empty") }
        return PIN(text)
    }

    /// Asks on the terminal with echo turned off.
    static func promptWithoutEcho(_ prompt: String, variable: String) throws -> String {
        let terminal = open("/dev/tty", O_RDWR)
        guard terminal >= 0 else {
            throw CLIFailure(status: .pin, message: "a PIN is needed: give --pin-file FILE, set \(variable), or run on a terminal")
        }
        defer { close(terminal) }
        var saved = termios()
        tcgetattr(terminal, &saved)
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(terminal, TCSAFLUSH, &silent)
        defer {
            tcsetattr(terminal, TCSAFLUSH, &saved)
            _ = "\n".withCString { Foundation.write(terminal, $0, 1) }
        }
        _ = prompt.withCString { Foundation.write(terminal, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Foundation.read(terminal, &byte, 1) == 1, byte != 0x0A, byte != 0x0D { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
