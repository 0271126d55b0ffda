import Activation
import Foundation
import Mustache

/// Renders activation letters from the shipped templates or from a directory of overrides
/// (`letter.fr.mustache`, `letter.de.mustache`, …).
public struct LetterRenderer: Sendable {
    let templates: [Language: MustacheTemplate]

    public init(overrides directory: String? = nil) throws {
        var templates: [Language: MustacheTemplate] = [:]
        for language in Language.allCases {
            var text = LetterTemplates.template(for: language)
            if let directory,
                FileManager.default.fileExists(atPath: "\(directory)/letter.\(language.rawValue).mustache")
            {
                text = try String(contentsOfFile: "\(directory)/letter.\(language.rawValue).mustache", encoding: .utf8)
            }
            templates[language] = try MustacheTemplate(string: text)
        }
        self.templates = templates
    }

    /// The letter for one user; `png` is the QR code image.
    public func render(for entry: RosterEntry, issuer: String, account: String, png: [UInt8], svg: String) -> String {
        let profile = entry.appProfile ?? .any
        let (app, others) = Self.apps(for: profile, language: entry.language)
        let context: [String: Any] = [
            "name": entry.displayName, "issuer": issuer, "account": account, "app": app, "otherApps": others,
            "qrPNG": Data(png).base64EncodedString(), "qrSVG": svg, "language": entry.language.rawValue,
        ]
        return templates[entry.language]!.render(context)
    }

    static func apps(for profile: AppProfile, language: Language) -> (String, String) {
        switch profile {
        case .any, .accessSecurium:
            let others =
                switch language {
                case .fr:
                    "Si vous avez déjà Google Authenticator ou Microsoft Authenticator, vous pouvez aussi les utiliser."
                case .de:
                    "Wenn Sie bereits Google Authenticator oder Microsoft Authenticator haben, können Sie auch diese verwenden."
                case .it: "Se ha già Google Authenticator o Microsoft Authenticator, può usare anche queste."
                case .en: "If you already have Google Authenticator or Microsoft Authenticator, you can use them too."
                }
            return ("AccessSecurium", others)
        case .google, .googleAndroid: return ("Google Authenticator", "")
        case .microsoft: return ("Microsoft Authenticator", "")
        case .aegis: return ("Aegis Authenticator", "")
        case .freeOTP: return ("FreeOTP", "")
        }
    }
}
