import OTPCore

/// Why a Google Authenticator export cannot be read or written. Accounts are named by number
/// (from 1) and label; secrets never appear.
public enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    case notMigrationLink
    case missingData
    case duplicateData
    case invalidBase64
    case invalidProtobuf
    case noAccounts
    case unsupportedAlgorithm(account: Int, label: String, algorithm: String)
    case unsupportedDigits(account: Int, label: String, code: Int)
    case unknownType(account: Int, label: String, code: Int)
    case emptySecret(account: Int, label: String)
    case invalidAccount(account: Int, label: String, OTPAuthURIError)
    case invalidBatch(index: Int, size: Int)
    case invalidBatchCapacity(Int)
    case notExportable(label: String, reason: String)
    case accountTooLong(label: String, limit: Int)
    case inconsistentBatchSize(batchID: Int32, sizes: [Int])
    case conflictingBatch(index: Int)
    case missingBatches([Int], of: Int)
    case tooManyBatches(Int, limit: Int)

    public var description: String {
        switch self {
        case .notMigrationLink:
            "not a Google Authenticator export: it must start with otpauth-migration://offline?"
        case .missingData:
            "the export link has no data= parameter"
        case .duplicateData:
            "the export link has more than one data= parameter: it is ambiguous, export again"
        case .invalidBase64:
            "the export link's data is not Base64 (was the link cut short?)"
        case .invalidProtobuf:
            "the export link's data is not a Google Authenticator MigrationPayload (was the link cut short?)"
        case .noAccounts:
            "the export holds no accounts"
        case .unsupportedAlgorithm(let account, let label, let algorithm):
            "account \(account) (\(Self.clipped(label))) uses the \(algorithm) algorithm: only SHA1, SHA256 and SHA512 are supported"
        case .unsupportedDigits(let account, let label, let code):
            "account \(account) (\(Self.clipped(label))) has an unknown digit count (code \(code))"
        case .unknownType(let account, let label, let code):
            "account \(account) (\(Self.clipped(label))) is neither TOTP nor HOTP (type code \(code))"
        case .emptySecret(let account, let label):
            "account \(account) (\(Self.clipped(label))) has an empty secret"
        case .invalidAccount(let account, let label, let error):
            "account \(account) (\(Self.clipped(label))) cannot be used: \(error)"
        case .invalidBatch(let index, let size):
            "batch index \(index) does not fit a batch size of \(size): the export is damaged"
        case .invalidBatchCapacity(let count):
            "\(count) accounts per code is out of range: Google Authenticator takes 1 to 10"
        case .notExportable(let label, let reason):
            "\(Self.clipped(label)) cannot go into a Google Authenticator export: \(reason)"
        case .accountTooLong(let label, let limit):
            "\(Self.clipped(label)) alone makes an export link longer than \(limit) bytes, more than a QR code "
                + "holds: use a lower error correction level or shorter names"
        case .inconsistentBatchSize(let batchID, let sizes):
            "the codes of export \(batchID) disagree on how many codes it has (\(sizes.map(String.init).joined(separator: " and ")))"
        case .conflictingBatch(let index):
            "two different codes claim to be code \(index + 1) of the same export"
        case .missingBatches(let missing, let size):
            "the export has \(size) codes, but code(s) \(Self.listed(missing.map { $0 + 1 })) "
                + "were not given: scan every code of the export"
        case .tooManyBatches(let size, let limit):
            "the export claims \(size) codes, more than the \(limit) TokenForge reads: the export is damaged"
        }
    }

    /// The first numbers of `numbers`, then how many more there are.
    private static func listed(_ numbers: [Int], shown: Int = 10) -> String {
        let head = numbers.prefix(shown).map(String.init).joined(separator: ", ")
        return numbers.count > shown ? head + " and \(numbers.count - shown) more" : head
    }

    private static func clipped(_ text: String) -> String {
        PrintableText.escaped(text.count <= 60 ? text : String(text.prefix(60)) + "…")
    }
}
