import Activation
import OTPCore
import Testing

struct ActivationPayloadTests {
    @Test func otpauthAndMigrationLinksAreAccepted() throws {
        let account = SampleAccounts.totp()
        #expect(try ActivationPayload(text: account.uriString) == .account(account))
        #expect(
            try ActivationPayload(text: "  " + MigrationPayloadTests.dim13 + "\n").accounts.map(\.label) == [
                "Example:alice@google.com"
            ])
        #expect(try ActivationPayload(text: "OTPAUTH://TOTP/a?secret=GEZDGNBV").accounts.count == 1)
    }

    @Test(arguments: [
        (
            "phonefactor://activate_account?code=123456789&url=https://mobileappcommunicator.auth.microsoft.com/activate/ABCDEF",
            ForeignCode.phoneFactor
        ),
        ("FIDO:/1234567890123456789012345678901234567890", .fido),
        ("https://example.org/enrol?token=abc", .webAddress(scheme: "https")),
        ("WIFI:S:office;T:WPA;P:secret;;", .otherURI(scheme: "wifi")),
        ("4006381333931", .number(digits: 13)),
        ("Serial SN-2024-00017", .text(characters: 20)),
        ("", .empty),
    ])
    func otherCodesAreNamedWithoutEchoingThem(text: String, found: ForeignCode) {
        #expect(throws: ActivationPayloadError.notOTP(found)) { try ActivationPayload(text: text) }
        let message = "\(ActivationPayloadError.notOTP(found))"
        if text.count > 12 { #expect(!message.contains(text)) }
    }

    @Test func malformedAccountsSayWhatIsWrong() {
        #expect(throws: ActivationPayloadError.invalidAccount(.missingSecret)) {
            try ActivationPayload(text: "otpauth://totp/a?issuer=b")
        }
        #expect(throws: ActivationPayloadError.invalidMigration(.invalidBase64)) {
            try ActivationPayload(text: "otpauth-migration://offline?data=%%")
        }
    }

    @Test func selectionsPickAccountsByNumberOrLabel() throws {
        let accounts = try MigrationPayload(link: MigrationPayloadTests.twoAccounts).accounts
        #expect(try AccountSelection.all.apply(to: accounts) == accounts)
        #expect(try AccountSelection.numbers([2, 1]).apply(to: accounts) == [accounts[1], accounts[0]])
        #expect(try AccountSelection.labels(["alice@google.com"]).apply(to: accounts) == [accounts[1]])
        #expect(try AccountSelection.labels(["ACME Co:john.doe@example.com"]).apply(to: accounts) == [accounts[0]])
        #expect(throws: AccountSelectionError.noSuchNumber(3, count: 2)) {
            try AccountSelection.numbers([3]).apply(to: accounts)
        }
        #expect(throws: AccountSelectionError.noSuchLabel("carol")) {
            try AccountSelection.labels(["carol"]).apply(to: accounts)
        }
        let twins = [SampleAccounts.totp("x", issuer: "A"), SampleAccounts.totp("x", issuer: "B")]
        #expect(throws: AccountSelectionError.ambiguousLabel("x", matches: 2)) {
            try AccountSelection.labels(["x"]).apply(to: twins)
        }
    }
}

extension ActivationPayloadTests {
    @Test func singleAccountsComeFirstThenExportsInBatchOrder() throws {
        let single = SampleAccounts.totp("single")
        let batches = try MigrationPayload.batches(of: (0..<11).map { SampleAccounts.totp("e\($0)") }, batchID: 3)
        let payloads: [ActivationPayload] = [.migration(batches[1]), .account(single), .migration(batches[0])]
        let accounts = try ActivationPayload.accounts(in: payloads)
        #expect(accounts.map(\.account) == ["single"] + (0..<11).map { "e\($0)" })
        #expect(throws: MigrationError.missingBatches([0], of: 2)) {
            try ActivationPayload.accounts(in: [.migration(batches[1])])
        }
    }
}
