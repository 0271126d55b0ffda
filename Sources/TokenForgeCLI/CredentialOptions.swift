import ArgumentParser
import Foundation
import OTPCore

/// Where a command reads the credential it works on: a URI or a bare secret plus parameters.
struct CredentialOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "An otpauth:// URI; it holds the secret, so it needs --insecure-argv: prefer --uri-file or TOKENFORGE_URI.",
            valueName: "URI"))
    var uri: String?

    @Flag(help: "Accept --uri on the command line, where other users of this computer can read it.")
    var insecureArgv = false

    @Flag(help: "Accept a secret shorter than 16 bytes (RFC 4226 §4 asks for at least 16).")
    var allowWeakSecret = false

    @Option(help: ArgumentHelp("Read the otpauth:// URI from FILE (\"-\" for standard input).", valueName: "FILE"))
    var uriFile: String?

    @Option(help: ArgumentHelp("Read a Base32 secret from FILE (\"-\" for standard input).", valueName: "FILE"))
    var secretFile: String?

    @Option(help: ArgumentHelp("With a bare secret: SHA1, SHA256 or SHA512 (default SHA1).", valueName: "NAME"))
    var algorithm: String?

    @Option(help: ArgumentHelp("With a bare secret: code length, 6 to 10 (default 6).", valueName: "N"))
    var digits: Int?

    @Option(
        help: ArgumentHelp(
            "With a bare secret: TOTP period in seconds, 1 to 86400 (default 30).", valueName: "SECONDS"))
    var period: Int?

    @Option(
        help: ArgumentHelp(
            "HOTP counter: with a bare secret, use HOTP at this counter; with an hotp URI, override its counter.",
            valueName: "N"))
    var counter: UInt64?

    func validate() throws {
        if uri != nil, !insecureArgv {
            throw ValidationError(
                "--uri puts the secret on the command line, where other users can read it: use --uri-file FILE (\"-\" for standard input) or TOKENFORGE_URI, or pass --insecure-argv."
            )
        }
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
        try OTPOptionBounds.check(digits: digits, period: period)
    }

    /// The credential from the options, else from TOKENFORGE_URI or TOKENFORGE_SECRET; a weak
    /// secret is refused unless --allow-weak-secret.
    func credential(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> OTPAuthURI {
        let uri = try anyCredential(environment: environment)
        try SecretStrength.check(uri, allowingWeak: allowWeakSecret)
        return uri
    }

    private func anyCredential(environment: [String: String]) throws -> OTPAuthURI {
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

/// The documented ranges of the numeric OTP options, refused as usage errors.
enum OTPOptionBounds {
    /// The longest TOTP period an option takes: one day.
    static let maximumPeriod = 86_400

    static func check(digits: Int?, period: Int?) throws {
        if let digits, !HOTPGenerator.supportedDigits.contains(digits) {
            throw ValidationError("--digits must be 6 to 10.")
        }
        if let period, !(1...maximumPeriod).contains(period) {
            throw ValidationError("--period must be 1 to \(maximumPeriod) seconds.")
        }
    }
}

/// The shortest secret accepted without `--allow-weak-secret`: 16 bytes (RFC 4226 §4, 128 bits).
enum SecretStrength {
    static let minimumBytes = 16

    /// Refuses `uri` when its secret is shorter than `minimumBytes`, unless allowed.
    static func check(_ uri: OTPAuthURI, allowingWeak: Bool) throws {
        try check(byteCount: uri.secret.byteCount, label: uri.label, allowingWeak: allowingWeak)
    }

    static func check(byteCount: Int, label: String?, allowingWeak: Bool) throws {
        guard byteCount < minimumBytes, !allowingWeak else { return }
        let subject = label.map { "the secret of \(PrintableText.escaped($0))" } ?? "the secret"
        throw CLIFailure(
            status: .refused,
            message:
                "\(subject) has \(byteCount) byte(s), fewer than the \(minimumBytes) RFC 4226 §4 asks for: use a new secret, or pass --allow-weak-secret"
        )
    }
}
