import Activation

/// The manufacturer and model the exports name for a user's credential: the token's maker and
/// family, or TokenForge and the authenticator app for app users (Microsoft Graph requires both).
struct ExportDevice: Equatable {
    let manufacturer: String
    let model: String

    /// Makers of the token families TokenForge programs, by family name.
    static let makers = [
        "TokenForge spec token": "TokenForge", "Nitrokey Pro": "Nitrokey", "Librem Key": "Purism",
        "YubiKey": "Yubico",
    ]

    /// The vendor's maker and model from the PSKC file, else "display token".
    init(displayToken token: DisplayToken) {
        manufacturer = token.manufacturer ?? "unknown maker"
        model = token.model ?? "display token"
    }

    init(of user: RegisteredUser) {
        switch user.entry.method {
        case .token:
            let model = user.tokenModel ?? "OTP token"
            manufacturer =
                Self.makers[model]
                ?? Self.makers.first { model.hasPrefix($0.key) }?.value ?? "TokenForge"
            self.model = model
        case .app:
            manufacturer = "TokenForge"
            model = (user.entry.appProfile ?? .any) == .any ? "authenticator app" : (user.entry.appProfile ?? .any).appName
        }
    }
}
