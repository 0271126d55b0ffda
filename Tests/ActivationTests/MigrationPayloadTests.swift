import Activation
import Foundation
import OTPCore
import Testing

struct MigrationPayloadTests {
    // Public examples of Google Authenticator export links: dim13/otpauth's README (no batch
    // fields), johncallahan/otpauth_migration's README (two accounts, batch fields set), and a
    // percent-encoded one with a negative batch id from a Raspberry Pi 2FA guide's notes.
    static let dim13 =
        "otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC"
    static let twoAccounts =
        "otpauth-migration://offline?data=CkMKFD3GyqSCSm0oh2eyMx4gtDFmy4XZEhxBQ01FIENvOmpvaG4uZG9lQGV4YW1wbGUuY29tGgdBQ01FIENvIAEoATACCjUKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZSABKAEwAhABGAEgACjn4Pv4Ag=="
    static let percentEncoded =
        "otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B"

    @Test func decodesAnExportWithoutBatchFields() throws {
        let payload = try MigrationPayload(link: Self.dim13)
        #expect(
            payload.accounts.map(\.uriString) == [
                "otpauth://totp/Example:alice%40google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&algorithm=SHA1&digits=6&period=30"
            ])
        #expect(payload.batchSize == 1)
        #expect(payload.batchIndex == 0)
    }

    @Test func decodesTwoAccountsAndTheBatchFields() throws {
        let payload = try MigrationPayload(link: Self.twoAccounts)
        #expect(payload.accounts.map(\.label) == ["ACME Co:john.doe@example.com", "Example:alice@google.com"])
        #expect(payload.accounts[0].secret == (try Secret(base32: "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")))
        #expect(payload.accounts[0].issuer == "ACME Co")
        #expect(payload.accounts.allSatisfy { $0.kind == .totp(period: 30) && $0.algorithm == .sha1 && $0.digits == 6 })
        #expect(payload.version == 1)
        #expect(payload.batchSize == 1)
        #expect(payload.batchIndex == 0)
        #expect(payload.batchID == 790_556_775)
    }

    @Test func decodesAPercentEncodedLinkWithANegativeBatchID() throws {
        let payload = try MigrationPayload(link: Self.percentEncoded)
        #expect(payload.accounts.map(\.label) == ["raspberrypi:pi@raspberrypi"])
        #expect(payload.accounts[0].secret == (try Secret(base32: "7KSQL2JTUDIS5EF65KLMRQIIGY")))
        #expect(payload.batchID == -1_320_898_453)
    }

    @Test func toleratesLinksMangledInTransit() throws {
        let expected = try MigrationPayload(link: Self.percentEncoded)
        let plain = Self.percentEncoded.removingPercentEncoding!
        #expect(try MigrationPayload(link: plain) == expected)
        #expect(try MigrationPayload(link: plain.replacingOccurrences(of: "+", with: " ")) == expected)
        #expect(
            try MigrationPayload(link: " " + Self.twoAccounts.replacingOccurrences(of: "==", with: "") + "\n")
                == (try MigrationPayload(link: Self.twoAccounts)))
    }

    @Test(arguments: [
        [SampleAccounts.totp()],
        [
            SampleAccounts.totp(
                "Zoë", issuer: "Mairie", secret: SampleAccounts.secret(35), algorithm: .sha256, digits: 8),
            try! OTPAuthURI(
                kind: .hotp(counter: UInt64.max), account: "token", issuer: nil, secret: SampleAccounts.secret(64),
                algorithm: .sha512),
        ],
    ])
    func accountsRoundTripThroughALink(accounts: [OTPAuthURI]) throws {
        let payload = try MigrationPayload(accounts: accounts, batchID: 7)
        let decoded = try MigrationPayload(link: payload.link)
        #expect(decoded == payload)
        #expect(decoded.accounts == accounts)
    }

    @Test func reEncodingAKnownExportKeepsItsMeaning() throws {
        let payload = try MigrationPayload(link: Self.twoAccounts)
        #expect(try MigrationPayload(link: payload.link) == payload)
    }

    @Test func exportsSplitIntoBatchesOfAtMostTen() throws {
        let accounts = (0..<25).map {
            SampleAccounts.totp("user\($0)", secret: SampleAccounts.secret(20, seed: UInt8($0)))
        }
        let batches = try MigrationPayload.batches(of: accounts, batchID: 4242)
        #expect(batches.map(\.accounts.count) == [10, 10, 5])
        #expect(batches.map(\.batchIndex) == [0, 1, 2])
        #expect(batches.allSatisfy { $0.batchSize == 3 && $0.batchID == 4242 && $0.version == 1 })
        let decoded = try batches.map { try MigrationPayload(link: $0.link) }
        #expect(try MigrationPayload.accounts(in: decoded.reversed()) == accounts)
    }

    @Test func batchesAlsoSplitToFitAQRCode() throws {
        let accounts = (0..<10).map {
            SampleAccounts.totp(
                String(repeating: "long-name-", count: 12) + "\($0)",
                secret: SampleAccounts.secret(65, seed: UInt8($0)),
                algorithm: .sha512)
        }
        let limit = QRCode.ErrorCorrection.high.migrationLinkLimit
        let batches = try MigrationPayload.batches(of: accounts, batchID: 1, maximumLinkLength: limit)
        #expect(batches.count > 1)
        #expect(batches.allSatisfy { $0.link.utf8.count <= limit && $0.batchSize == batches.count })
        #expect(batches.flatMap(\.accounts) == accounts)
        for batch in batches { _ = try QRCode(encoding: batch.link, errorCorrection: .high) }
        #expect(throws: MigrationError.accountTooLong(label: accounts[0].label, limit: 100)) {
            try MigrationPayload.batches(of: accounts, batchID: 1, maximumLinkLength: 100)
        }
    }

    @Test func anIncompleteExportIsRefusedUnlessAllowed() throws {
        let accounts = (0..<12).map { SampleAccounts.totp("user\($0)") }
        let batches = try MigrationPayload.batches(of: accounts, batchID: 9)
        #expect(throws: MigrationError.missingBatches([1], of: 2)) { try MigrationPayload.accounts(in: [batches[0]]) }
        #expect(try MigrationPayload.accounts(in: [batches[0]], allowingIncompleteExports: true).count == 10)
        // The same code scanned twice counts once.
        #expect(try MigrationPayload.accounts(in: [batches[1], batches[0], batches[1]]) == accounts)
    }

    @Test func separateExportsAreEachChecked() throws {
        let first = try MigrationPayload.batches(of: [SampleAccounts.totp("a")], batchID: 1)
        let second = try MigrationPayload.batches(of: (0..<11).map { SampleAccounts.totp("b\($0)") }, batchID: 2)
        #expect(try MigrationPayload.accounts(in: first + second).count == 12)
        #expect(throws: MigrationError.missingBatches([0], of: 2)) {
            try MigrationPayload.accounts(in: first + [second[1]])
        }
        let clash = try MigrationPayload(accounts: [SampleAccounts.totp("c")], batchIndex: 1, batchSize: 2, batchID: 2)
        #expect(throws: MigrationError.conflictingBatch(index: 1)) {
            try MigrationPayload.accounts(in: second + [clash])
        }
        let resized = try MigrationPayload(
            accounts: [SampleAccounts.totp("c")], batchIndex: 0, batchSize: 3, batchID: 2)
        #expect(throws: MigrationError.inconsistentBatchSize(batchID: 2, sizes: [2, 3])) {
            try MigrationPayload.accounts(in: second + [resized])
        }
    }

    @Test func accountsGoogleAuthenticatorCannotHoldAreNotExported() {
        #expect(
            throws: MigrationError.notExportable(
                label: "ACME:zoe.muller@example.org", reason: "period 60 s (the export has no period: 30)")
        ) {
            try MigrationPayload(accounts: [SampleAccounts.totp(period: 60)], batchID: 1)
        }
        #expect(throws: MigrationError.self) {
            try MigrationPayload(accounts: [SampleAccounts.totp(digits: 7)], batchID: 1)
        }
        #expect(throws: MigrationError.invalidBatchCapacity(11)) {
            try MigrationPayload.batches(of: [SampleAccounts.totp()], batchID: 1, accountsPerBatch: 11)
        }
    }

    /// A payload built field by field (protobuf wire format), for the cases no app exports.
    static func link(_ accountFields: [UInt8], batch: [UInt8] = []) -> String {
        let message = [0x0A, UInt8(accountFields.count)] + accountFields + batch
        return "otpauth-migration://offline?data="
            + Data(message).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
    }

    static let secretField: [UInt8] = [0x0A, 0x05, 1, 2, 3, 4, 5]
    static let nameField: [UInt8] = [0x12, 0x03] + Array("bob".utf8)

    @Test(arguments: [
        (
            link(secretField + nameField + [0x20, 0x04, 0x30, 0x02]),
            MigrationError.unsupportedAlgorithm(account: 1, label: "bob", algorithm: "MD5")
        ),
        (link(secretField + nameField + [0x30, 0x00]), MigrationError.unknownType(account: 1, label: "bob", code: 0)),
        (link(secretField + nameField + [0x30, 0x07]), MigrationError.unknownType(account: 1, label: "bob", code: 7)),
        (
            link(secretField + nameField + [0x28, 0x03, 0x30, 0x02]),
            MigrationError.unsupportedDigits(account: 1, label: "bob", code: 3)
        ),
        (link(nameField + [0x30, 0x02]), MigrationError.emptySecret(account: 1, label: "bob")),
        (
            link(secretField + [0x12, 0x03] + Array("a:b".utf8) + [0x1A, 0x01] + Array("c".utf8) + [0x30, 0x02]),
            MigrationError.invalidAccount(account: 1, label: "c:a:b", .colonInLabel)
        ),
        (
            link(secretField + nameField + [0x30, 0x02], batch: [0x18, 0x02, 0x20, 0x02]),
            MigrationError.invalidBatch(index: 2, size: 2)
        ),
        ("otpauth-migration://offline?data=", MigrationError.missingData),
        ("otpauth-migration://offline?foo=bar", MigrationError.missingData),
        ("otpauth-migration://offline?data=%%%", MigrationError.invalidBase64),
        ("otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1w", MigrationError.invalidProtobuf),
        ("otpauth-migration://offline?data=EAE%3D", MigrationError.noAccounts),
        ("otpauth://totp/a?secret=GEZDGNBV", MigrationError.notMigrationLink),
        (
            link(secretField + nameField + [0x30, 0x02], batch: [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0x07]),
            MigrationError.tooManyBatches(2_147_483_647, limit: 1_000)
        ),
        (
            link(secretField + nameField + [0x30, 0x02]) + "&data=EAE%3D",
            MigrationError.duplicateData
        ),
    ])
    func malformedExportsAreNamed(link: String, error: MigrationError) {
        #expect(throws: error) { try MigrationPayload(link: link) }
    }

    @Test func aThousandCodeExportListsTenMissingCodesAndACount() throws {
        let error = MigrationError.missingBatches(Array(1..<1_000), of: 1_000)
        #expect("\(error)" == "the export has 1000 codes, but code(s) 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 989 more were not given: scan every code of the export")
    }

    @Test func descriptionsNeverShowTheSecret() throws {
        let payload = try MigrationPayload(link: Self.twoAccounts)
        #expect(!"\(payload)".contains("HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"))
        #expect("\(payload)".contains("ACME Co:john.doe@example.com"))
    }
}
