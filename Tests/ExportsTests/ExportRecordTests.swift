import Exports
import OTPCore
import Testing

struct ExportRecordTests {
    @Test func defaultsToTheSettingsEveryAppHonours() throws {
        let record = try ExportRecord(
            username: "dave", serial: "TF-0004", secret: Samples.rfcSecret, issuer: "ACME Co", account: "dave")
        #expect(record.algorithm == .sha1)
        #expect(record.digits == 6)
        #expect(record.kind == .totp(period: 30))
        #expect(record.manufacturer == nil)
        #expect(record.model == nil)
        #expect(record.timeDrift == nil)
    }

    @Test func descriptionNamesTheRecordAndRedactsTheSecret() throws {
        #expect(
            try "\(Samples.alice())"
                == "ExportRecord(alice@example.com, serial TF-0001, TOTP 30s, SHA1, 6 digits, Secret(20 bytes, redacted))"
        )
    }

    @Test func refusesAnEmptyUsernameNamingTheSerial() {
        #expect(throws: ExportError.emptyUsername(serial: "TF-0004")) { try Samples.record(username: "") }
    }

    @Test func refusesEmptyOrBlankFields() {
        #expect(throws: ExportError.emptyField(username: "dave", field: .serial)) { try Samples.record(serial: "") }
        #expect(throws: ExportError.emptyField(username: "dave", field: .issuer)) { try Samples.record(issuer: " ") }
        #expect(throws: ExportError.emptyField(username: "dave", field: .account)) { try Samples.record(account: "") }
        #expect(throws: ExportError.emptyField(username: "dave", field: .manufacturer)) {
            try Samples.record(manufacturer: "")
        }
        #expect(throws: ExportError.emptyField(username: "dave", field: .model)) { try Samples.record(model: "  ") }
    }

    static let controlCharacters = ["\n", "\r", "\t", "\u{0}", "\u{7F}", "\u{85}", "\u{FFFE}", "\u{FFFF}"]

    @Test(arguments: controlCharacters)
    func refusesControlCharactersInEveryField(character: String) {
        let fields: [(ExportField, () throws -> ExportRecord)] = [
            (.serial, { try Samples.record(serial: "TF\(character)4") }),
            (.issuer, { try Samples.record(issuer: "ACME\(character)Co") }),
            (.account, { try Samples.record(account: "da\(character)ve") }),
            (.manufacturer, { try Samples.record(manufacturer: "Token\(character)Forge") }),
            (.model, { try Samples.record(model: "T\(character)F") }),
        ]
        for (field, make) in fields {
            #expect(throws: ExportError.invalidCharacter(username: "dave", field: field)) { try make() }
        }
        #expect(throws: ExportError.invalidCharacter(username: "da\(character)ve", field: .username)) {
            try Samples.record(username: "da\(character)ve")
        }
    }

    @Test func refusesSurroundingWhitespaceInUsernameAndSerial() {
        #expect(throws: ExportError.surroundingWhitespace(username: " dave", field: .username)) {
            try Samples.record(username: " dave")
        }
        #expect(throws: ExportError.surroundingWhitespace(username: "dave", field: .serial)) {
            try Samples.record(serial: "TF-0004 ")
        }
    }

    @Test(arguments: [5, 11, 0])
    func refusesUnsupportedDigits(digits: Int) {
        #expect(throws: ExportError.unsupportedDigits(username: "dave", digits: digits)) {
            try Samples.record(digits: digits)
        }
    }

    @Test(arguments: [0, -30, Int(Int32.max) + 1])
    func refusesInvalidPeriods(period: Int) {
        #expect(throws: ExportError.invalidPeriod(username: "dave", period: period)) {
            try Samples.record(kind: .totp(period: period))
        }
    }

    @Test func refusesAnEmptySecret() {
        #expect(throws: ExportError.emptySecret(username: "dave")) { try Samples.record(secret: Secret(bytes: [])) }
    }
}
