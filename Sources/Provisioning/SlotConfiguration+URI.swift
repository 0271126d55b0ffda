public import OTPCore
public import TokenModel

extension SlotConfiguration {
    /// What a slot stores for `uri`; with `limit`, issuer and account cut to that many UTF-8
    /// bytes (on a character boundary), else kept whole for the token to accept or refuse.
    public init(_ uri: OTPAuthURI, truncatingNamesTo limit: Int? = nil) {
        let kind: Kind =
            switch uri.kind {
            case .totp(let period): .totp(period: UInt32(clamping: period))
            case .hotp(let counter): .hotp(counter: counter)
            }
        self.init(
            kind: kind, algorithm: uri.algorithm, digits: uri.digits,
            issuer: Self.cut(uri.issuer ?? "", to: limit), account: Self.cut(uri.account, to: limit))
    }

    static func cut(_ name: String, to limit: Int?) -> String {
        guard let limit, name.utf8.count > limit else { return name }
        var kept = ""
        for character in name {
            guard kept.utf8.count + character.utf8.count <= limit else { break }
            kept.append(character)
        }
        return kept
    }
}
