import Exports
import Foundation
import OTPCore
import Testing

/// Errors reach logs and terminals: none may reveal a secret or the export password, in any encoding.
struct ErrorRedactionTests {
    static let secretBytes = Array("TOPSECRET-SEED-0123456789".utf8)
    static let secret = Secret(bytes: secretBytes)
    static let password = "TOPSECRET-PASSWORD"

    static var forbidden: [String] {
        [
            String(decoding: secretBytes, as: UTF8.self), secret.hexEncodedString(), secret.base32EncodedString(),
            Data(secretBytes).base64EncodedString(), password,
        ]
    }

    static func record(
        username: String = "eve", algorithm: OTPAlgorithm = .sha1, kind: ExportRecord.Kind = .totp(period: 30),
        account: String = "eve"
    ) throws -> ExportRecord {
        try ExportRecord(
            username: username, serial: "TF-0666", secret: secret, algorithm: algorithm, kind: kind, issuer: "ACME",
            account: account)
    }

    /// Every failing operation with a secret-bearing record or password, and the error it threw.
    static func failures() throws -> [any Error] {
        var errors: [any Error] = []
        func collect(_ body: () throws -> Void) {
            do { try body() } catch { errors.append(error) }
        }
        collect { _ = try EntraCSV.export([record(algorithm: .sha256)]) }
        collect { _ = try EntraCSV.export([record(kind: .hotp(counter: 1))]) }
        collect { _ = try EntraCSV.export([record(kind: .totp(period: 45))]) }
        collect { _ = try PrivacyIDEACSV.export([record(algorithm: .sha256)], resolver: "r", realm: "x") }
        collect { _ = try PrivacyIDEACSV.export([record(username: "e,ve")], resolver: "r", realm: "x") }
        collect { _ = try URIList.export([record(account: "e:ve")]) }
        collect { _ = try PSKCDocument.export([record(kind: .hotp(counter: .max))], protection: .plaintext) }
        collect { _ = try PSKCDocument.export([record()], protection: .password(password, iterationCount: 10)) }
        collect { _ = try PSKCDocument.export([record(), record()], protection: .password(password)) }
        collect { _ = try ExportRecord(username: "eve", serial: "TF", secret: secret, issuer: "A", account: "e\n") }

        let xml = try PSKCDocument.export([record()], protection: .password(password, iterationCount: 1_000))
        collect { _ = try PSKCDocument.decrypt(xml: xml, password: password + "x") }
        collect { _ = try PSKCDocument.decrypt(xml: xml, password: "") }
        collect { _ = try PSKCDocument.read(xml: xml) }
        let tampered = xml.replacing("<pskc:ValueMAC>", with: "<pskc:ValueMAC>AAAA")
        collect { _ = try PSKCDocument.decrypt(xml: tampered, password: password) }
        let plain = try PSKCDocument.export([record()], protection: .plaintext)
        collect { _ = try PSKCDocument.decrypt(xml: plain, password: password) }
        return errors
    }

    @Test func noErrorDescriptionRevealsASecretOrThePassword() throws {
        let errors = try Self.failures()
        #expect(errors.count == 15)
        for error in errors {
            for text in ["\(error)", String(reflecting: error)] {
                for secret in Self.forbidden {
                    #expect(!text.contains(secret), "\(type(of: error)) reveals secret material: \(text)")
                }
            }
        }
    }

    @Test func errorsNameTheUserAndTheField() throws {
        let descriptions = try Self.failures().compactMap { $0 as? ExportError }.map(\.description)
        #expect(
            descriptions.contains(
                #"user "e,ve": the username contains a comma, which privacyIDEA's CSV cannot carry; use PSKC"#))
        #expect(descriptions.contains(#"user "eve": the account contains a control character; remove it"#))
        #expect(
            descriptions.contains(
                #"user "eve": privacyIDEA infers the hash from the seed length and would not read a 25-byte seed as SHA256; use the PSKC export"#
            ))
    }
}
