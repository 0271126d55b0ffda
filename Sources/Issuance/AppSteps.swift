import Activation

/// The steps of an activation letter that depend on the user's authenticator app, in one
/// language: which app and from which store, how to protect it with a code, where to tap to add
/// the account by its QR code, and where to type the key when the camera cannot read it.
public struct AppSteps: Equatable, Sendable {
    /// The app the letter names.
    public let app: String
    public let install: String
    public let protect: String
    public let scan: String
    public let manual: String

    /// The wording for `profile` in `language`; `any` recommends AccessSecurium and names the
    /// buttons of the other common apps too.
    public static func steps(for profile: AppProfile, in language: Language) -> AppSteps {
        let q = { (text: String) in Typography.quoted(text, in: language) }
        switch (profile, language) {
        case (.accessSecurium, .fr):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Téléchargez l’application gratuite \(q("AccessSecurium")) dans l’App Store (iPhone) ou le Google Play Store (Android).",
                protect:
                    "Au premier démarrage, AccessSecurium vous demande un code d’accès : choisissez-en un que vous seul connaissez (ou autorisez votre empreinte digitale).",
                scan:
                    "Ouvrez AccessSecurium, touchez le symbole \(q("Photo")) et dirigez l’appareil photo vers le code QR ci-dessous.",
                manual:
                    "Si l’appareil photo ne lit pas le code, ajoutez le compte à la main dans AccessSecurium avec les données imprimées sous le code QR."
            )
        case (.accessSecurium, .de):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Laden Sie die kostenlose App \(q("AccessSecurium")) aus dem App Store (iPhone) oder dem Google Play Store (Android).",
                protect:
                    "Beim ersten Start verlangt AccessSecurium einen Zugangscode: Wählen Sie einen, den nur Sie kennen (oder erlauben Sie Ihren Fingerabdruck).",
                scan:
                    "Öffnen Sie AccessSecurium, tippen Sie auf das Symbol \(q("Foto")) und richten Sie die Kamera auf den QR-Code unten.",
                manual:
                    "Liest die Kamera den Code nicht, fügen Sie das Konto in AccessSecurium von Hand hinzu, mit den Angaben unter dem QR-Code."
            )
        case (.accessSecurium, .it):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Scarichi l’app gratuita \(q("AccessSecurium")) dall’App Store (iPhone) o dal Google Play Store (Android).",
                protect:
                    "Al primo avvio AccessSecurium le chiede un codice di accesso: ne scelga uno che conosce solo lei (o autorizzi la sua impronta digitale).",
                scan:
                    "Apra AccessSecurium, tocchi il simbolo \(q("Foto")) e inquadri con la fotocamera il codice QR qui sotto.",
                manual:
                    "Se la fotocamera non legge il codice, aggiunga l’account a mano in AccessSecurium con i dati stampati sotto il codice QR."
            )
        case (.accessSecurium, .en):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Download the free app \(q("AccessSecurium")) from the App Store (iPhone) or Google Play (Android).",
                protect:
                    "When AccessSecurium first starts, it asks for an access code: choose one only you know (or allow your fingerprint).",
                scan: "Open AccessSecurium, tap the \(q("Photo")) symbol and point the camera at the QR code below.",
                manual:
                    "If the camera cannot read the code, add the account by hand in AccessSecurium with the details printed under the QR code."
            )

        case (.google, .fr), (.googleAndroid, .fr):
            return AppSteps(
                app: "Google Authenticator",
                install:
                    "Téléchargez l’application gratuite \(q("Google Authenticator")) dans \(profile == .google ? "l’App Store de votre iPhone" : "le Google Play Store de votre téléphone Android").",
                protect: profile == .google
                    ? "Dans les paramètres de l’application, activez \(q("Écran de confidentialité")) : elle ne s’ouvrira plus qu’avec Face ID, Touch ID ou le code de votre iPhone."
                    : "Protégez votre téléphone par un code de verrouillage (Paramètres → Sécurité) et, dans les paramètres de l’application, activez \(q("Écran de confidentialité")).",
                scan:
                    "Ouvrez Google Authenticator, touchez \(q("+")) en bas à droite, puis \(q("Scanner un code QR")), et scannez le code ci-dessous.",
                manual:
                    "Si l’appareil photo ne lit pas le code : touchez \(q("+")), puis \(q("Saisir une clé de configuration")), et tapez le compte et la clé ci-dessous, type \(q("Basée sur l’heure"))."
            )
        case (.google, .de), (.googleAndroid, .de):
            return AppSteps(
                app: "Google Authenticator",
                install:
                    "Laden Sie die kostenlose App \(q("Google Authenticator")) aus \(profile == .google ? "dem App Store Ihres iPhones" : "dem Google Play Store Ihres Android-Telefons").",
                protect: profile == .google
                    ? "Schalten Sie in den Einstellungen der App \(q("Datenschutzbildschirm")) ein: Dann öffnet sie sich nur mit Face ID, Touch ID oder dem Code Ihres iPhones."
                    : "Schützen Sie Ihr Telefon mit einer Bildschirmsperre (Einstellungen → Sicherheit) und schalten Sie in den Einstellungen der App \(q("Datenschutzbildschirm")) ein.",
                scan:
                    "Öffnen Sie Google Authenticator, tippen Sie unten rechts auf \(q("+")), dann auf \(q("QR-Code scannen")), und scannen Sie den Code unten.",
                manual:
                    "Liest die Kamera den Code nicht: Tippen Sie auf \(q("+")), dann auf \(q("Einrichtungsschlüssel eingeben")), und geben Sie Konto und Schlüssel von unten ein, Typ \(q("Zeitbasiert"))."
            )
        case (.google, .it), (.googleAndroid, .it):
            return AppSteps(
                app: "Google Authenticator",
                install:
                    "Scarichi l’app gratuita \(q("Google Authenticator")) \(profile == .google ? "dall’App Store del suo iPhone" : "dal Google Play Store del suo telefono Android").",
                protect: profile == .google
                    ? "Nelle impostazioni dell’app attivi \(q("Schermata privacy")): l’app si aprirà solo con Face ID, Touch ID o il codice del suo iPhone."
                    : "Protegga il telefono con un blocco schermo (Impostazioni → Sicurezza) e nelle impostazioni dell’app attivi \(q("Schermata privacy")).",
                scan:
                    "Apra Google Authenticator, tocchi \(q("+")) in basso a destra, poi \(q("Scansiona un codice QR")), e scansioni il codice qui sotto.",
                manual:
                    "Se la fotocamera non legge il codice: tocchi \(q("+")), poi \(q("Inserisci una chiave di configurazione")), e digiti l’account e la chiave qui sotto, tipo \(q("Basata sull’ora"))."
            )
        case (.google, .en), (.googleAndroid, .en):
            return AppSteps(
                app: "Google Authenticator",
                install:
                    "Download the free app \(q("Google Authenticator")) from \(profile == .google ? "the App Store on your iPhone" : "the Google Play Store on your Android phone").",
                protect: profile == .google
                    ? "In the app’s settings, turn on \(q("Privacy Screen")): it then opens only with Face ID, Touch ID or your iPhone’s passcode."
                    : "Protect your phone with a screen lock (Settings → Security) and, in the app’s settings, turn on \(q("Privacy screen")).",
                scan:
                    "Open Google Authenticator, tap \(q("+")) at the bottom right, then \(q("Scan a QR code")), and scan the code below.",
                manual:
                    "If the camera cannot read the code: tap \(q("+")), then \(q("Enter a setup key")), and type the account and the key below, type \(q("Time based"))."
            )

        case (.microsoft, .fr):
            return AppSteps(
                app: "Microsoft Authenticator",
                install:
                    "Téléchargez l’application gratuite \(q("Microsoft Authenticator")) dans l’App Store (iPhone) ou le Google Play Store (Android).",
                protect:
                    "Dans les paramètres de l’application, activez \(q("Verrouillage de l’application")) : elle ne s’ouvrira plus qu’avec le code, l’empreinte ou le visage qui déverrouille votre téléphone.",
                scan:
                    "Ouvrez Microsoft Authenticator, touchez \(q("+")) en haut à droite, choisissez \(q("Autre compte (Google, Facebook, etc.)")), puis scannez le code ci-dessous.",
                manual:
                    "Si l’appareil photo ne lit pas le code : après \(q("Autre compte")), touchez \(q("Ou entrer le code manuellement")) et tapez le compte et la clé ci-dessous."
            )
        case (.microsoft, .de):
            return AppSteps(
                app: "Microsoft Authenticator",
                install:
                    "Laden Sie die kostenlose App \(q("Microsoft Authenticator")) aus dem App Store (iPhone) oder dem Google Play Store (Android).",
                protect:
                    "Schalten Sie in den Einstellungen der App \(q("App-Sperre")) ein: Dann öffnet sie sich nur mit dem Code, dem Fingerabdruck oder dem Gesicht, mit dem Sie Ihr Telefon entsperren.",
                scan:
                    "Öffnen Sie Microsoft Authenticator, tippen Sie oben rechts auf \(q("+")), wählen Sie \(q("Anderes Konto (Google, Facebook usw.)")) und scannen Sie den Code unten.",
                manual:
                    "Liest die Kamera den Code nicht: Tippen Sie nach \(q("Anderes Konto")) auf \(q("Oder Code manuell eingeben")) und geben Sie Konto und Schlüssel von unten ein."
            )
        case (.microsoft, .it):
            return AppSteps(
                app: "Microsoft Authenticator",
                install:
                    "Scarichi l’app gratuita \(q("Microsoft Authenticator")) dall’App Store (iPhone) o dal Google Play Store (Android).",
                protect:
                    "Nelle impostazioni dell’app attivi \(q("Blocco app")): l’app si aprirà solo con il codice, l’impronta o il volto con cui sblocca il telefono.",
                scan:
                    "Apra Microsoft Authenticator, tocchi \(q("+")) in alto a destra, scelga \(q("Altro account (Google, Facebook e così via)")) e scansioni il codice qui sotto.",
                manual:
                    "Se la fotocamera non legge il codice: dopo \(q("Altro account")) tocchi \(q("Oppure immetti il codice manualmente")) e digiti l’account e la chiave qui sotto."
            )
        case (.microsoft, .en):
            return AppSteps(
                app: "Microsoft Authenticator",
                install:
                    "Download the free app \(q("Microsoft Authenticator")) from the App Store (iPhone) or Google Play (Android).",
                protect:
                    "In the app’s settings, turn on \(q("App Lock")): it then opens only with the code, fingerprint or face that unlocks your phone.",
                scan:
                    "Open Microsoft Authenticator, tap \(q("+")) at the top right, choose \(q("Other account (Google, Facebook, etc.)")), then scan the code below.",
                manual:
                    "If the camera cannot read the code: after \(q("Other account")), tap \(q("Or enter code manually")) and type the account and the key below."
            )

        case (.aegis, .fr):
            return AppSteps(
                app: "Aegis Authenticator",
                install:
                    "Téléchargez l’application libre et gratuite \(q("Aegis Authenticator")) dans le Google Play Store ou F-Droid (Android uniquement).",
                protect:
                    "Au premier démarrage, Aegis vous demande un mot de passe pour son coffre : choisissez-en un que vous seul connaissez (l’empreinte digitale peut s’y ajouter).",
                scan:
                    "Ouvrez Aegis, touchez le bouton \(q("+")) en bas à droite, puis \(q("Scanner un code QR")), et scannez le code ci-dessous.",
                manual:
                    "Si l’appareil photo ne lit pas le code : touchez \(q("+")), puis \(q("Saisir manuellement")), et recopiez les données ci-dessous."
            )
        case (.aegis, .de):
            return AppSteps(
                app: "Aegis Authenticator",
                install:
                    "Laden Sie die freie, kostenlose App \(q("Aegis Authenticator")) aus dem Google Play Store oder von F-Droid (nur Android).",
                protect:
                    "Beim ersten Start verlangt Aegis ein Passwort für seinen Tresor: Wählen Sie eines, das nur Sie kennen (der Fingerabdruck kann dazukommen).",
                scan:
                    "Öffnen Sie Aegis, tippen Sie unten rechts auf \(q("+")), dann auf \(q("QR-Code scannen")), und scannen Sie den Code unten.",
                manual:
                    "Liest die Kamera den Code nicht: Tippen Sie auf \(q("+")), dann auf \(q("Manuell eingeben")), und übertragen Sie die Angaben von unten."
            )
        case (.aegis, .it):
            return AppSteps(
                app: "Aegis Authenticator",
                install:
                    "Scarichi l’app libera e gratuita \(q("Aegis Authenticator")) dal Google Play Store o da F-Droid (solo Android).",
                protect:
                    "Al primo avvio Aegis le chiede una password per la sua cassaforte: ne scelga una che conosce solo lei (può aggiungere l’impronta digitale).",
                scan:
                    "Apra Aegis, tocchi il pulsante \(q("+")) in basso a destra, poi \(q("Scansiona codice QR")), e scansioni il codice qui sotto.",
                manual:
                    "Se la fotocamera non legge il codice: tocchi \(q("+")), poi \(q("Inserisci manualmente")), e ricopi i dati qui sotto."
            )
        case (.aegis, .en):
            return AppSteps(
                app: "Aegis Authenticator",
                install:
                    "Download the free and open app \(q("Aegis Authenticator")) from Google Play or F-Droid (Android only).",
                protect:
                    "When Aegis first starts, it asks for a password for its vault: choose one only you know (you can add your fingerprint).",
                scan:
                    "Open Aegis, tap the \(q("+")) button at the bottom right, then \(q("Scan QR code")), and scan the code below.",
                manual:
                    "If the camera cannot read the code: tap \(q("+")), then \(q("Enter manually")), and copy the details below."
            )

        case (.freeOTP, .fr):
            return AppSteps(
                app: "FreeOTP",
                install:
                    "Téléchargez l’application libre et gratuite \(q("FreeOTP")) dans l’App Store (iPhone) ou le Google Play Store (Android).",
                protect:
                    "FreeOTP n’a pas de verrou propre : protégez votre téléphone par un code de verrouillage, que vous seul connaissez.",
                scan:
                    "Ouvrez FreeOTP, touchez le symbole du code QR en haut de l’écran et dirigez l’appareil photo vers le code ci-dessous.",
                manual:
                    "Si l’appareil photo ne lit pas le code : touchez le symbole de la clé en haut de l’écran et recopiez les données ci-dessous."
            )
        case (.freeOTP, .de):
            return AppSteps(
                app: "FreeOTP",
                install:
                    "Laden Sie die freie, kostenlose App \(q("FreeOTP")) aus dem App Store (iPhone) oder dem Google Play Store (Android).",
                protect:
                    "FreeOTP hat keine eigene Sperre: Schützen Sie Ihr Telefon mit einer Bildschirmsperre, deren Code nur Sie kennen.",
                scan:
                    "Öffnen Sie FreeOTP, tippen Sie oben auf das QR-Code-Symbol und richten Sie die Kamera auf den Code unten.",
                manual:
                    "Liest die Kamera den Code nicht: Tippen Sie oben auf das Schlüsselsymbol und übertragen Sie die Angaben von unten."
            )
        case (.freeOTP, .it):
            return AppSteps(
                app: "FreeOTP",
                install:
                    "Scarichi l’app libera e gratuita \(q("FreeOTP")) dall’App Store (iPhone) o dal Google Play Store (Android).",
                protect:
                    "FreeOTP non ha un blocco proprio: protegga il telefono con un blocco schermo il cui codice conosce solo lei.",
                scan:
                    "Apra FreeOTP, tocchi il simbolo del codice QR in alto e inquadri con la fotocamera il codice qui sotto.",
                manual:
                    "Se la fotocamera non legge il codice: tocchi il simbolo della chiave in alto e ricopi i dati qui sotto."
            )
        case (.freeOTP, .en):
            return AppSteps(
                app: "FreeOTP",
                install:
                    "Download the free and open app \(q("FreeOTP")) from the App Store (iPhone) or Google Play (Android).",
                protect:
                    "FreeOTP has no lock of its own: protect your phone with a screen lock whose code only you know.",
                scan:
                    "Open FreeOTP, tap the QR code symbol at the top of the screen and point the camera at the code below.",
                manual:
                    "If the camera cannot read the code: tap the key symbol at the top of the screen and copy the details below."
            )

        case (.any, .fr):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Téléchargez l’application gratuite \(q("AccessSecurium")) dans l’App Store (iPhone) ou le Google Play Store (Android). Si vous avez déjà \(q("Google Authenticator")) ou \(q("Microsoft Authenticator")), vous pouvez aussi l’utiliser.",
                protect:
                    "Protégez l’application par un code : choisissez-le quand elle le demande, ou activez le verrouillage dans ses paramètres.",
                scan:
                    "Dans AccessSecurium, touchez le symbole \(q("Photo")) ; dans Google Authenticator, touchez \(q("+")), puis \(q("Scanner un code QR")) ; dans Microsoft Authenticator, touchez \(q("+")), puis \(q("Autre compte (Google, Facebook, etc.)")). Scannez ensuite le code ci-dessous.",
                manual:
                    "Si l’appareil photo ne lit pas le code, choisissez dans l’application d’entrer une clé à la main et recopiez les données ci-dessous."
            )
        case (.any, .de):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Laden Sie die kostenlose App \(q("AccessSecurium")) aus dem App Store (iPhone) oder dem Google Play Store (Android). Haben Sie bereits \(q("Google Authenticator")) oder \(q("Microsoft Authenticator")), können Sie auch diese verwenden.",
                protect:
                    "Schützen Sie die App mit einem Code: Wählen Sie ihn, wenn die App danach fragt, oder schalten Sie die Sperre in ihren Einstellungen ein.",
                scan:
                    "Tippen Sie in AccessSecurium auf das Symbol \(q("Foto")); in Google Authenticator auf \(q("+")), dann \(q("QR-Code scannen")); in Microsoft Authenticator auf \(q("+")), dann \(q("Anderes Konto (Google, Facebook usw.)")). Scannen Sie dann den Code unten.",
                manual:
                    "Liest die Kamera den Code nicht, wählen Sie in der App die Eingabe eines Schlüssels von Hand und übertragen Sie die Angaben von unten."
            )
        case (.any, .it):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Scarichi l’app gratuita \(q("AccessSecurium")) dall’App Store (iPhone) o dal Google Play Store (Android). Se ha già \(q("Google Authenticator")) o \(q("Microsoft Authenticator")), può usare anche queste.",
                protect:
                    "Protegga l’app con un codice: lo scelga quando l’app lo chiede, oppure attivi il blocco nelle sue impostazioni.",
                scan:
                    "In AccessSecurium tocchi il simbolo \(q("Foto")); in Google Authenticator tocchi \(q("+")), poi \(q("Scansiona un codice QR")); in Microsoft Authenticator tocchi \(q("+")), poi \(q("Altro account (Google, Facebook e così via)")). Scansioni poi il codice qui sotto.",
                manual:
                    "Se la fotocamera non legge il codice, scelga nell’app di inserire una chiave a mano e ricopi i dati qui sotto."
            )
        case (.any, .en):
            return AppSteps(
                app: "AccessSecurium",
                install:
                    "Download the free app \(q("AccessSecurium")) from the App Store (iPhone) or Google Play (Android). If you already have \(q("Google Authenticator")) or \(q("Microsoft Authenticator")), you can use it instead.",
                protect:
                    "Protect the app with a code: choose one when the app asks, or turn on its lock in the app’s settings.",
                scan:
                    "In AccessSecurium, tap the \(q("Photo")) symbol; in Google Authenticator, tap \(q("+")), then \(q("Scan a QR code")); in Microsoft Authenticator, tap \(q("+")), then \(q("Other account (Google, Facebook, etc.)")). Then scan the code below.",
                manual:
                    "If the camera cannot read the code, choose to enter a key by hand in the app and copy the details below."
            )
        }
    }
}

/// Quotation marks and spacing as each language prints them.
enum Typography {
    /// «\u{202F}text\u{202F}» in French (narrow no-break spaces), «text» in Swiss German and
    /// Italian, “text” in English.
    static func quoted(_ text: String, in language: Language) -> String {
        switch language {
        case .fr: "«\u{202F}\(text)\u{202F}»"
        case .de, .it: "«\(text)»"
        case .en: "“\(text)”"
        }
    }

    /// French text with a narrow no-break space before `:`, `;`, `?` and `!` where a space stood.
    static func french(_ text: String) -> String {
        var result = text
        for mark in [":", ";", "?", "!"] {
            result = result.replacingOccurrences(of: " \(mark)", with: "\u{202F}\(mark)")
        }
        return result
    }
}
