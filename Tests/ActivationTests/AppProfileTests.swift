import Activation
import OTPCore
import Testing

/// The table of formats.md ("What the apps honour"), one parameter changed from the profile that
/// works everywhere (TOTP, SHA1, 6 digits, 30 s, 20-byte secret) at a time.
struct AppProfileTests {
    enum Variation: String, CaseIterable, Sendable {
        case sha256, sha512, eightDigits, sevenDigits, tenDigits, period60, period15, hotp, secret32Bytes

        var account: OTPAuthURI {
            let secret = SampleAccounts.secret(self == .secret32Bytes ? 32 : 20)
            switch self {
            case .sha256: return SampleAccounts.totp(secret: secret, algorithm: .sha256)
            case .sha512: return SampleAccounts.totp(secret: secret, algorithm: .sha512)
            case .eightDigits: return SampleAccounts.totp(secret: secret, digits: 8)
            case .sevenDigits: return SampleAccounts.totp(secret: secret, digits: 7)
            case .tenDigits: return SampleAccounts.totp(secret: secret, digits: 10)
            case .period60: return SampleAccounts.totp(secret: secret, period: 60)
            case .period15: return SampleAccounts.totp(secret: secret, period: 15)
            case .hotp: return try! OTPAuthURI(kind: .hotp(counter: 0), account: "a", issuer: "B", secret: secret)
            case .secret32Bytes: return SampleAccounts.totp(secret: secret)
            }
        }

        var issue: AppCompatibilityIssue {
            switch self {
            case .sha256: .algorithm(.sha256)
            case .sha512: .algorithm(.sha512)
            case .eightDigits: .digits(8)
            case .sevenDigits: .digits(7)
            case .tenDigits: .digits(10)
            case .period60: .period(60)
            case .period15: .period(15)
            case .hotp: .counterBased
            case .secret32Bytes: .secretLength(base32Characters: 52)
            }
        }
    }

    /// What each app refuses; everything else it accepts.
    static let refused: [AppProfile: Set<Variation>] = [
        .any: Set(Variation.allCases),
        .microsoft: Set(Variation.allCases),
        .accessSecurium: Set(Variation.allCases),
        .googleAndroid: [.sha256, .sha512, .sevenDigits, .tenDigits, .period60, .period15, .secret32Bytes],
        .google: [.sevenDigits, .tenDigits, .secret32Bytes],
        .freeOTP: [.tenDigits, .secret32Bytes],
        .aegis: [.secret32Bytes],
    ]

    @Test(arguments: AppProfile.allCases)
    func refusesExactlyWhatTheTableSays(app: AppProfile) {
        #expect(app.issues(with: SampleAccounts.totp()).isEmpty)
        for variation in Variation.allCases {
            let issues = app.issues(with: variation.account)
            if Self.refused[app]!.contains(variation) {
                #expect(issues == [variation.issue], "\(app.rawValue) should refuse \(variation.rawValue)")
            } else {
                #expect(issues.isEmpty, "\(app.rawValue) should accept \(variation.rawValue)")
            }
        }
    }

    @Test func theErrorNamesTheAppAndEveryParameter() {
        let account = SampleAccounts.totp(algorithm: .sha256, digits: 8)
        #expect(throws: AppCompatibilityError.incompatible(app: .microsoft, issues: [.algorithm(.sha256), .digits(8)]))
        {
            try AppProfile.microsoft.check(account)
        }
        let message =
            "\(AppCompatibilityError.incompatible(app: .microsoft, issues: [.algorithm(.sha256), .digits(8)]))"
        #expect(message.contains("Microsoft Authenticator"))
        #expect(message.contains("algorithm=SHA256"))
        #expect(message.contains("digits=8"))
        #expect(!message.contains(account.secret.base32EncodedString()))
    }

    @Test func googleOnAndroidIsNamedForAPeriodItIgnores() {
        let message = "\(AppCompatibilityError.incompatible(app: .googleAndroid, issues: [.period(60)]))"
        #expect(message.contains("Google Authenticator on Android"))
        #expect(message.contains("period=60"))
    }

    @Test func newSecretsFillWholeBase32Groups() {
        #expect(OTPAlgorithm.allCases.map(AppProfile.secretByteCount) == [20, 35, 65])
        for algorithm in OTPAlgorithm.allCases {
            let account = SampleAccounts.totp(
                secret: SampleAccounts.secret(AppProfile.secretByteCount(for: algorithm)), algorithm: algorithm)
            #expect(AppProfile.aegis.issues(with: account).isEmpty)
        }
    }

    @Test func activationCodesAreCheckedUnlessOverridden() throws {
        let account = SampleAccounts.totp(period: 60)
        #expect(throws: AppCompatibilityError.self) { try ActivationCode.qrCode(for: account, app: .googleAndroid) }
        let code = try ActivationCode.qrCode(for: account, app: .googleAndroid, allowingIncompatible: true)
        let directory = try TemporaryDirectory()
        #expect(try ExternalTool.zbarimg(directory.write("code.png", code.pngData())) == [account.uriString])
    }
}
