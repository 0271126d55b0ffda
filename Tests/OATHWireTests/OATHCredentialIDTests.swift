import OATHWire
import Testing

/// Names as ykman writes them: a period prefix only for TOTP other than 30 s, issuer before the first colon.
struct OATHCredentialIDTests {
    @Test(arguments: [
        (OATHCredentialID(issuer: "Example", account: "alice", period: 30), "Example:alice"),
        (OATHCredentialID(issuer: "Example", account: "alice", period: 60), "60/Example:alice"),
        (OATHCredentialID(issuer: "", account: "bob", period: 15), "15/bob"),
        (OATHCredentialID(issuer: "Bank", account: "x:y", period: nil), "Bank:x:y"),
    ])
    func namesRoundTrip(id: OATHCredentialID, name: String) {
        #expect(id.name == name)
        #expect(OATHCredentialID(name: name, kind: id.period == nil ? .hotp : .totp) == id)
    }

    @Test func anHOTPNameKeepsASlashAsText() {
        #expect(OATHCredentialID(name: "10/x", kind: .hotp) == OATHCredentialID(issuer: "", account: "10/x", period: nil))
    }

    @Test func aNameOver64BytesIsRefusedBeforeSending() {
        let id = OATHCredentialID(issuer: String(repeating: "i", count: 40), account: String(repeating: "a", count: 24), period: 30)
        #expect(throws: OATHWireError.nameTooLong(65)) { try id.encodedName() }
    }
}
