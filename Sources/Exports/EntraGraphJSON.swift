import Foundation
import OTPCore

/// The Microsoft Graph request body that creates hardware OATH tokens in Entra ID's inventory in
/// bulk (`PATCH /beta/directory/authenticationMethodDevices/hardwareOathDevices`, Graph docs
/// "Create one or multiple hardwareOathTokenAuthenticationMethodDevice"): per token its
/// `serialNumber`, `manufacturer`, `model`, Base32 `secretKey`, `timeIntervalInSeconds` and
/// `hashFunction` (`hmacsha1` or `hmacsha256`). This is how Entra ID is told a token is SHA-256,
/// which its CSV cannot say. `assignTo` takes a directory object ID, which TokenForge does not
/// know: tokens land unassigned, and the manifest beside the file names each serial's user.
public enum EntraGraphJSON {
    struct Body: Encodable {
        let context = "#$delta"
        let value: [Device]

        enum CodingKeys: String, CodingKey {
            case context = "@context"
            case value
        }
    }

    struct Device: Encodable {
        let contentId: String
        let serialNumber: String
        let manufacturer: String
        let model: String
        let secretKey: String
        let timeIntervalInSeconds: Int
        let hashFunction: String

        enum CodingKeys: String, CodingKey {
            case contentId = "@contentId"
            case serialNumber, manufacturer, model, secretKey, timeIntervalInSeconds, hashFunction
        }
    }

    /// Graph's name for `algorithm`, or nil when Entra ID has none.
    public static func hashFunction(_ algorithm: OTPAlgorithm) -> String? {
        switch algorithm {
        case .sha1: "hmacsha1"
        case .sha256: "hmacsha256"
        case .sha512: nil
        }
    }

    /// The JSON body for `records`; throws for records Entra ID would refuse, or without the
    /// manufacturer and model Graph requires.
    public static func export(_ records: [ExportRecord]) throws(ExportError) -> String {
        try records.checkUniqueSerials()
        try EntraCSV.check(records)
        var devices: [Device] = []
        for (index, record) in records.enumerated() {
            guard case .totp(let period) = record.kind, let hash = hashFunction(record.algorithm) else {
                throw .entraRefused([EntraCSV.refusal(of: record) ?? .entraRequiresTOTP(username: record.username)])
            }
            guard let manufacturer = record.manufacturer else {
                throw .emptyField(username: record.username, field: .manufacturer)
            }
            guard let model = record.model else { throw .emptyField(username: record.username, field: .model) }
            devices.append(
                Device(
                    contentId: String(index + 1), serialNumber: record.serial, manufacturer: manufacturer, model: model,
                    secretKey: record.secret.base32EncodedString(), timeIntervalInSeconds: period, hashFunction: hash))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Body(value: devices)) else { throw .noRecords }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// What an Entra export writes: SHA-1 tokens in the CSV the Entra admin center uploads, SHA-256
/// tokens in the Graph body that names their hash; each nil when it would hold no token.
public struct EntraExport: Sendable, Equatable {
    public let csv: String?
    public let graphJSON: String?

    /// Checks every record first (`EntraCSV.check`, naming each user refused), then splits them.
    public init(_ records: [ExportRecord]) throws(ExportError) {
        try records.checkUniqueSerials()
        try EntraCSV.check(records)
        let sha1 = records.filter { $0.algorithm == .sha1 }
        let sha256 = records.filter { $0.algorithm == .sha256 }
        csv = try sha1.isEmpty ? nil : EntraCSV.export(sha1)
        graphJSON = try sha256.isEmpty ? nil : EntraGraphJSON.export(sha256)
    }
}
