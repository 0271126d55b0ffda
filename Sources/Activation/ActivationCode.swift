import OTPCore

/// The QR code that activates an account in an authenticator app: the account checked against
/// the app's profile, then encoded. `tokenforge qr`, token programming and issuance all make
/// their codes here.
public enum ActivationCode {
    /// The QR code of `account`'s otpauth URI. Throws `AppCompatibilityError` when `app` would
    /// mishandle it, unless `allowingIncompatible` (the caller then reports `app.issues(with:)`),
    /// and `QRCodeError` when the URI does not fit.
    public static func qrCode(
        for account: OTPAuthURI, app: AppProfile = .any, allowingIncompatible: Bool = false,
        errorCorrection: QRCode.ErrorCorrection = .medium
    ) throws -> QRCode {
        if !allowingIncompatible { try app.check(account) }
        return try QRCode(encoding: account.uriString, errorCorrection: errorCorrection)
    }

    /// The QR codes of a Google Authenticator export of `accounts`, one per batch of at most
    /// `accountsPerBatch` and of no more than fit in one code, all sharing `batchID`.
    public static func migrationQRCodes(
        for accounts: [OTPAuthURI], batchID: Int32, accountsPerBatch: Int = MigrationPayload.maximumAccountsPerBatch,
        errorCorrection: QRCode.ErrorCorrection = .medium
    ) throws -> [QRCode] {
        try MigrationPayload.batches(
            of: accounts, batchID: batchID, accountsPerBatch: accountsPerBatch,
            maximumLinkLength: errorCorrection.migrationLinkLimit
        ).map { try QRCode(encoding: $0.link, errorCorrection: errorCorrection) }
    }
}

extension QRCode.ErrorCorrection {
    /// The longest export link to put in one code at this level: the byte capacity less a little
    /// room for segment headers and the batch fields' varying Base64 escapes.
    public var migrationLinkLimit: Int { byteCapacity - 32 }
}
