/// The words of an activation letter that do not depend on the app, in one language, after the
/// organisation's guide for moving from SMS to OTP: install the app, protect it with a code, the
/// administrator enables OTP and switches SMS off, scan the QR code once, then confirm with the
/// app's first code.
struct LetterWording {
    let language: Language

    func title(issuer: String) -> String {
        switch language {
        case .fr: "Activation de la connexion OTP – \(issuer)"
        case .de: "Aktivierung der OTP-Anmeldung – \(issuer)"
        case .it: "Attivazione dell’accesso OTP – \(issuer)"
        case .en: "Activating one-time-password sign-in – \(issuer)"
        }
    }

    func greeting(name: String) -> String {
        switch language {
        case .fr: "Bonjour \(name),"
        case .de: "Guten Tag \(name)"
        case .it: "Buongiorno \(name),"
        case .en: "Hello \(name),"
        }
    }

    func intro(issuer: String) -> String {
        switch language {
        case .fr:
            "Votre code de connexion à \(issuer) ne vous sera plus envoyé par SMS : il sera généré par une application sur votre smartphone (OTP, mot de passe unique)."
        case .de:
            "Ihr Anmeldecode für \(issuer) wird Ihnen nicht mehr per SMS zugestellt, sondern von einer App auf Ihrem Smartphone erzeugt (OTP, Einmalpasswort)."
        case .it:
            "Il suo codice di accesso a \(issuer) non le sarà più inviato per SMS: sarà generato da un’app sul suo smartphone (OTP, password monouso)."
        case .en:
            "Your sign-in code for \(issuer) will no longer come by SMS: an app on your smartphone will generate it (OTP, one-time password)."
        }
    }

    var requirement: String {
        switch language {
        case .fr: "Il vous faut un smartphone Apple (iOS) ou Android."
        case .de: "Sie benötigen ein Smartphone von Apple (iOS) oder mit Android."
        case .it: "Le serve uno smartphone Apple (iOS) o Android."
        case .en: "You need an Apple (iOS) or Android smartphone."
        }
    }

    /// The five step headings, in order.
    var headings: [String] {
        switch language {
        case .fr:
            [
                "Étape 1 – Installer l’application", "Étape 2 – Protéger l’application par un code",
                "Étape 3 – L’OTP est activé par votre administrateur", "Étape 4 – Scanner le code QR (une seule fois)",
                "Étape 5 – Confirmer avec le premier code",
            ]
        case .de:
            [
                "Schritt 1 – App installieren", "Schritt 2 – App mit einem Code schützen",
                "Schritt 3 – OTP wird von Ihrer Administration aktiviert", "Schritt 4 – QR-Code scannen (einmalig)",
                "Schritt 5 – Mit dem ersten Code bestätigen",
            ]
        case .it:
            [
                "Passo 1 – Installare l’app", "Passo 2 – Proteggere l’app con un codice",
                "Passo 3 – L’OTP è attivato dal suo amministratore",
                "Passo 4 – Scansionare il codice QR (una sola volta)",
                "Passo 5 – Confermare con il primo codice",
            ]
        case .en:
            [
                "Step 1 – Install the app", "Step 2 – Protect the app with a code",
                "Step 3 – OTP is enabled by your administrator", "Step 4 – Scan the QR code (once)",
                "Step 5 – Confirm with the first code",
            ]
        }
    }

    var administrator: String {
        switch language {
        case .fr:
            "Votre administrateur a activé l’OTP pour votre compte et désactivé la connexion par SMS. Vous n’avez rien à faire pour cette étape."
        case .de:
            "Ihre Administration hat OTP für Ihr Konto aktiviert und die Anmeldung per SMS abgeschaltet. Für diesen Schritt müssen Sie nichts tun."
        case .it:
            "Il suo amministratore ha attivato l’OTP per il suo account e disattivato l’accesso via SMS. Per questo passo non deve fare nulla."
        case .en:
            "Your administrator has enabled OTP for your account and switched sign-in by SMS off. There is nothing for you to do in this step."
        }
    }

    /// How the first code is confirmed: given to the helpdesk, or by the first login.
    func confirmation(_ confirmation: LetterFields.FirstCodeConfirmation, digits: Int, helpdesk: String?, login: String)
        -> String
    {
        switch (confirmation, language) {
        case (.helpdesk, .fr):
            "Communiquez \(helpdesk.map { "au service d’assistance (\($0))" } ?? "à votre administrateur") le code à \(digits) chiffres que l’application affiche : il confirme votre activation. Ensuite, pour vous connecter à \(login), ouvrez l’application et saisissez le code affiché."
        case (.helpdesk, .de):
            "Teilen Sie den \(digits)-stelligen Code, den die App anzeigt, \(helpdesk.map { "dem Helpdesk (\($0))" } ?? "Ihrer Administration") mit: Damit wird Ihre Aktivierung bestätigt. Danach öffnen Sie zur Anmeldung bei \(login) einfach die App und geben den angezeigten Code ein."
        case (.helpdesk, .it):
            "Comunichi \(helpdesk.map { "al servizio di assistenza (\($0))" } ?? "al suo amministratore") il codice di \(digits) cifre mostrato dall’app: conferma la sua attivazione. In seguito, per accedere a \(login), le basterà aprire l’app e inserire il codice mostrato."
        case (.helpdesk, .en):
            "Give the \(digits)-digit code the app shows to \(helpdesk.map { "the helpdesk (\($0))" } ?? "your administrator"): it confirms your activation. From then on, to sign in to \(login), open the app and enter the code it shows."
        case (.login, .fr):
            "Connectez-vous à \(login) avec le code à \(digits) chiffres affiché par l’application : cette première connexion confirme l’activation. Ensuite, il vous suffit d’ouvrir l’application pour obtenir votre code."
        case (.login, .de):
            "Melden Sie sich bei \(login) mit dem \(digits)-stelligen Code aus der App an: Diese erste Anmeldung bestätigt die Aktivierung. Danach öffnen Sie einfach die App, um Ihren Code zu erhalten."
        case (.login, .it):
            "Acceda a \(login) con il codice di \(digits) cifre mostrato dall’app: questo primo accesso conferma l’attivazione. In seguito le basterà aprire l’app per ottenere il suo codice."
        case (.login, .en):
            "Sign in to \(login) with the \(digits)-digit code the app shows: this first sign-in confirms the activation. From then on, open the app to get your code."
        }
    }

    func questions(helpdesk: String) -> String {
        switch language {
        case .fr: "Des questions ? \(helpdesk)"
        case .de: "Fragen? \(helpdesk)"
        case .it: "Domande? \(helpdesk)"
        case .en: "Questions? \(helpdesk)"
        }
    }

    var keep: String {
        switch language {
        case .fr:
            "Ce document contient votre clé secrète : conservez-le en lieu sûr jusqu’à l’activation, puis détruisez-le. Ne le transmettez à personne."
        case .de:
            "Dieses Dokument enthält Ihren geheimen Schlüssel: Bewahren Sie es bis zur Aktivierung sicher auf und vernichten Sie es danach. Geben Sie es niemandem weiter."
        case .it:
            "Questo documento contiene la sua chiave segreta: lo conservi in un luogo sicuro fino all’attivazione, poi lo distrugga. Non lo consegni a nessuno."
        case .en:
            "This letter holds your secret key: keep it safe until you are activated, then destroy it. Give it to no one."
        }
    }

    func qrAlternativeText(app: String) -> String {
        switch language {
        case .fr: "Code QR à scanner avec l’application \(app)"
        case .de: "QR-Code zum Scannen mit der App \(app)"
        case .it: "Codice QR da scansionare con l’app \(app)"
        case .en: "QR code to scan with the \(app) app"
        }
    }

    var manualTitle: String {
        switch language {
        case .fr: "Sans appareil photo : saisissez ces données à la main"
        case .de: "Ohne Kamera: diese Angaben von Hand eingeben"
        case .it: "Senza fotocamera: inserisca questi dati a mano"
        case .en: "No camera? Type these details in by hand"
        }
    }

    /// Labels of the manual entry: issuer, account, key, type, digits, period, counter, algorithm.
    var manualLabels:
        (
            issuer: String, account: String, key: String, type: String, digits: String, period: String,
            counter: String, algorithm: String
        )
    {
        switch language {
        case .fr: ("Émetteur", "Compte", "Clé", "Type", "Chiffres", "Période", "Compteur", "Algorithme")
        case .de: ("Aussteller", "Konto", "Schlüssel", "Typ", "Stellen", "Intervall", "Zähler", "Algorithmus")
        case .it: ("Emittente", "Account", "Chiave", "Tipo", "Cifre", "Periodo", "Contatore", "Algoritmo")
        case .en: ("Issuer", "Account", "Key", "Type", "Digits", "Period", "Counter", "Algorithm")
        }
    }

    var timeBased: String {
        switch language {
        case .fr: "basé sur le temps (TOTP)"
        case .de: "zeitbasiert (TOTP)"
        case .it: "basato sul tempo (TOTP)"
        case .en: "time-based (TOTP)"
        }
    }

    var counterBased: String {
        switch language {
        case .fr: "basé sur un compteur (HOTP)"
        case .de: "zählerbasiert (HOTP)"
        case .it: "basato su un contatore (HOTP)"
        case .en: "counter-based (HOTP)"
        }
    }

    func seconds(_ count: Int) -> String {
        switch language {
        case .fr: "\(count) secondes"
        case .de: "\(count) Sekunden"
        case .it: "\(count) secondi"
        case .en: "\(count) seconds"
        }
    }

    /// The French text set with narrow no-break spaces before high punctuation; others unchanged.
    func typeset(_ text: String) -> String {
        language == .fr ? Typography.french(text) : text
    }
}
