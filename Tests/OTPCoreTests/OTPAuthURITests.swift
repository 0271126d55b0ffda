import OTPCore
import PropertyBased
import Testing

struct OTPAuthURITests {
    @Test func parsesTheKeyURIFormatExample() throws {
        let uri = try OTPAuthURI(
            parsing:
                "otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
        )
        #expect(uri.kind == .totp(period: 30))
        #expect(uri.issuer == "ACME Co")
        #expect(uri.account == "john.doe@email.com")
        #expect(uri.algorithm == .sha1)
        #expect(uri.digits == 6)
        #expect(uri.secret == (try Secret(base32: "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ")))
    }

    @Test func appliesDefaultsAndReadsIssuerFromTheLabelAlone() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP")
        #expect(uri.issuer == "Example")
        #expect(uri.kind == .totp(period: 30))
        #expect(uri.digits == 6)
        #expect(uri.algorithm == .sha1)
    }

    @Test func readsIssuerFromTheParameterAlone() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP&issuer=Example")
        #expect(uri.issuer == "Example")
        #expect(uri.account == "alice")
    }

    @Test func acceptsAnEncodedColonAndSpacesAfterIt() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://totp/Big%20Corporation%3A%20%20alice?secret=JBSWY3DPEHPK3PXP")
        #expect(uri.issuer == "Big Corporation")
        #expect(uri.account == "alice")
    }

    @Test func readsNonASCIINamesAsUTF8() throws {
        let uri = try OTPAuthURI(
            parsing: "otpauth://totp/Mairie%20d%27%C3%89vry:Zo%C3%AB%20M%C3%BCller?secret=JBSWY3DPEHPK3PXP")
        #expect(uri.issuer == "Mairie d'Évry")
        #expect(uri.account == "Zoë Müller")
    }

    @Test func formatsEveryParameterAndEncodesTheLabel() throws {
        let uri = try OTPAuthURI(
            account: "Zoë Müller", issuer: "ACME & Co", secret: Secret(bytes: Array("12345678901234567890".utf8)),
            algorithm: .sha256, digits: 8)
        #expect(
            uri.uriString
                == "otpauth://totp/ACME%20%26%20Co:Zo%C3%AB%20M%C3%BCller?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20%26%20Co&algorithm=SHA256&digits=8&period=30"
        )
    }

    @Test func descriptionRedactsTheSecret() throws {
        let uri = try OTPAuthURI(parsing: "otpauth://hotp/alice?secret=JBSWY3DPEHPK3PXP&counter=3")
        #expect("\(uri)" == "otpauth://hotp/alice?secret=REDACTED&algorithm=SHA1&digits=6&counter=3")
    }

    @Test func parsesHOTPWithItsCounter() throws {
        let uri = try OTPAuthURI(parsing: "OTPAUTH://HOTP/alice?secret=jbswy3dpehpk3pxp&counter=18446744073709551615")
        #expect(uri.kind == .hotp(counter: .max))
    }

    static let malformed: [(String, OTPAuthURIError)] = [
        ("https://example.com/totp/a?secret=JBSWY3DP", .notOTPAuth),
        ("otpauth://", .notOTPAuth),
        ("otpauth://motp/alice?secret=JBSWY3DP", .unknownType("motp")),
        ("otpauth://totp", .missingLabel),
        ("otpauth://totp/?secret=JBSWY3DP", .missingLabel),
        ("otpauth://totp/Example:?secret=JBSWY3DP", .missingAccount),
        ("otpauth://totp/a:b:c?secret=JBSWY3DP", .colonInLabel),
        ("otpauth://totp/a%3Ab%3Ac?secret=JBSWY3DP", .colonInLabel),
        ("otpauth://totp/alice?secret=JBSWY3DP&issuer=a:b", .colonInIssuer),
        ("otpauth://totp/a%ZZ?secret=JBSWY3DP", .invalidPercentEncoding(part: "label")),
        ("otpauth://totp/a%C3?secret=JBSWY3DP", .invalidPercentEncoding(part: "label")),
        ("otpauth://totp/alice?secret=JBSWY3DP&issuer=%", .invalidPercentEncoding(part: "issuer parameter")),
        ("otpauth://totp/Acme:alice?secret=JBSWY3DP&issuer=Other", .issuerMismatch(label: "Acme", parameter: "Other")),
        ("otpauth://totp/alice", .missingSecret),
        ("otpauth://totp/alice?issuer=Acme", .missingSecret),
        ("otpauth://totp/alice?secret=", .missingSecret),
        ("otpauth://totp/alice?secret=JBSW1Y3DP", .invalidSecret(.invalidCharacter("1", offset: 4))),
        ("otpauth://totp/alice?secret=JBSWY3DP&algorithm=MD5", .invalidAlgorithm("MD5")),
        ("otpauth://totp/alice?secret=JBSWY3DP&digits=5", .invalidDigits("5")),
        ("otpauth://totp/alice?secret=JBSWY3DP&digits=six", .invalidDigits("six")),
        ("otpauth://totp/alice?secret=JBSWY3DP&digits=11", .invalidDigits("11")),
        ("otpauth://totp/alice?secret=JBSWY3DP&period=0", .invalidPeriod("0")),
        ("otpauth://totp/alice?secret=JBSWY3DP&period=-30", .invalidPeriod("-30")),
        ("otpauth://hotp/alice?secret=JBSWY3DP", .missingCounter),
        ("otpauth://hotp/alice?secret=JBSWY3DP&counter=-1", .invalidCounter("-1")),
        ("otpauth://totp/alice?secret=JBSWY3DP&digits=6&digits=8", .duplicateParameter("digits")),
        ("otpauth://totp/alice?secret=JBSWY3DP&JBSWY3DP", .malformedParameter(index: 1)),
    ]

    @Test(arguments: malformed)
    func malformedURIsNameThePartThatIsWrong(text: String, expected: OTPAuthURIError) {
        #expect(throws: expected) { try OTPAuthURI(parsing: text) }
    }

    @Test func errorsNeverEchoTheSecret() {
        for (text, _) in Self.malformed {
            do {
                _ = try OTPAuthURI(parsing: text)
            } catch {
                #expect(!"\(error)".contains("JBSWY3DP"), "\(error)")
            }
        }
    }

    static let label = Gen.oneOf(
        Gen.letterOrNumber.string(of: 1...12).eraseToAnySequence(),
        Gen.character(in: " "..."9").string(of: 1...12).eraseToAnySequence(),
        Gen.character(in: "À"..."ž").string(of: 1...8).eraseToAnySequence(),
        Gen.character(in: "😀"..."🙏").string(of: 1...4).eraseToAnySequence()
    ).filter { !$0.contains(":") }

    @Test func parsingAFormattedURIGivesItBack() async {
        let kind = Gen.oneOf(
            Gen.int(in: 1...600).map { OTPAuthURI.Kind.totp(period: $0) }.eraseToAnySequence(),
            Gen.uint64().map { OTPAuthURI.Kind.hotp(counter: $0) }.eraseToAnySequence())
        let input = zip(
            kind, Self.label, Self.label.optional, Gen.uint8().array(of: 1...64), Gen<OTPAlgorithm>.case,
            Gen.int(in: 6...10))
        await propertyCheck(count: 500, input: input) { kind, account, issuer, bytes, algorithm, digits in
            guard
                let uri = try? OTPAuthURI(
                    kind: kind, account: account, issuer: issuer, secret: Secret(bytes: bytes),
                    algorithm: algorithm, digits: digits)
            else {
                // Only an issuer with a leading-space-only account can be refused.
                #expect(account.allSatisfy { $0 == " " })
                return
            }
            #expect((try? OTPAuthURI(parsing: uri.uriString)) == uri)
        }
    }

    @Test func malformedURIsNeverCrash() async {
        let pieces = Gen.element(of: [
            "otpauth://", "totp/", "hotp/", "%", "%3A", "%C3%A9", ":", "?", "&", "=", "secret=", "JBSWY3DP",
            "issuer=", "digits=", "8", "period=", "counter=", "-1", "algorithm=", "SHA256", "é", " ", "/",
        ]).map { $0! }.array(of: 0...14).map { $0.joined() }
        await propertyCheck(count: 2_000, input: pieces) { text in
            do {
                let uri = try OTPAuthURI(parsing: text)
                #expect((try? OTPAuthURI(parsing: uri.uriString)) == uri)
            } catch {
                #expect(!"\(error)".isEmpty)
            }
        }
    }
}
