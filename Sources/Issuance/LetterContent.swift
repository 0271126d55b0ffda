import Activation
import Foundation
import LetterPDF
import OTPCore

/// Everything one activation letter says, worded for the user's language and app: the HTML
/// letter's template fields and the PDF page both come from it.
public struct LetterContent: Sendable {
    public let language: Language
    public let username: String
    public let name: String
    public let issuer: String
    public let app: String
    public let sender: [String]
    public let date: String
    /// The recipient's name, then their address lines.
    public let recipient: [String]
    public let title: String
    public let greeting: String
    public let intro: String
    public let requirement: String
    /// The five steps: install, protect, administrator, scan, confirm.
    public let steps: [(heading: String, text: String)]
    public let manualTitle: String
    /// Where to type the key in the app when the camera cannot read the code.
    public let manual: String
    /// Issuer, account, key in groups of four, type, digits, period (or counter).
    public let manualEntry: [(label: String, value: String)]
    public let qrAlternativeText: String
    public let questions: String?
    public let keep: String
    public let helpdesk: String?
    public let login: String
    /// What the QR code holds.
    let uri: OTPAuthURI

    public init(
        entry: RosterEntry, address: [String] = [], uri: OTPAuthURI, issuer: String, fields: LetterFields,
        today: LetterDate
    ) {
        let language = entry.language
        let wording = LetterWording(language: language)
        let set = wording.typeset
        let appSteps = AppSteps.steps(for: entry.appProfile ?? .any, in: language)
        self.language = language
        self.uri = uri
        username = entry.username
        name = entry.displayName
        self.issuer = issuer
        app = appSteps.app
        sender = fields.sender.isEmpty ? [issuer] : fields.sender
        date = (fields.date ?? today).text(in: language)
        recipient = [entry.displayName] + address
        helpdesk = fields.helpdesk
        login = fields.login ?? issuer
        title = set(wording.title(issuer: issuer))
        greeting = wording.greeting(name: entry.displayName)
        intro = set(wording.intro(issuer: issuer))
        requirement = wording.requirement
        let headings = wording.headings
        steps = [
            (headings[0], set(appSteps.install)), (headings[1], set(appSteps.protect)),
            (headings[2], set(wording.administrator)), (headings[3], set(appSteps.scan)),
            (
                headings[4],
                set(
                    wording.confirmation(
                        fields.confirmation, digits: uri.digits, helpdesk: fields.helpdesk, login: login))
            ),
        ]
        manualTitle = set(wording.manualTitle)
        manual = set(appSteps.manual)
        let labels = wording.manualLabels
        let key = uri.secret.base32EncodedString()
        var groups: [String] = []
        var index = key.startIndex
        while index < key.endIndex {
            let end = key.index(index, offsetBy: 4, limitedBy: key.endIndex) ?? key.endIndex
            groups.append(String(key[index..<end]))
            index = end
        }
        var entryRows: [(label: String, value: String)] = [
            (labels.issuer, uri.issuer ?? issuer), (labels.account, uri.account),
            (labels.key, groups.joined(separator: " ")),
        ]
        switch uri.kind {
        case .totp(let period):
            entryRows += [
                (labels.type, wording.timeBased), (labels.digits, "\(uri.digits)"),
                (labels.period, wording.seconds(period)),
            ]
        case .hotp(let counter):
            entryRows += [
                (labels.type, wording.counterBased), (labels.digits, "\(uri.digits)"), (labels.counter, "\(counter)"),
            ]
        }
        if uri.algorithm != .sha1 { entryRows.append((labels.algorithm, uri.algorithm.rawValue)) }
        manualEntry = entryRows
        qrAlternativeText = wording.qrAlternativeText(app: appSteps.app)
        questions = fields.helpdesk.map { set(wording.questions(helpdesk: $0)) }
        keep = set(wording.keep)
    }

    /// The template fields (README, "Letter templates"); `png` and `svg` are the QR code's images.
    func context(png: [UInt8], svg: String) -> [String: Any] {
        let stepKeys = ["install", "protect", "admin", "scan", "confirm"]
        var context: [String: Any] = [
            "name": name, "username": username, "issuer": issuer, "account": uri.account, "app": app,
            "language": language.rawValue, "senderLines": sender, "date": date, "recipientLines": recipient,
            "title": title, "greeting": greeting, "intro": intro, "requirement": requirement,
            "manualTitle": manualTitle, "manual": manual,
            "manualEntry": manualEntry.enumerated().map { ["label": $1.label, "value": $1.value, "key": $0 == 2] },
            "qrAlt": qrAlternativeText, "qrPNG": Data(png).base64EncodedString(), "qrSVG": svg,
            "login": login, "keep": keep,
        ]
        // Absent, not empty, when not given: Mustache treats an empty string as true.
        if let questions { context["questions"] = questions }
        if let helpdesk { context["helpdesk"] = helpdesk }
        for (key, step) in zip(stepKeys, steps) {
            context[key + "Heading"] = step.heading
            context[key] = step.text
        }
        let manualKeys = ["manualIssuer", "manualAccount", "manualKey", "manualType", "manualDigits", "manualPeriod"]
        for (key, row) in zip(manualKeys, manualEntry) { context[key] = row.value }
        return context
    }

    /// The letter as one page of the print run's PDF.
    func page(qrCode: QRCode) -> PrintedPage {
        var blocks: [PrintedBlock] = [
            .title(title), .paragraph(greeting), .paragraph(intro + " " + requirement),
        ]
        for (index, step) in steps.enumerated() {
            blocks.append(.heading(step.heading))
            blocks.append(.paragraph(step.text))
            if index == 3 {
                blocks.append(
                    .qrCode(
                        qrCode, captionTitle: manualTitle,
                        caption: manualEntry.enumerated().map { PrintedRow($1.label, $1.value, monospaced: $0 == 2) }))
                blocks.append(.note(manual))
            }
        }
        if let questions { blocks.append(.paragraph(questions)) }
        blocks.append(.note(keep))
        return PrintedPage(
            language: language.rawValue, sender: sender, date: date, recipient: recipient, blocks: blocks)
    }
}
