import LetterPDF

/// The sheet handed over with a programmed token, in its user's language: which token, which
/// account it holds, how to log in with it and how its PIN reaches the user. Issuance fills one
/// per token user; it renders as HTML and as a page of the print run's PDF.
public struct HandoverSheet: Equatable, Sendable {
    /// How the user gets the token's PIN.
    public enum PINDelivery: String, Sendable, CaseIterable {
        /// The user chooses the PIN when the token is handed over.
        case setAtHandover = "set-at-handover"
        /// TokenForge generated the PIN; it reaches the user separately from this sheet.
        case deliveredSeparately = "separate"
        /// The token has no PIN.
        case none
    }

    public var username: String
    public var name: String
    public var language: Language
    public var serial: String
    /// The token slot holding the account, when known.
    public var slot: Int?
    public var issuer: String
    public var account: String
    public var digits: Int
    public var pinDelivery: PINDelivery
    /// The recipient's address lines, under their name.
    public var address: [String]

    public init(
        username: String, name: String, language: Language, serial: String, slot: Int?, issuer: String,
        account: String, digits: Int = 6, pinDelivery: PINDelivery, address: [String] = []
    ) {
        self.username = username
        self.name = name
        self.language = language
        self.serial = serial
        self.slot = slot
        self.issuer = issuer
        self.account = account
        self.digits = digits
        self.pinDelivery = pinDelivery
        self.address = address
    }

    /// The sheet's wording with the run's letter fields.
    func content(fields: LetterFields, today: LetterDate) -> HandoverSheetContent {
        HandoverSheetContent(sheet: self, fields: fields, today: today)
    }
}

/// What one handover sheet says, worded for its user's language.
struct HandoverSheetContent {
    let language: Language
    let sender: [String]
    let date: String
    let recipient: [String]
    let title: String
    private(set) var intro: String
    let rows: [PrintedRow]
    private(set) var sections: [(heading: String, text: String)]
    let receipt: [String]

    init(sheet: HandoverSheet, fields: LetterFields, today: LetterDate) {
        let language = sheet.language
        let wording = LetterWording(language: language)
        let set = wording.typeset
        let login = fields.login ?? sheet.issuer
        let contact = fields.helpdesk
        self.language = language
        sender = fields.sender.isEmpty ? [sheet.issuer] : fields.sender
        date = (fields.date ?? today).text(in: language)
        recipient = [sheet.name] + sheet.address
        let q = { (text: String) in Typography.quoted(text, in: language) }
        switch language {
        case .fr:
            title = "Remise de votre token OTP – \(sheet.issuer)"
            intro =
                "Bonjour \(sheet.name), voici votre token OTP : il génère le code de connexion à \(login) qui remplace le SMS. Gardez-le sur vous et ne le prêtez à personne."
            rows =
                [
                    PrintedRow("Numéro de série", sheet.serial),
                    PrintedRow("Compte", "\(sheet.issuer)\u{202F}: \(sheet.account)"),
                    PrintedRow("Nom d’utilisateur", sheet.username),
                ] + (sheet.slot.map { [PrintedRow("Emplacement", "\($0)")] } ?? [])
            sections = [
                (
                    "Se connecter",
                    "Connectez-vous à \(login) avec votre nom d’utilisateur \(q(sheet.username)) ; quand le code est demandé, saisissez le code à \(sheet.digits) chiffres affiché par le token."
                        + (fields.confirmation == .helpdesk
                            ? " La première fois, communiquez ce code \(contact.map { "au service d’assistance (\($0))" } ?? "à votre administrateur") : il confirme votre activation."
                            : " La première connexion confirme votre activation.")
                ),
                ("Le code PIN du token", Self.pin(sheet.pinDelivery, language)),
                (
                    "En cas de perte",
                    "Si vous perdez le token ou qu’on vous le vole, avertissez tout de suite \(contact ?? "votre administrateur") : il sera bloqué."
                ),
            ]
            receipt = ["Token reçu le", "Signature"]
        case .de:
            title = "Übergabe Ihres OTP-Tokens – \(sheet.issuer)"
            intro =
                "Guten Tag \(sheet.name). Hier ist Ihr OTP-Token: Er erzeugt den Anmeldecode für \(login), der die SMS ersetzt. Tragen Sie ihn bei sich und leihen Sie ihn niemandem."
            rows =
                [
                    PrintedRow("Seriennummer", sheet.serial), PrintedRow("Konto", "\(sheet.issuer): \(sheet.account)"),
                    PrintedRow("Benutzername", sheet.username),
                ] + (sheet.slot.map { [PrintedRow("Steckplatz", "\($0)")] } ?? [])
            sections = [
                (
                    "Anmelden",
                    "Melden Sie sich bei \(login) mit Ihrem Benutzernamen \(q(sheet.username)) an; wenn der Code verlangt wird, geben Sie den \(sheet.digits)-stelligen Code ein, den der Token anzeigt."
                        + (fields.confirmation == .helpdesk
                            ? " Beim ersten Mal teilen Sie diesen Code \(contact.map { "dem Helpdesk (\($0))" } ?? "Ihrer Administration") mit: Damit wird Ihre Aktivierung bestätigt."
                            : " Die erste Anmeldung bestätigt Ihre Aktivierung.")
                ),
                ("Die PIN des Tokens", Self.pin(sheet.pinDelivery, language)),
                (
                    "Bei Verlust",
                    "Verlieren Sie den Token oder wird er gestohlen, melden Sie es sofort \(contact.map { "dem Helpdesk (\($0))" } ?? "Ihrer Administration"): Er wird dann gesperrt."
                ),
            ]
            receipt = ["Token erhalten am", "Unterschrift"]
        case .it:
            title = "Consegna del suo token OTP – \(sheet.issuer)"
            intro =
                "Buongiorno \(sheet.name), ecco il suo token OTP: genera il codice di accesso a \(login) che sostituisce l’SMS. Lo tenga con sé e non lo presti a nessuno."
            rows =
                [
                    PrintedRow("Numero di serie", sheet.serial),
                    PrintedRow("Account", "\(sheet.issuer): \(sheet.account)"),
                    PrintedRow("Nome utente", sheet.username),
                ] + (sheet.slot.map { [PrintedRow("Posizione", "\($0)")] } ?? [])
            sections = [
                (
                    "Accedere",
                    "Acceda a \(login) con il suo nome utente \(q(sheet.username)); quando le è chiesto il codice, inserisca il codice di \(sheet.digits) cifre mostrato dal token."
                        + (fields.confirmation == .helpdesk
                            ? " La prima volta comunichi questo codice \(contact.map { "al servizio di assistenza (\($0))" } ?? "al suo amministratore"): conferma la sua attivazione."
                            : " Il primo accesso conferma la sua attivazione.")
                ),
                ("Il PIN del token", Self.pin(sheet.pinDelivery, language)),
                (
                    "In caso di perdita",
                    "Se perde il token o se le viene rubato, avvisi subito \(contact.map { "il servizio di assistenza (\($0))" } ?? "il suo amministratore"): sarà bloccato."
                ),
            ]
            receipt = ["Token ricevuto il", "Firma"]
        case .en:
            title = "Your OTP token – \(sheet.issuer)"
            intro =
                "Hello \(sheet.name), here is your OTP token: it makes the sign-in code for \(login) that replaces the SMS. Keep it with you and lend it to no one."
            rows =
                [
                    PrintedRow("Serial number", sheet.serial),
                    PrintedRow("Account", "\(sheet.issuer): \(sheet.account)"),
                    PrintedRow("Username", sheet.username),
                ] + (sheet.slot.map { [PrintedRow("Slot", "\($0)")] } ?? [])
            sections = [
                (
                    "Signing in",
                    "Sign in to \(login) with your username \(q(sheet.username)); when asked for the code, enter the \(sheet.digits)-digit code the token shows."
                        + (fields.confirmation == .helpdesk
                            ? " The first time, give this code to \(contact.map { "the helpdesk (\($0))" } ?? "your administrator"): it confirms your activation."
                            : " Your first sign-in confirms your activation.")
                ),
                ("The token’s PIN", Self.pin(sheet.pinDelivery, language)),
                (
                    "If it is lost",
                    "If you lose the token or it is stolen, tell \(contact.map { "the helpdesk (\($0))" } ?? "your administrator") at once: it will be blocked."
                ),
            ]
            receipt = ["Token received on", "Signature"]
        }
        intro = set(intro)
        sections = sections.map { ($0.heading, set($0.text)) }
    }

    static func pin(_ delivery: HandoverSheet.PINDelivery, _ language: Language) -> String {
        let text: String =
            switch (delivery, language) {
            case (.setAtHandover, .fr):
                "Vous choisissez vous-même le code PIN du token à la remise, devant la personne qui vous le remet. Ne le notez nulle part et ne le communiquez à personne."
            case (.setAtHandover, .de):
                "Sie wählen die PIN des Tokens bei der Übergabe selbst, im Beisein der Person, die ihn Ihnen übergibt. Schreiben Sie sie nirgends auf und teilen Sie sie niemandem mit."
            case (.setAtHandover, .it):
                "Sceglie lei stesso il PIN del token alla consegna, davanti alla persona che glielo consegna. Non lo annoti da nessuna parte e non lo comunichi a nessuno."
            case (.setAtHandover, .en):
                "You choose the token’s PIN yourself at handover, in front of the person handing it to you. Do not write it down and tell it to no one."
            case (.deliveredSeparately, .fr):
                "Le code PIN du token vous parvient séparément, par un autre canal que cette feuille. Ne le gardez pas avec le token."
            case (.deliveredSeparately, .de):
                "Die PIN des Tokens erhalten Sie separat, auf einem anderen Weg als dieses Blatt. Bewahren Sie sie nicht beim Token auf."
            case (.deliveredSeparately, .it):
                "Il PIN del token le arriva separatamente, per un canale diverso da questo foglio. Non lo conservi insieme al token."
            case (.deliveredSeparately, .en):
                "The token’s PIN reaches you separately, by another channel than this sheet. Do not keep it with the token."
            case (.none, .fr):
                "Ce token n’a pas de code PIN : quiconque le tient peut afficher vos codes. Ne le laissez jamais sans surveillance."
            case (.none, .de):
                "Dieser Token hat keine PIN: Wer ihn hält, kann Ihre Codes anzeigen. Lassen Sie ihn nie unbeaufsichtigt."
            case (.none, .it):
                "Questo token non ha un PIN: chi lo tiene in mano può vedere i suoi codici. Non lo lasci mai incustodito."
            case (.none, .en): "This token has no PIN: whoever holds it can show your codes. Never leave it unattended."
            }
        return language == .fr ? Typography.french(text) : text
    }

    /// The sheet's template fields (README, "Letter templates").
    var context: [String: Any] {
        [
            "language": language.rawValue, "senderLines": sender, "date": date, "recipientLines": recipient,
            "title": title, "intro": intro, "rows": rows.map { ["label": $0.label, "value": $0.value] },
            "sections": sections.map { ["heading": $0.heading, "text": $0.text] }, "receipt": receipt,
        ]
    }

    /// The sheet as one page of the print run's PDF.
    var page: PrintedPage {
        var blocks: [PrintedBlock] = [.title(title), .paragraph(intro), .table(rows)]
        for section in sections {
            blocks.append(.heading(section.heading))
            blocks.append(.paragraph(section.text))
        }
        blocks.append(.table(receipt.map { PrintedRow($0, "……………………………………") }))
        return PrintedPage(
            language: language.rawValue, sender: sender, date: date, recipient: recipient, blocks: blocks)
    }
}
