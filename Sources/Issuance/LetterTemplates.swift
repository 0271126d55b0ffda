/// The activation letters shipped with TokenForge, one Mustache template per language, following
/// the steps of the staff guide for moving from SMS to OTP: install an app, protect it with a
/// code, scan the QR code, confirm with the first code.
///
/// Context keys: `name`, `issuer`, `account`, `app` (the recommended app), `otherApps`, `qrPNG`
/// (base64: insert it unescaped, `{{{qrPNG}}}`), `qrSVG` (inline SVG), `language`.
enum LetterTemplates {
    static func template(for language: Language) -> String {
        let text: Strings =
            switch language {
            case .fr: french
            case .de: german
            case .it: italian
            case .en: english
            }
        return page(text, language: language)
    }

    struct Strings {
        let title: String
        let greeting: String
        let intro: String
        let conditions: String
        let step1: String
        let step1Detail: String
        let step2: String
        let step2Detail: String
        let step3: String
        let step3Detail: String
        let step4: String
        let step4Detail: String
        let keep: String
    }

    static func page(_ text: Strings, language: Language) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language.rawValue)">
        <head><meta charset="utf-8"><title>\(text.title) – {{issuer}}</title>
        <style>body{font-family:sans-serif;max-width:40em;margin:2em auto;line-height:1.45}
        h1{font-size:1.4em}.qr{margin:1em 0}.qr img{width:16em;height:16em;image-rendering:pixelated}
        .note{font-size:.9em;color:#444}</style></head>
        <body>
        <h1>\(text.title) – {{issuer}}</h1>
        <p>\(text.greeting)</p>
        <p>\(text.intro)</p>
        <p>\(text.conditions)</p>
        <h2>\(text.step1)</h2>
        <p>\(text.step1Detail)</p>
        <h2>\(text.step2)</h2>
        <p>\(text.step2Detail)</p>
        <h2>\(text.step3)</h2>
        <p>\(text.step3Detail)</p>
        <div class="qr"><img alt="QR code" src="data:image/png;base64,{{{qrPNG}}}"></div>
        <p class="note">{{account}}</p>
        <h2>\(text.step4)</h2>
        <p>\(text.step4Detail)</p>
        <p class="note">\(text.keep)</p>
        </body>
        </html>

        """
    }

    static let french = Strings(
        title: "Activation de la connexion OTP",
        greeting: "Bonjour {{name}},",
        intro:
            "Votre code de connexion ne vous sera plus envoyé par SMS : il sera généré par une application sur votre smartphone (OTP, mot de passe unique).",
        conditions: "Il vous faut un smartphone Apple (iOS) ou Android.",
        step1: "Étape 1 – Installer l'application",
        step1Detail:
            "Téléchargez l'application gratuite «{{app}}» dans l'App Store ou le Google Play Store. {{otherApps}} Nous vous recommandons de protéger l'accès à l'application par un code.",
        step2: "Étape 2 – Activation par l'administrateur",
        step2Detail:
            "Votre administrateur a activé OTP pour votre compte et confirmé ce changement avec son mot de passe. La connexion par SMS sera désactivée.",
        step3: "Étape 3 – Scanner le code QR",
        step3Detail:
            "Ouvrez l'application, choisissez d'ajouter un compte en scannant un code QR (symbole «Photo» dans AccessSecurium), puis scannez ce code :",
        step4: "Étape 4 – Confirmer avec le premier code",
        step4Detail:
            "Saisissez le code à six chiffres affiché par l'application lors de votre prochaine connexion : il confirme l'activation. Ensuite, il vous suffit d'ouvrir l'application pour obtenir votre code.",
        keep:
            "Ce document contient votre clé secrète : détruisez-le après l'activation et ne le transmettez à personne.")

    static let german = Strings(
        title: "Aktivierung der OTP-Anmeldung",
        greeting: "Guten Tag {{name}}",
        intro:
            "Ihr Anmeldecode wird Ihnen nicht mehr per SMS zugestellt, sondern von einer App auf Ihrem Smartphone erzeugt (OTP, Einmalpasswort).",
        conditions: "Sie benötigen ein Smartphone von Apple (iOS) oder mit Android.",
        step1: "Schritt 1 – App installieren",
        step1Detail:
            "Laden Sie die kostenlose App «{{app}}» aus dem App Store oder dem Google Play Store. {{otherApps}} Wir empfehlen, den Zugang zur App mit einem Code zu schützen.",
        step2: "Schritt 2 – Freischaltung durch die Administration",
        step2Detail:
            "Ihre Administration hat OTP für Ihr Konto aktiviert und die Änderung mit ihrem Passwort bestätigt. Die Anmeldung per SMS wird abgeschaltet.",
        step3: "Schritt 3 – QR-Code scannen",
        step3Detail:
            "Öffnen Sie die App, wählen Sie «Konto per QR-Code hinzufügen» (Symbol «Foto» in AccessSecurium) und scannen Sie diesen Code:",
        step4: "Schritt 4 – Mit dem ersten Code bestätigen",
        step4Detail:
            "Geben Sie bei der nächsten Anmeldung den sechsstelligen Code aus der App ein: damit ist die Aktivierung bestätigt. Danach öffnen Sie einfach die App, um Ihren Code zu erhalten.",
        keep:
            "Dieses Dokument enthält Ihren geheimen Schlüssel: vernichten Sie es nach der Aktivierung und geben Sie es niemandem weiter."
    )

    static let italian = Strings(
        title: "Attivazione dell'accesso OTP",
        greeting: "Buongiorno {{name}},",
        intro:
            "Il codice di accesso non le sarà più inviato per SMS: sarà generato da un'app sul suo smartphone (OTP, password monouso).",
        conditions: "Le serve uno smartphone Apple (iOS) o Android.",
        step1: "Passo 1 – Installare l'app",
        step1Detail:
            "Scarichi l'app gratuita «{{app}}» dall'App Store o dal Google Play Store. {{otherApps}} Le consigliamo di proteggere l'accesso all'app con un codice.",
        step2: "Passo 2 – Attivazione da parte dell'amministratore",
        step2Detail:
            "Il suo amministratore ha attivato OTP per il suo account e ha confermato la modifica con la propria password. L'accesso via SMS sarà disattivato.",
        step3: "Passo 3 – Scansionare il codice QR",
        step3Detail:
            "Apra l'app, scelga di aggiungere un account scansionando un codice QR (simbolo «Foto» in AccessSecurium) e scansioni questo codice:",
        step4: "Passo 4 – Confermare con il primo codice",
        step4Detail:
            "Al prossimo accesso inserisca il codice a sei cifre mostrato dall'app: conferma l'attivazione. In seguito le basterà aprire l'app per ottenere il suo codice.",
        keep:
            "Questo documento contiene la sua chiave segreta: lo distrugga dopo l'attivazione e non lo consegni a nessuno."
    )

    static let english = Strings(
        title: "Activating one-time-password sign-in",
        greeting: "Hello {{name}},",
        intro:
            "Your sign-in code will no longer come by SMS: an app on your smartphone will generate it (OTP, one-time password).",
        conditions: "You need an Apple (iOS) or Android smartphone.",
        step1: "Step 1 – Install the app",
        step1Detail:
            "Download the free app “{{app}}” from the App Store or Google Play. {{otherApps}} We recommend protecting access to the app with a code.",
        step2: "Step 2 – Enabled by your administrator",
        step2Detail:
            "Your administrator has enabled OTP for your account and confirmed the change with their password. Sign-in by SMS will be switched off.",
        step3: "Step 3 – Scan the QR code",
        step3Detail:
            "Open the app, choose to add an account by scanning a QR code (the “Photo” symbol in AccessSecurium), and scan this code:",
        step4: "Step 4 – Confirm with the first code",
        step4Detail:
            "At your next sign-in, enter the six-digit code the app shows: this confirms the activation. From then on, open the app to get your code.",
        keep: "This letter holds your secret key: destroy it once you are activated, and give it to no one.")
}
