import Exports
import Foundation
import OTPCore
import TestSupport
import Testing

/// Fixture files, read through #filePath rather than as SwiftPM resources.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// The entry schema: RFC 6030's PSKC schema plus XML Encryption 1.1 and the PBKDF2 parameters.
    static let schema = directory.appendingPathComponent("schema/pskc-validation.xsd")
}


enum Samples {
    /// The RFC 4226/6238 test secret, "12345678901234567890".
    static let rfcSecret = Secret(bytes: Array("12345678901234567890".utf8))
    static let sha256Secret = Secret(bytes: Array("12345678901234567890123456789012".utf8))
    static let sha512Secret = Secret(
        bytes: Array("1234567890123456789012345678901234567890123456789012345678901234".utf8))

    static func alice() throws -> ExportRecord {
        try ExportRecord(
            username: "alice@example.com", serial: "TF-0001", secret: rfcSecret, issuer: "ACME Co",
            account: "alice@example.com", manufacturer: "TokenForge", model: "TF1")
    }

    static func bob() throws -> ExportRecord {
        try ExportRecord(
            username: "bob", serial: "TF-0002", secret: sha256Secret, algorithm: .sha256, digits: 8,
            kind: .hotp(counter: 5), issuer: "ACME Co", account: "bob")
    }

    static func carol() throws -> ExportRecord {
        try ExportRecord(
            username: "carol", serial: "APP-carol", secret: sha512Secret, algorithm: .sha512,
            kind: .totp(period: 60), issuer: "ACME Co", account: "carol", timeDrift: -2)
    }

    static func all() throws -> [ExportRecord] { [try alice(), try bob(), try carol()] }

    /// A record varied from alice's; the defaults are the Entra-safe TOTP/SHA1/6/30.
    static func record(
        username: String = "dave", serial: String = "TF-0004", secret: Secret = rfcSecret,
        algorithm: OTPAlgorithm = .sha1, digits: Int = 6, kind: ExportRecord.Kind = .totp(period: 30),
        issuer: String = "ACME Co", account: String = "dave", manufacturer: String? = nil, model: String? = nil,
        timeDrift: Int? = nil
    ) throws -> ExportRecord {
        try ExportRecord(
            username: username, serial: serial, secret: secret, algorithm: algorithm, digits: digits, kind: kind,
            issuer: issuer, account: account, manufacturer: manufacturer, model: model, timeDrift: timeDrift)
    }
}

/// Runs `xmllint --noout --nonet --schema` on a document, as a user checking an export would.
enum XMLLint {
    static var path: String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (directories + ["/usr/bin", "/usr/local/bin"]).map { $0 + "/xmllint" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func validate(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> ChildProcess.Result
    {
        let xmllint = try #require(
            path, "xmllint is missing: install libxml2-utils (scripts/install-deps does)",
            sourceLocation: sourceLocation)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exports-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: file, options: .atomic)
        defer { try? FileManager.default.removeItem(at: file) }
        return try ChildProcess.run(xmllint, ["--noout", "--nonet", "--schema", Fixtures.schema.path, file.path])
    }
}
