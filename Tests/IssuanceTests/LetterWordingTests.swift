import Activation
import Foundation
import Issuance
import OTPCore
import Testing

/// Every language × app profile: the letter names the app's own buttons, differs where the apps
/// differ, and is set with typographic quotes and apostrophes in every visible string.
struct LetterWordingTests {
    static let secret = Secret(bytes: Array(0..<20))

    static func uri(account: String = "zoe.muller@example.org") throws -> OTPAuthURI {
        try OTPAuthURI(account: account, issuer: "ACME", secret: secret)
    }

    static func letter(_ profile: AppProfile, _ language: Language, fields: LetterFields = LetterFields()) throws
        -> String
    {
        let renderer = try LetterRenderer(fields: fields, today: LetterDate(iso: "2026-12-02")!)
        let entry = RosterEntry(
            username: "zmuller", displayName: "Zoë Müller", email: "zoe.muller@example.org", language: language,
            method: .app, appProfile: profile, address: ["Bahnhofstrasse 12", "8001 Zürich"])
        return renderer.render(for: entry, issuer: "ACME", uri: try uri(), png: [1, 2, 3], svg: "<svg/>")
    }

    /// The text a reader sees: tags, the style sheet and the image data removed, attribute values kept.
    static func visibleText(_ html: String) -> String {
        var text = html.replacingOccurrences(of: #"<style>[\s\S]*?</style>"#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"src="[^"]*""#, with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: #"<[^>]*alt="([^"]*)"[^>]*>"#, with: " $1 ", options: .regularExpression)
        return text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
    }

    @Test(arguments: Language.allCases)
    func everyProfileNamesItsOwnStepsInTheLetter(language: Language) throws {
        for profile in AppProfile.allCases {
            let html = try Self.letter(profile, language)
            let steps = AppSteps.steps(for: profile, in: language)
            for part in [steps.install, steps.protect, steps.scan, steps.manual] {
                let shown =
                    language == .fr
                    ? part.replacingOccurrences(of: " :", with: "\u{202F}:")
                        .replacingOccurrences(of: " ;", with: "\u{202F};") : part
                #expect(html.contains(shown), "\(profile) \(language): \(part)")
            }
        }
    }

    @Test(arguments: Language.allCases)
    func appsThatDifferGetDifferentSteps(language: Language) throws {
        let wordings = AppProfile.allCases.map { AppSteps.steps(for: $0, in: language) }
        for (i, a) in wordings.enumerated() {
            for b in wordings[(i + 1)...] { #expect(a != b) }
        }
        let microsoft = AppSteps.steps(for: .microsoft, in: language).scan
        #expect(microsoft.contains("(Google, Facebook"))
        let photo = language == .fr || language == .en ? "Photo" : "Foto"
        for profile in AppProfile.allCases {
            let scan = AppSteps.steps(for: profile, in: language).scan
            // Only AccessSecurium (and the letter for any app, which names it) has a «Photo» symbol.
            #expect(scan.contains(photo) == [.accessSecurium, .any].contains(profile), "\(profile)")
        }
        #expect(AppSteps.steps(for: .google, in: language).install.contains("App Store"))
        #expect(AppSteps.steps(for: .googleAndroid, in: language).install.contains("Google Play"))
        #expect(!AppSteps.steps(for: .googleAndroid, in: language).install.contains("App Store"))
    }

    @Test(arguments: Language.allCases)
    func visibleTextHasTypographicQuotesAndApostrophes(language: Language) throws {
        for profile in AppProfile.allCases {
            let text = Self.visibleText(try Self.letter(profile, language))
            #expect(!text.contains("'"), "\(profile) \(language)")
            #expect(!text.contains("\""), "\(profile) \(language)")
            #expect(!text.contains("&#39;") && !text.contains("&quot;"), "\(profile) \(language)")
        }
    }

    @Test func frenchAndItalianUseTheArticleAndNarrowSpaces() throws {
        let french = try Self.letter(.any, .fr)
        #expect(french.contains("a activé l’OTP"))
        #expect(french.contains("«\u{202F}AccessSecurium\u{202F}»"))
        #expect(french.contains("SMS\u{202F}: il sera généré"))
        #expect(!french.contains(" :"))
        #expect(try Self.letter(.any, .it).contains("ha attivato l’OTP"))
        #expect(try Self.letter(.microsoft, .de).contains("«Anderes Konto (Google, Facebook usw.)»"))
    }

    @Test(arguments: Language.allCases)
    func theAltTextAndEveryHeadingAreInTheLettersLanguage(language: Language) throws {
        let html = try Self.letter(.aegis, language)
        let alt: String =
            switch language {
            case .fr: "alt=\"Code QR à scanner avec l’application Aegis Authenticator\""
            case .de: "alt=\"QR-Code zum Scannen mit der App Aegis Authenticator\""
            case .it: "alt=\"Codice QR da scansionare con l’app Aegis Authenticator\""
            case .en: "alt=\"QR code to scan with the Aegis Authenticator app\""
            }
        #expect(html.contains(alt))
        let protect: String =
            switch language {
            case .fr: "Étape 2 – Protéger l’application par un code"
            case .de: "Schritt 2 – App mit einem Code schützen"
            case .it: "Passo 2 – Proteggere l’app con un codice"
            case .en: "Step 2 – Protect the app with a code"
            }
        #expect(html.contains(protect))
        #expect(html.contains("<html lang=\"\(language.rawValue)\">"))
    }

    @Test func theManualEntryPrintsTheKeyInGroupsOfFourWithTypeDigitsAndPeriod() throws {
        let html = try Self.letter(.google, .en)
        let key = Self.secret.base32EncodedString()
        #expect(key == "AAAQEAYEAUDAOCAJBIFQYDIOB4IBCEQT")
        #expect(html.contains("AAAQ EAYE AUDA OCAJ BIFQ YDIO B4IB CEQT"))
        for expected in [
            "Issuer</td><td>ACME", "Account</td><td>zoe.muller@example.org", "time-based (TOTP)",
            "Digits</td><td>6", "Period</td><td>30 seconds",
        ] {
            #expect(html.contains(expected), "\(expected)")
        }
    }

    @Test func theLetterFieldsReachTheLetter() throws {
        let fields = LetterFields(
            sender: ["ACME SA", "Rue du Lac 1", "1000 Lausanne"], helpdesk: "+41 21 555 01 00",
            date: LetterDate(iso: "2027-01-01"), confirmation: .login, login: "portal.example.org")
        let french = try Self.letter(.microsoft, .fr, fields: fields)
        for expected in [
            "ACME SA<br>Rue du Lac 1<br>1000 Lausanne", "1er janvier 2027",
            "Zoë Müller<br>Bahnhofstrasse 12<br>8001 Zürich",
            "Connectez-vous à portal.example.org", "Des questions\u{202F}? +41 21 555 01 00",
        ] {
            #expect(french.contains(expected), "\(expected)")
        }
        let german = try Self.letter(.microsoft, .de, fields: LetterFields(helpdesk: "Helpdesk 555"))
        #expect(german.contains("dem Helpdesk (Helpdesk 555) mit"))
        #expect(german.contains("2. Dezember 2026"))
        #expect(german.contains("<div class=\"sender\">ACME<br></div>"))
        let withoutHelpdesk = try Self.letter(.microsoft, .en)
        #expect(withoutHelpdesk.contains("to your administrator: it confirms your activation"))
        #expect(!withoutHelpdesk.contains("Questions?") && !withoutHelpdesk.contains("<p></p>"))
    }

    @Test func aLetterConfigurationIsReadStrictly() throws {
        let fields = try LetterFields(
            configuration:
                #"{"sender": ["ACME SA", "IT"], "helpdesk": "555", "date": "2026-02-28", "confirmation": "login", "login": "vpn"}"#,
            file: "letters.json")
        #expect(
            fields
                == LetterFields(
                    sender: ["ACME SA", "IT"], helpdesk: "555", date: LetterDate(iso: "2026-02-28"),
                    confirmation: .login, login: "vpn"))
        #expect(
            throws: LetterFieldsError.invalid(
                file: "letters.json",
                "unknown key \"helpdsk\": the keys are sender, helpdesk, date, confirmation, login")
        ) {
            try LetterFields(configuration: #"{"helpdsk": "555"}"#, file: "letters.json")
        }
        #expect(throws: LetterFieldsError.invalid(file: "letters.json", "date \"2026-02-30\" is not YYYY-MM-DD")) {
            try LetterFields(configuration: #"{"date": "2026-02-30"}"#, file: "letters.json")
        }
    }

    @Test(arguments: Language.allCases, HandoverSheet.PINDelivery.allCases)
    func theHandoverSheetSaysSerialAccountLoginAndPIN(language: Language, delivery: HandoverSheet.PINDelivery) throws {
        let renderer = try LetterRenderer(fields: LetterFields(login: "portal.example.org"))
        let sheet = HandoverSheet(
            username: "bkeller", name: "Bruno Keller", language: language, serial: "TFDEMO0001", slot: 2,
            issuer: "ACME", account: "bruno.keller@example.org", pinDelivery: delivery)
        let html = renderer.render(sheet)
        for expected in ["TFDEMO0001", "bruno.keller@example.org", "portal.example.org", "Bruno Keller", "bkeller"] {
            #expect(html.contains(expected))
        }
        let text = Self.visibleText(html)
        #expect(!text.contains("'") && !text.contains("\""))
        let others = HandoverSheet.PINDelivery.allCases.filter { $0 != delivery }.map { other in
            var changed = sheet
            changed.pinDelivery = other
            return renderer.render(changed)
        }
        #expect(!others.contains(html))
    }
}
