import Activation
import DurableFiles
import Foundation
import LetterPDF
import OTPCore
import SystemPackage

/// Prints the letters of app users and the handover sheets of token users from the register:
/// one merged PDF (one page per user) or HTML files. Only users who were issued a seed and have
/// not activated get one: the same seed again, never a new one.
public struct LetterPrint {
    /// Why a user gets no letter.
    public enum Refusal: Equatable, Sendable, CustomStringConvertible {
        case unknown
        case activated
        case revoked
        /// Issuance has not finished for the user (state `pending` or `seeded`).
        case notIssued

        public var description: String {
            switch self {
            case .unknown: "is not in the register"
            case .activated: "has already activated: a letter would only expose the seed"
            case .revoked: "is revoked: their seed is destroyed"
            case .notIssued: "has no letter or token yet: finish the run with issue --resume"
            }
        }
    }

    /// Named users who cannot get a letter; nothing is printed.
    public struct RefusalError: Error, Equatable, Sendable, CustomStringConvertible {
        public let refusals: [String: Refusal]

        public init(refusals: [String: Refusal]) { self.refusals = refusals }

        public var description: String {
            refusals.keys.sorted().map { "\($0) \(refusals[$0]!)" }.joined(separator: "; ")
        }
    }

    let register: Register
    let renderer: LetterRenderer
    let issuer: String
    /// How each token user gets their PIN, for their handover sheet.
    let pinDelivery: (RegisteredUser) -> HandoverSheet.PINDelivery

    public init(
        register: Register, renderer: LetterRenderer, issuer: String,
        pinDelivery: @escaping (RegisteredUser) -> HandoverSheet.PINDelivery
    ) {
        self.register = register
        self.renderer = renderer
        self.issuer = issuer
        self.pinDelivery = pinDelivery
    }

    /// Whether a user in `state` can get a letter or sheet printed.
    public static func isPrintable(_ state: UserState) -> Bool {
        [.letterIssued, .programmed, .exported].contains(state)
    }

    /// The users named, in that order, when every one can get a letter (else a `RefusalError`
    /// naming each who cannot); with no names, every user who can.
    public static func users(named usernames: [String], in register: Register) throws -> [RegisteredUser] {
        guard !usernames.isEmpty else { return try register.users().filter { Self.isPrintable($0.state) } }
        let found = try register.users(named: usernames)
        var refusals: [String: Refusal] = [:]
        for name in usernames {
            guard let user = found[name] else {
                refusals[name] = .unknown
                continue
            }
            switch user.state {
            case .active: refusals[name] = .activated
            case .revoked: refusals[name] = .revoked
            case .pending, .seeded: refusals[name] = .notIssued
            case .letterIssued, .programmed, .exported: break
            }
        }
        guard refusals.isEmpty else { throw RefusalError(refusals: refusals) }
        return usernames.compactMap { found[$0] }
    }

    /// The account a user was issued, with their seed.
    func uri(for user: RegisteredUser) throws -> OTPAuthURI {
        try OTPAuthURI(
            kind: .totp(period: user.period), account: user.entry.email, issuer: issuer,
            secret: try register.seed(of: user), algorithm: user.algorithm, digits: user.digits)
    }

    /// The handover sheet of a token user.
    public func sheet(for user: RegisteredUser) -> HandoverSheet {
        HandoverSheet(
            username: user.entry.username, name: user.entry.displayName, language: user.entry.language,
            serial: user.tokenSerial ?? "", slot: user.slot, issuer: issuer, account: user.entry.email,
            digits: user.digits, pinDelivery: pinDelivery(user), address: renderer.addresses[user.entry.username] ?? [])
    }

    /// One page per user: the letter of an app user, the handover sheet of a token user.
    public func pages(for users: [RegisteredUser]) throws -> [PrintedPage] {
        try users.map { user in
            switch user.entry.method {
            case .app:
                let uri = try uri(for: user)
                return renderer.content(for: user.entry, issuer: issuer, uri: uri)
                    .page(qrCode: try QRCode(encoding: uri.uriString))
            case .token:
                return sheet(for: user).content(fields: renderer.fields, today: renderer.today).page
            }
        }
    }

    /// Writes the users' pages as one PDF at `path`: mode 0600, atomically, never over anything.
    public func writePDF(for users: [RegisteredUser], to path: String) throws {
        let bytes = try PDFDocument.render(try pages(for: users), title: "\(issuer) – OTP")
        try DurableFile.write(bytes, to: FilePath(path), permissions: [.ownerReadWrite], existing: .refuse)
    }

    /// Writes each user's HTML letter (`USER.LANG.html`) or handover sheet (`USER.sheet.LANG.html`)
    /// into `directory`, mode 0600; returns the paths.
    @discardableResult
    public func writeHTML(
        for users: [RegisteredUser], into directory: String, existing: DurableFile.Existing = .refuse
    ) throws -> [String] {
        let batch = DurableBatch()
        var paths: [String] = []
        for user in users {
            let language = user.entry.language.rawValue
            let (name, html): (String, String)
            switch user.entry.method {
            case .app:
                let uri = try uri(for: user)
                let code = try QRCode(encoding: uri.uriString)
                html = renderer.render(
                    for: user.entry, issuer: issuer, uri: uri, png: try code.pngData(scale: 6, margin: 4),
                    svg: code.svgDocument(scale: 6, margin: 4))
                name = "\(user.entry.username).\(language).html"
            case .token:
                html = renderer.render(sheet(for: user))
                name = "\(user.entry.username).sheet.\(language).html"
            }
            let path = "\(directory)/\(name)"
            try DurableFile.write(
                Array(html.utf8), to: FilePath(path), existing: existing,
                directoryPermissions: [.ownerReadWriteExecute],
                batch: batch)
            paths.append(path)
        }
        try batch.sync()
        return paths
    }
}
