import FoundationEssentials
import OTPCore
import SwiftProtobuf

/// Converts between the export's protobuf messages (migration.proto) and OTPCore's accounts.
enum MigrationProtobuf {
    typealias Message = GoogleAuthenticator_MigrationPayload
    typealias Parameters = GoogleAuthenticator_MigrationPayload.OtpParameters

    private static let prefix = "otpauth-migration://offline?"

    static func message(fromLink link: String) throws(MigrationError) -> Message {
        let text = link.trimmingWhitespace()
        guard text.utf8.count > prefix.utf8.count, text.prefix(prefix.count).lowercased() == prefix else {
            throw .notMigrationLink
        }
        let query = text.dropFirst(prefix.count)
        let fields = query.split(separator: "&").filter { $0.hasPrefix("data=") }
        guard fields.count <= 1 else { throw .duplicateData }
        let data = fields.first.map { $0.dropFirst("data=".count) }
        guard let data, !data.isEmpty else { throw .missingData }
        guard let bytes = base64Decoded(data) else { throw .invalidBase64 }
        do {
            return try Message(serializedBytes: bytes)
        } catch {
            throw .invalidProtobuf
        }
    }

    static func link(for message: Message) -> String {
        let bytes: [UInt8] = try! message.serializedBytes()
        var text = prefix + "data="
        for character in Data(bytes).base64EncodedString() {
            switch character {
            case "+": text += "%2B"
            case "/": text += "%2F"
            case "=": text += "%3D"
            default: text.append(character)
            }
        }
        return text
    }

    static func message(for payload: MigrationPayload) throws(MigrationError) -> Message {
        var message = Message()
        message.version = payload.version
        message.batchSize = Int32(payload.batchSize)
        message.batchIndex = Int32(payload.batchIndex)
        message.batchID = payload.batchID
        for account in payload.accounts { message.otpParameters.append(try parameters(for: account)) }
        return message
    }

    static func parameters(for account: OTPAuthURI) throws(MigrationError) -> Parameters {
        var parameters = Parameters()
        parameters.secret = account.secret.withUnsafeBytes { Data($0) }
        // Google Authenticator writes the whole label as the name, and the issuer again.
        parameters.name = account.label
        parameters.issuer = account.issuer ?? ""
        switch account.algorithm {
        case .sha1: parameters.algorithm = .sha1
        case .sha256: parameters.algorithm = .sha256
        case .sha512: parameters.algorithm = .sha512
        }
        switch account.digits {
        case 6: parameters.digits = .six
        case 8: parameters.digits = .eight
        default: throw .notExportable(label: account.label, reason: "\(account.digits) digits (use 6 or 8)")
        }
        switch account.kind {
        case .totp(let period):
            guard period == 30 else {
                throw .notExportable(label: account.label, reason: "period \(period) s (the export has no period: 30)")
            }
            parameters.type = .totp
        case .hotp(let counter):
            parameters.type = .hotp
            parameters.counter = Int64(bitPattern: counter)
        }
        return parameters
    }

    /// The account of `parameters`, the `number`th (from 1) of its code, for messages.
    static func account(from parameters: Parameters, number: Int) throws(MigrationError) -> OTPAuthURI {
        var issuer = parameters.issuer
        var name = parameters.name
        // The name is often "Issuer:account", with or without the issuer field.
        if let colon = name.firstIndex(of: ":") {
            let prefix = String(name[..<colon])
            if issuer.isEmpty || prefix == issuer {
                issuer = prefix
                name = String(name[name.index(after: colon)...])
            }
        }
        let label = issuer.isEmpty ? name : "\(issuer):\(name)"
        let algorithm: OTPAlgorithm
        switch parameters.algorithm {
        case .unspecified, .sha1: algorithm = .sha1
        case .sha256: algorithm = .sha256
        case .sha512: algorithm = .sha512
        case .md5: throw .unsupportedAlgorithm(account: number, label: label, algorithm: "MD5")
        case .UNRECOGNIZED(let value):
            throw .unsupportedAlgorithm(account: number, label: label, algorithm: "code \(value)")
        }
        let digits: Int
        switch parameters.digits {
        case .unspecified, .six: digits = 6
        case .eight: digits = 8
        case .UNRECOGNIZED(let value): throw .unsupportedDigits(account: number, label: label, code: value)
        }
        let kind: OTPAuthURI.Kind
        switch parameters.type {
        case .totp: kind = .totp(period: 30)
        case .hotp: kind = .hotp(counter: UInt64(bitPattern: parameters.counter))
        case .unspecified: throw .unknownType(account: number, label: label, code: 0)
        case .UNRECOGNIZED(let value): throw .unknownType(account: number, label: label, code: value)
        }
        guard !parameters.secret.isEmpty else { throw .emptySecret(account: number, label: label) }
        do {
            return try OTPAuthURI(
                kind: kind, account: name, issuer: issuer, secret: Secret(bytes: parameters.secret),
                algorithm: algorithm, digits: digits)
        } catch {
            throw .invalidAccount(account: number, label: label, error)
        }
    }

    /// Standard or URL-safe Base64, percent-encoded or not, padded or not.
    private static func base64Decoded(_ text: Substring) -> [UInt8]? {
        guard var plain = PercentEncoding.decode(text) else { return nil }
        plain = String(
            plain.compactMap { character -> Character? in
                switch character {
                case " ": "+"  // a "+" that a form decoder turned into a space
                case "-": "+"
                case "_": "/"
                case "\n", "\r", "\t": nil
                default: character
                }
            })
        while plain.utf8.count % 4 != 0 { plain += "=" }
        return Data(base64Encoded: plain).map { Array($0) }
    }

}
