/// A credential's name on the card: `[period/]issuer:account`, the period only for TOTP
/// credentials whose period is not 30 s (how ykman names them, yubikit oath `_format_cred_id`).
public struct OATHCredentialID: Equatable, Sendable {
    public var issuer: String
    public var account: String
    /// The TOTP period; nil for HOTP.
    public var period: UInt32?

    public static let defaultPeriod: UInt32 = 30

    public init(issuer: String, account: String, period: UInt32?) {
        self.issuer = issuer
        self.account = account
        self.period = period
    }

    public var name: String {
        let prefix = period.map { $0 == Self.defaultPeriod ? "" : "\($0)/" } ?? ""
        return prefix + (issuer.isEmpty ? account : "\(issuer):\(account)")
    }

    /// The name's bytes, refused when the card cannot keep them.
    public func encodedName() throws(OATHWireError) -> [UInt8] {
        let bytes = Array(name.utf8)
        guard bytes.count <= oathMaximumNameBytes else { throw .nameTooLong(bytes.count) }
        return bytes
    }

    /// Splits a name as stored: a leading `digits/` is the period for TOTP, the text before the
    /// first `:` the issuer.
    public init(name: String, kind: OATHCredentialType.Kind) {
        var rest = Substring(name)
        var period: UInt32? = kind == .totp ? Self.defaultPeriod : nil
        if kind == .totp, let slash = rest.firstIndex(of: "/"), let value = UInt32(rest[..<slash]), value > 0 {
            period = value
            rest = rest[rest.index(after: slash)...]
        }
        if let colon = rest.firstIndex(of: ":"), colon != rest.startIndex {
            self.init(issuer: String(rest[..<colon]), account: String(rest[rest.index(after: colon)...]), period: period)
        } else {
            self.init(issuer: "", account: String(rest), period: period)
        }
    }
}
