import Exports
import OTPCore
import Testing

struct PrivacyIDEACSVTests {
    @Test func writesVersion2LinesInTheDocumentedOrder() throws {
        #expect(
            try PrivacyIDEACSV.export(Samples.all(), resolver: "corp-ldap", realm: "staff")
                == """
                # version: 2
                alice@example.com, corp-ldap, staff, TF-0001, 3132333435363738393031323334353637383930, TOTP, 6, 30
                bob, corp-ldap, staff, TF-0002, 3132333435363738393031323334353637383930313233343536373839303132, HOTP, 8, 5
                carol, corp-ldap, staff, APP-carol, 31323334353637383930313233343536373839303132333435363738393031323334353637383930313233343536373839303132333435363738393031323334, TOTP, 6, 60

                """)
    }

    @Test func allowsAnEmptyResolverAndRealm() throws {
        #expect(
            try PrivacyIDEACSV.export([Samples.alice()], resolver: "", realm: "")
                == "# version: 2\nalice@example.com, , , TF-0001, 3132333435363738393031323334353637383930, TOTP, 6, 30\n"
        )
    }

    @Test(arguments: [(10, OTPAlgorithm.sha1), (20, .sha1), (32, .sha256), (64, .sha512)])
    func acceptsSeedsWhoseLengthNamesTheirHash(byteCount: Int, algorithm: OTPAlgorithm) throws {
        let record = try Samples.record(
            secret: Secret(bytes: [UInt8](repeating: 1, count: byteCount)), algorithm: algorithm)
        #expect(try PrivacyIDEACSV.export([record], resolver: "r", realm: "x").hasSuffix(", TOTP, 6, 30\n"))
    }

    @Test(arguments: [(32, OTPAlgorithm.sha1), (64, .sha1), (20, .sha256), (64, .sha256), (32, .sha512), (20, .sha512)])
    func refusesSeedsPrivacyIDEAWouldReadAsAnotherHash(byteCount: Int, algorithm: OTPAlgorithm) throws {
        let record = try Samples.record(
            secret: Secret(bytes: [UInt8](repeating: 1, count: byteCount)), algorithm: algorithm)
        #expect(throws: ExportError.seedLengthMisread(username: "dave", algorithm: algorithm, byteCount: byteCount)) {
            try PrivacyIDEACSV.export([record], resolver: "r", realm: "x")
        }
    }

    @Test(arguments: [ExportField.username, .serial, .resolver, .realm])
    func refusesACommaInAnyField(field: ExportField) throws {
        let record = try Samples.record(
            username: field == .username ? "da,ve" : "dave", serial: field == .serial ? "TF,4" : "TF-0004")
        let username = record.username
        #expect(throws: ExportError.commaInField(username: username, field: field)) {
            try PrivacyIDEACSV.export(
                [record], resolver: field == .resolver ? "ld,ap" : "ldap", realm: field == .realm ? "st,aff" : "staff")
        }
    }

    @Test func refusesAUsernameThatWouldReadAsAComment() throws {
        let record = try Samples.record(username: "#dave")
        #expect(throws: ExportError.usernameStartsWithHash(username: "#dave")) {
            try PrivacyIDEACSV.export([record], resolver: "r", realm: "x")
        }
    }

    @Test func refusesAResolverOrRealmThePlainTextCannotCarry() throws {
        let record = try Samples.record()
        #expect(throws: ExportError.invalidCharacter(username: "dave", field: .resolver)) {
            try PrivacyIDEACSV.export([record], resolver: "ld\nap", realm: "x")
        }
        #expect(throws: ExportError.surroundingWhitespace(username: "dave", field: .realm)) {
            try PrivacyIDEACSV.export([record], resolver: "ldap", realm: "staff ")
        }
    }

    @Test func refusesADuplicateSerial() throws {
        let twin = try Samples.record(username: "mallory", serial: "TF-0001")
        #expect(throws: ExportError.duplicateSerial(username: "mallory", serial: "TF-0001")) {
            try PrivacyIDEACSV.export([Samples.alice(), twin], resolver: "r", realm: "x")
        }
    }
}
