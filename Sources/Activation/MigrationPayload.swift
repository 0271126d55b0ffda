import FoundationEssentials
import OTPCore
import SwiftProtobuf

/// One QR code of a Google Authenticator export, `otpauth-migration://offline?data=…`: up to ten
/// accounts and where this code sits in the export (formats.md, "Google Authenticator export").
///
/// `description` redacts; `link` reveals the secrets.
public struct MigrationPayload: Sendable, Equatable, CustomStringConvertible {
    /// Google Authenticator puts at most this many accounts in one QR code.
    public static let maximumAccountsPerBatch = 10
    /// The most codes an export read or written may have (10,000 accounts at 10 per code).
    public static let maximumBatchSize = 1_000

    public let accounts: [OTPAuthURI]
    /// How many QR codes the export has, 1 or more.
    public let batchSize: Int
    /// This code's place in the export, from 0.
    public let batchIndex: Int
    /// The same random number on every code of one export.
    public let batchID: Int32
    /// The format version; Google Authenticator writes 1.
    public let version: Int32

    /// A batch of an export; every account must be one Google Authenticator can hold (TOTP with a
    /// 30 s period or HOTP, 6 or 8 digits).
    public init(
        accounts: [OTPAuthURI], batchIndex: Int = 0, batchSize: Int = 1, batchID: Int32, version: Int32 = 1
    ) throws(MigrationError) {
        guard !accounts.isEmpty else { throw .noAccounts }
        guard batchSize >= 1, (0..<batchSize).contains(batchIndex) else {
            throw .invalidBatch(index: batchIndex, size: batchSize)
        }
        for account in accounts { _ = try MigrationProtobuf.parameters(for: account) }
        self.accounts = accounts
        self.batchSize = batchSize
        self.batchIndex = batchIndex
        self.batchID = batchID
        self.version = version
    }

    /// Parses an export link. Lenient where links get mangled in transit (missing padding, an
    /// unescaped `+` or a space for it, URL-safe Base64); strict about every account.
    public init(link: String) throws(MigrationError) {
        let message = try MigrationProtobuf.message(fromLink: link)
        guard !message.otpParameters.isEmpty else { throw .noAccounts }
        var accounts: [OTPAuthURI] = []
        for (index, parameters) in message.otpParameters.enumerated() {
            accounts.append(try MigrationProtobuf.account(from: parameters, number: index + 1))
        }
        // Exports from before batching, and some other tools, leave the batch fields at 0.
        let size = message.batchSize == 0 ? 1 : Int(message.batchSize)
        guard size <= Self.maximumBatchSize else { throw .tooManyBatches(size, limit: Self.maximumBatchSize) }
        let index = Int(message.batchIndex)
        guard size >= 1, (0..<size).contains(index) else { throw .invalidBatch(index: index, size: size) }
        self.accounts = accounts
        self.batchSize = size
        self.batchIndex = index
        self.batchID = message.batchID
        self.version = message.version
    }

    /// The `otpauth-migration://offline?data=…` link: it holds every account's secret.
    public var link: String {
        // The initialisers have checked that every account can be encoded.
        let message = try! MigrationProtobuf.message(for: self)
        return MigrationProtobuf.link(for: message)
    }

    public var description: String {
        "Google Authenticator export, code \(batchIndex + 1) of \(batchSize), \(accounts.count) account(s): "
            + accounts.map(\.label).joined(separator: ", ")
    }

    /// Splits `accounts`, in order, into the codes of one export: at most `accountsPerBatch` (1 to
    /// 10) in each, and, with `maximumLinkLength`, no more than fit in a link that long (a QR code's
    /// byte capacity, `QRCode.ErrorCorrection.byteCapacity`). All share `batchID`.
    public static func batches(
        of accounts: [OTPAuthURI], batchID: Int32, accountsPerBatch: Int = maximumAccountsPerBatch,
        maximumLinkLength: Int? = nil
    ) throws(MigrationError) -> [MigrationPayload] {
        guard (1...maximumAccountsPerBatch).contains(accountsPerBatch) else {
            throw .invalidBatchCapacity(accountsPerBatch)
        }
        guard !accounts.isEmpty else { throw .noAccounts }
        func fits(_ group: [OTPAuthURI]) throws(MigrationError) -> Bool {
            guard let maximumLinkLength else { return true }
            return try linkLength(of: group) <= maximumLinkLength
        }
        var groups: [[OTPAuthURI]] = []
        var current: [OTPAuthURI] = []
        for account in accounts {
            if current.count < accountsPerBatch, try fits(current + [account]) {
                current.append(account)
                continue
            }
            if !current.isEmpty { groups.append(current) }
            current = [account]
            guard try fits(current) else {
                throw .accountTooLong(label: account.label, limit: maximumLinkLength ?? 0)
            }
        }
        groups.append(current)
        guard groups.count <= maximumBatchSize else { throw .tooManyBatches(groups.count, limit: maximumBatchSize) }
        var batches: [MigrationPayload] = []
        for (index, group) in groups.enumerated() {
            batches.append(
                try MigrationPayload(accounts: group, batchIndex: index, batchSize: groups.count, batchID: batchID))
        }
        return batches
    }

    /// The length of the link of a batch of `accounts` (batch fields at their largest).
    private static func linkLength(of accounts: [OTPAuthURI]) throws(MigrationError) -> Int {
        let payload = try MigrationPayload(
            accounts: accounts, batchIndex: maximumAccountsPerBatch * 100, batchSize: maximumAccountsPerBatch * 100 + 1,
            batchID: Int32.min)
        return payload.link.utf8.count
    }

    /// The accounts of one or more exports, in batch order. Codes of one export share a batch id;
    /// each export must be complete (every batch index once) unless `allowingIncompleteExports`.
    /// A code given twice counts once.
    public static func accounts(
        in payloads: [MigrationPayload], allowingIncompleteExports: Bool = false
    ) throws(MigrationError) -> [OTPAuthURI] {
        var exportOrder: [Int32] = []
        var exports: [Int32: [Int: MigrationPayload]] = [:]
        for payload in payloads {
            if exports[payload.batchID] == nil {
                exportOrder.append(payload.batchID)
                exports[payload.batchID] = [:]
            }
            let batches = exports[payload.batchID]!
            if let other = batches.values.first, other.batchSize != payload.batchSize {
                throw .inconsistentBatchSize(batchID: payload.batchID, sizes: [other.batchSize, payload.batchSize])
            }
            if let existing = batches[payload.batchIndex] {
                guard existing == payload else { throw .conflictingBatch(index: payload.batchIndex) }
                continue
            }
            exports[payload.batchID]![payload.batchIndex] = payload
        }
        var accounts: [OTPAuthURI] = []
        for batchID in exportOrder {
            let batches = exports[batchID]!
            let size = batches.values.first!.batchSize
            let missing = (0..<size).filter { batches[$0] == nil }
            if !missing.isEmpty, !allowingIncompleteExports { throw .missingBatches(missing, of: size) }
            accounts += batches.keys.sorted().flatMap { batches[$0]!.accounts }
        }
        return accounts
    }
}
