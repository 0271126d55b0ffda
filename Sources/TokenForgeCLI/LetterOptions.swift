import ArgumentParser
import DurableFiles
import Foundation
import Issuance
import LetterPDF

extension LetterFields.FirstCodeConfirmation: ExpressibleByArgument {}
extension HandoverSheet.PINDelivery: ExpressibleByArgument {}

/// What letters and handover sheets say beyond each user's details, and the templates they use.
struct LetterOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Letter templates (letter.LANG.mustache, sheet.LANG.mustache) replacing the shipped ones.", valueName: "DIR"
        ))
    var template: String?
    @Option(
        help: ArgumentHelp(
            "Letter fields from a JSON file: sender (lines), helpdesk, date, confirmation, login.", valueName: "FILE"))
    var letterConfig: String?
    @Option(help: ArgumentHelp("The sender block, lines separated by |.", valueName: "LINES")) var sender: String?
    @Option(help: ArgumentHelp("How to reach the helpdesk (name, telephone, e-mail).", valueName: "TEXT"))
    var helpdesk: String?
    @Option(help: ArgumentHelp("The letters' date (default: today).", valueName: "YYYY-MM-DD")) var letterDate: String?
    @Option(help: "How a user's first code is confirmed: helpdesk (given to the helpdesk, who runs activate) or login.")
    var firstCode: LetterFields.FirstCodeConfirmation?
    @Option(help: ArgumentHelp("Where staff log in, as the letters name it (default: the issuer).", valueName: "TEXT"))
    var loginAt: String?

    /// The configuration file's fields with the options on top.
    func fields() throws -> LetterFields {
        var fields = LetterFields()
        if let letterConfig {
            guard let data = FileManager.default.contents(atPath: letterConfig),
                let text = String(data: data, encoding: .utf8)
            else { throw CLIFailure.noInput("cannot read the letter configuration \(letterConfig)") }
            do { fields = try LetterFields(configuration: text, file: letterConfig) } catch {
                throw CLIFailure.badInput("\(error)")
            }
        }
        if let sender { fields.sender = Roster.addressLines(sender) }
        if let helpdesk { fields.helpdesk = helpdesk }
        if let loginAt { fields.login = loginAt }
        if let firstCode { fields.confirmation = firstCode }
        if let letterDate {
            guard let date = LetterDate(iso: letterDate) else {
                throw CLIFailure.usage("--letter-date \(letterDate) is not a day written YYYY-MM-DD")
            }
            fields.date = date
        }
        return fields
    }

    /// The renderer for users in `languages`, every template checked.
    func renderer(languages: Set<Language>, addresses: [String: [String]] = [:]) throws -> LetterRenderer {
        var renderer: LetterRenderer
        do { renderer = try LetterRenderer(overrides: template, languages: languages, fields: fields()) } catch let
            error as LetterTemplateError
        {
            switch error {
            case .missingDirectory, .missingFile, .unreadable: throw CLIFailure.noInput("\(error)")
            case .tooLarge, .nestedTooDeep, .nestedInItself, .qrCodeRepeated, .tooManyQRCodes, .unknownField,
                .unsupportedTag,
                .noQRCode, .escapedSVG, .syntax:
                throw CLIFailure.badInput("\(error)")
            }
        }
        renderer.addresses = addresses
        return renderer
    }
}

/// Checks that a print run's PDF can go to `path`: the path must be new.
func checkNewOutput(_ path: String?) throws {
    guard let path else { return }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        throw CLIFailure(
            status: .outputExists,
            message:
                "\(path) already exists: the PDF holds seeds and is never written over an existing file; choose a new path"
        )
    }
}

/// Writes a print run's PDF and maps its failures to exit statuses.
func writePDF(_ print: LetterPrint, users: [RegisteredUser], to path: String) throws {
    do { try print.writePDF(for: users, to: path) } catch let error as DurableFileError {
        throw CLIFailure(status: .cannotWrite, message: "\(error)")
    } catch let error as LetterPDFError {
        throw CLIFailure(status: .cannotWrite, message: "\(path): \(error)")
    } catch let error as RegisterError {
        throw CLIFailure(error)
    }
}
