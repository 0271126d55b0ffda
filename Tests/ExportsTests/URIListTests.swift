import Exports
import OTPCore
import Testing

struct URIListTests {
    @Test func writesOneKeyURIPerLine() throws {
        #expect(
            try URIList.export([Samples.alice(), Samples.bob()])
                == """
                otpauth://totp/ACME%20Co:alice%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30
                otpauth://hotp/ACME%20Co:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA&issuer=ACME%20Co&algorithm=SHA256&digits=8&counter=5

                """)
    }

    @Test func eachLineParsesBackToItsRecord() throws {
        let records = try Samples.all()
        let lines = try URIList.export(records).split(separator: "\n")
        for (line, record) in zip(lines, records) {
            let uri = try OTPAuthURI(parsing: String(line))
            #expect(uri.secret == record.secret)
            #expect(uri.kind == record.kind)
            #expect(uri.account == record.account)
            #expect(uri.issuer == record.issuer)
        }
    }

    @Test func refusesWhatAKeyURICannotCarryNamingTheUser() throws {
        let record = try Samples.record(account: "dave:admin")
        #expect(throws: ExportError.invalidURI(username: "dave", .colonInLabel)) { try URIList.export([record]) }
        let issuer = try Samples.record(issuer: "ACME:EU")
        #expect(throws: ExportError.invalidURI(username: "dave", .colonInIssuer)) { try URIList.export([issuer]) }
    }
}
