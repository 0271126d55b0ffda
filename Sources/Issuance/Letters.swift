import Activation
import Foundation
import OTPCore
import SystemPackage

/// Renders activation letters and handover sheets as HTML, from the shipped templates or from a
/// directory of overrides (`letter.LANG.mustache`, and optionally `sheet.LANG.mustache`), with the
/// run's letter fields. Every template is checked when the renderer is made.
public struct LetterRenderer: Sendable {
    let letters: [Language: LetterTemplate]
    let sheets: [Language: LetterTemplate]
    /// What every letter says beyond the user's details.
    public let fields: LetterFields
    /// The day printed when the fields give no date.
    public let today: LetterDate
    /// Address lines by username, from the roster's `address` column.
    public var addresses: [String: [String]] = [:]

    /// `directory` must hold `letter.LANG.mustache` for each language in `languages`; a template
    /// for another language there is used too. A `sheet.LANG.mustache` replaces that sheet.
    public init(
        overrides directory: String? = nil, languages: Set<Language> = Set(Language.allCases),
        fields: LetterFields = LetterFields(),
        today: LetterDate = LetterDate(unixTime: Int64(Date().timeIntervalSince1970))
    ) throws(LetterTemplateError) {
        var letters: [Language: LetterTemplate] = [:]
        var sheets: [Language: LetterTemplate] = [:]
        var isDirectory: ObjCBool = false
        if let directory,
            !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) || !isDirectory.boolValue
        {
            throw .missingDirectory(directory)
        }
        for language in Language.allCases {
            let letterFile = directory.map { "\($0)/letter.\(language.rawValue).mustache" }
            let sheetFile = directory.map { "\($0)/sheet.\(language.rawValue).mustache" }
            if let letterFile, FileManager.default.fileExists(atPath: letterFile) {
                letters[language] = try LetterTemplate(
                    Self.read(letterFile), file: letterFile, fields: LetterTemplates.letterFields, requiresQRCode: true)
            } else if let letterFile, languages.contains(language) {
                throw .missingFile(letterFile, language: language)
            } else {
                letters[language] = try Self.shippedLetter.get()
            }
            if let sheetFile, FileManager.default.fileExists(atPath: sheetFile) {
                sheets[language] = try LetterTemplate(
                    Self.read(sheetFile), file: sheetFile, fields: LetterTemplates.sheetFields, requiresQRCode: false)
            } else {
                sheets[language] = try Self.shippedSheet.get()
            }
        }
        self.letters = letters
        self.sheets = sheets
        self.fields = fields
        self.today = today
    }

    /// The shipped templates, checked once per process.
    static let shippedLetter = Result { () throws(LetterTemplateError) in
        try LetterTemplate(
            LetterTemplates.letter, file: "shipped letter", fields: LetterTemplates.letterFields, requiresQRCode: true)
    }
    static let shippedSheet = Result { () throws(LetterTemplateError) in
        try LetterTemplate(
            LetterTemplates.sheet, file: "shipped sheet", fields: LetterTemplates.sheetFields, requiresQRCode: false)
    }

    /// The deepest nesting of sections (`{{#…}}`, `{{^…}}`) a template may have: letters need two
    /// or three; the bound keeps a hostile template from exhausting the stack.
    public static let maximumTemplateNesting = 16

    /// The most QR-code tags a template may hold: each is replaced by the whole image.
    public static let maximumQRCodes = 8

    /// The largest template file read: letters are a few KiB, with the QR code filled in later.
    public static let maximumTemplateBytes = 1 << 20

    /// A template file's text: a regular file (or a link to one) of UTF-8, at most `maximumTemplateBytes` read.
    static func read(_ path: String) throws(LetterTemplateError) -> String {
        // A link to a template is followed; a FIFO or device is never opened (it could block).
        guard (try? FilePath(path).stat())?.type == .regular, let file = try? FileDescriptor.open(path, .readOnly)
        else { throw .unreadable(path) }
        defer { try? file.close() }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while bytes.count <= maximumTemplateBytes {
            guard let count = try? chunk.withUnsafeMutableBytes({ try file.read(into: $0) }) else {
                throw .unreadable(path)
            }
            if count == 0 { break }
            bytes += chunk[..<count]
        }
        guard bytes.count <= maximumTemplateBytes else { throw .tooLarge(path, limit: maximumTemplateBytes) }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .unreadable(path) }
        return text
    }

    /// The wording of `entry`'s letter for the account `uri` enrols under `issuer`.
    public func content(for entry: RosterEntry, issuer: String, uri: OTPAuthURI) -> LetterContent {
        LetterContent(
            entry: entry, address: addresses[entry.username] ?? entry.address, uri: uri, issuer: issuer, fields: fields,
            today: today)
    }

    /// The HTML letter of one user; `png` and `svg` are the QR code of `uri`.
    public func render(for entry: RosterEntry, issuer: String, uri: OTPAuthURI, png: [UInt8], svg: String) -> String {
        letters[entry.language]!.render(content(for: entry, issuer: issuer, uri: uri).context(png: png, svg: svg))
    }

    /// The HTML handover sheet of one token user.
    public func render(_ sheet: HandoverSheet) -> String {
        sheets[sheet.language]!.render(sheet.content(fields: fields, today: today).context)
    }
}
