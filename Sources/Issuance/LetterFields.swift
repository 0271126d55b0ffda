import Foundation

/// What every letter and handover sheet of a run says beyond the user's own details: who sends
/// it, whom to ask, the date, where staff log in and how the first code is confirmed. Comes from
/// `--letter-config FILE` (JSON) and the letter options, which override the file.
public struct LetterFields: Equatable, Sendable {
    /// How a user's first code reaches TokenForge's `activate`.
    public enum FirstCodeConfirmation: String, Sendable, CaseIterable {
        /// The user gives the first code to the helpdesk, who confirms it (`tokenforge activate`).
        case helpdesk
        /// The user logs in on the organisation's server with it; the server confirms it.
        case login
    }

    /// The sender's lines (organisation, department, street, town); the issuer when not given.
    public var sender: [String]
    /// How to reach the helpdesk (a name, telephone, e-mail), or nil.
    public var helpdesk: String?
    /// The letter's date; the run's day when nil.
    public var date: LetterDate?
    public var confirmation: FirstCodeConfirmation
    /// Where staff log in (a service name or an address), or nil.
    public var login: String?

    public init(
        sender: [String] = [], helpdesk: String? = nil, date: LetterDate? = nil,
        confirmation: FirstCodeConfirmation = .helpdesk, login: String? = nil
    ) {
        self.sender = sender
        self.helpdesk = helpdesk
        self.date = date
        self.confirmation = confirmation
        self.login = login
    }

    static let keys = ["sender", "helpdesk", "date", "confirmation", "login"]

    /// Reads a letter configuration: a JSON object with `sender` (an array of lines), `helpdesk`,
    /// `date` (YYYY-MM-DD), `confirmation` (`helpdesk` or `login`) and `login`, each optional.
    public init(configuration text: String, file: String) throws(LetterFieldsError) {
        let object: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw LetterFieldsError.invalid(file: file, "the file must hold one JSON object")
            }
            object = parsed
        } catch let error as LetterFieldsError {
            throw error
        } catch {
            throw .invalid(file: file, "not valid JSON")
        }
        for key in object.keys.sorted() where !Self.keys.contains(key) {
            throw .invalid(file: file, "unknown key \"\(key)\": the keys are \(Self.keys.joined(separator: ", "))")
        }
        func string(_ key: String) throws(LetterFieldsError) -> String? {
            guard let value = object[key] else { return nil }
            guard let text = value as? String else { throw .invalid(file: file, "\(key) must be a string") }
            return text
        }
        self.init()
        if let sender = object["sender"] {
            guard let lines = sender as? [String] else {
                throw .invalid(file: file, "sender must be an array of lines, e.g. [\"ACME SA\", \"Rue du Lac 1\"]")
            }
            self.sender = lines
        }
        helpdesk = try string("helpdesk")
        login = try string("login")
        if let date = try string("date") {
            guard let parsed = LetterDate(iso: date) else {
                throw .invalid(file: file, "date \"\(date)\" is not YYYY-MM-DD")
            }
            self.date = parsed
        }
        if let confirmation = try string("confirmation") {
            guard let parsed = FirstCodeConfirmation(rawValue: confirmation) else {
                throw .invalid(file: file, "confirmation \"\(confirmation)\" is not helpdesk or login")
            }
            self.confirmation = parsed
        }
    }
}

/// A calendar day, printed in each letter's language.
public struct LetterDate: Equatable, Sendable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Parses `YYYY-MM-DD`; nil when it is not a real day.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month)
        else { return nil }
        let days = [
            31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
        ]
        guard (1...days[month - 1]).contains(day) else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// The UTC day of `unixTime`.
    public init(unixTime: Int64) {
        let components = Calendar(identifier: .gregorian).dateComponents(
            in: TimeZone(identifier: "UTC")!, from: Date(timeIntervalSince1970: TimeInterval(unixTime)))
        year = components.year!
        month = components.month!
        day = components.day!
    }

    /// "2 décembre 2026", "2. Dezember 2026", "2 dicembre 2026", "2 December 2026".
    public func text(in language: Language) -> String {
        let months: [String] =
            switch language {
            case .fr:
                [
                    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                    "novembre", "décembre",
                ]
            case .de:
                [
                    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
                    "November", "Dezember",
                ]
            case .it:
                [
                    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre",
                    "ottobre", "novembre", "dicembre",
                ]
            case .en:
                [
                    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                    "November", "December",
                ]
            }
        let month = months[self.month - 1]
        switch language {
        case .fr: return day == 1 ? "1er \(month) \(year)" : "\(day) \(month) \(year)"
        case .de: return "\(day). \(month) \(year)"
        case .it: return day == 1 ? "1º \(month) \(year)" : "\(day) \(month) \(year)"
        case .en: return "\(day) \(month) \(year)"
        }
    }
}

/// A letter configuration that cannot be used.
public enum LetterFieldsError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(file: String, String)

    public var description: String {
        switch self {
        case .invalid(let file, let message): "\(file): \(message)"
        }
    }
}
