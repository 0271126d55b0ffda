import ArgumentParser
import Foundation
import OTPCore

/// Where a command reads the credential it works on: a URI or a bare secret plus parameters.
struct CredentialOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "An otpauth:// URI. It holds the secret: prefer --uri-file or TOKENFORGE_URI.", valueName: "URI"))
    var uri: String?

    @Option(help: ArgumentHelp("Read the otpauth:// URI from FILE (\"-\" for standard input).", valueName: "FILE"))
    var uriFile: String?

    @Option(help: ArgumentHelp("Read a Base32 secret from FILE (\"-\" for standard input).", valueName: "FILE"))
    var secretFile: String?

    @Option(help: ArgumentHelp("With a bare secret: SHA1, SHA256 or SHA512 (default SHA1).", valueName: "NAME"))
    var algorithm: String?

    @Option(help: ArgumentHelp("With a bare secret: code length, 6 to 10 (default 6).", valueName: "N"))
    var digits: Int?

    @Option(help: ArgumentHelp("With a bare secret: TOTP period in seconds (default 30).", valueName: "SECONDS"))
    var period: Int?

    @Option(
        help: ArgumentHelp(
            "HOTP counter: with a bare secret, use HOTP at this counter; with an hotp URI, override its counter.",
            valueName: "N"))
    var counter: UInt64?

    func validate() throws {
        let sources = [uri, uriFile, secretFile].compactMap { $0 }
        if sources.count > 1 {
            throw ValidationError("Give one of --uri, --uri-file and --secret-file.")
        }
        if uri != nil || uriFile != nil, algorithm != nil || digits != nil || period != nil {
            throw ValidationError("--algorithm, --digits and --period apply to a bare secret; a URI sets them itself.")
        }
        if counter != nil, period != nil {
            throw ValidationError("--counter (HOTP) and --period (TOTP) exclude each other.")
        }
    }

    /// The credential from the options, else from TOKENFORGE_URI or TOKENFORGE_SECRET.
    func credential(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OTPAuthURI {
        if let uri { return try parseURI(uri, origin: "--uri") }
        if let uriFile { return try parseURI(try SecretInput.read(uriFile), origin: SecretInput.name(uriFile)) }
        if let secretFile {
            return try credential(base32: try SecretInput.read(secretFile), origin: SecretInput.name(secretFile))
        }
        if let text = environment["TOKENFORGE_URI"], !text.isEmpty {
            guard algorithm == nil, digits == nil, period == nil else {
                throw CLIFailure.usage(
                    "--algorithm, --digits and --period apply to a bare secret; TOKENFORGE_URI sets them itself.")
            }
            return try parseURI(text, origin: "TOKENFORGE_URI")
        }
        if let text = environment["TOKENFORGE_SECRET"], !text.isEmpty {
            return try credential(base32: text, origin: "TOKENFORGE_SECRET")
        }
        throw CLIFailure.noInput(
            "no credential: give --uri-file FILE, --secret-file FILE (\"-\" reads standard input), or set TOKENFORGE_URI or TOKENFORGE_SECRET"
        )
    }

    private func parseURI(_ text: String, origin: String) throws -> OTPAuthURI {
        do {
            let parsed = try OTPAuthURI(parsing: text.trimmingCharacters(in: .whitespacesAndNewlines))
            guard let counter, case .hotp = parsed.kind else {
                if counter != nil {
                    throw CLIFailure.usage("--counter applies to HOTP, but \(origin) holds a TOTP URI.")
                }
                return parsed
            }
            return try OTPAuthURI(
                kind: .hotp(counter: counter), account: parsed.account, issuer: parsed.issuer,
                secret: parsed.secret, algorithm: parsed.algorithm, digits: parsed.digits)
        } catch let error as OTPAuthURIError {
            throw CLIFailure.badInput("\(origin): \(error)")
        }
    }

    private func credential(base32: String, origin: String) throws -> OTPAuthURI {
        let secret: Secret
        do {
            secret = try Secret(base32: base32.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw CLIFailure.badInput("\(origin): \(error)")
        }
        let algorithm = try OTPParameters.algorithm(self.algorithm)
        let kind: OTPAuthURI.Kind = counter.map { .hotp(counter: $0) } ?? .totp(period: period ?? 30)
        return try OTPParameters.uri(
            kind: kind, account: "secret", issuer: nil, secret: secret, algorithm: algorithm, digits: digits ?? 6)
    }
}

/// Turns option values into core types, reporting bad values as bad input.
enum OTPParameters {
    static func algorithm(_ name: String?) throws -> OTPAlgorithm {
        guard let name else { return .sha1 }
        do { return try OTPAlgorithm(name: name) } catch { throw CLIFailure.badInput("--algorithm: \(error)") }
    }

    static func uri(
        kind: OTPAuthURI.Kind, account: String, issuer: String?, secret: Secret, algorithm: OTPAlgorithm, digits: Int
    ) throws -> OTPAuthURI {
        do {
            return try OTPAuthURI(
                kind: kind, account: account, issuer: issuer, secret: secret, algorithm: algorithm, digits: digits)
        } catch {
            throw CLIFailure.badInput("\(error)")
        }
    }
}
