import Exports
import OTPCore
import Testing

struct EntraCSVTests {
    @Test func writesTheDocumentedHeaderAndColumns() throws {
        let sixty = try Samples.record(kind: .totp(period: 60))
        #expect(
            try EntraCSV.export([Samples.alice(), sixty])
                == "upn,serial number,secret key,time interval,manufacturer,model\r\n"
                + "alice@example.com,TF-0001,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,TokenForge,TF1\r\n"
                + "dave,TF-0004,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,60,,\r\n")
    }

    @Test func quotesFieldsWithCommasAndQuotes() throws {
        let record = try Samples.record(username: "d,ave", manufacturer: "Acme, Inc.", model: #"TF "2""#)
        #expect(
            try EntraCSV.export([record])
                == "upn,serial number,secret key,time interval,manufacturer,model\r\n"
                + #""d,ave",TF-0004,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,"Acme, Inc.","TF ""2"""\#r\#n"#)
    }

    @Test func writesAnEmptyFileAsTheHeaderAlone() throws {
        #expect(try EntraCSV.export([]) == EntraCSV.header + "\r\n")
    }

    @Test func acceptsSecretsUpTo128Base32Characters() throws {
        let record = try Samples.record(secret: Secret(bytes: [UInt8](repeating: 7, count: 80)))
        #expect(try EntraCSV.export([record]).contains(",\(record.secret.base32EncodedString()),"))
    }

    static let rejections: [(String, @Sendable () throws -> ExportRecord, ExportError)] = [
        ("HOTP", { try Samples.record(kind: .hotp(counter: 0)) }, .entraRequiresTOTP(username: "dave")),
        (
            "period 45", { try Samples.record(kind: .totp(period: 45)) },
            .entraUnsupportedPeriod(username: "dave", period: 45)
        ),
        (
            "SHA256", { try Samples.record(algorithm: .sha256) },
            .entraRequiresSHA1(username: "dave", algorithm: .sha256)
        ),
        ("8 digits", { try Samples.record(digits: 8) }, .entraRequiresSixDigits(username: "dave", digits: 8)),
        (
            "130 Base32 characters", { try Samples.record(secret: Secret(bytes: [UInt8](repeating: 7, count: 81))) },
            .entraSecretTooLong(username: "dave", characters: 130)
        ),
    ]

    @Test(arguments: rejections.indices)
    func refusesWhatEntraCannotImport(index: Int) throws {
        let (_, record, error) = Self.rejections[index]
        let records = [try Samples.alice(), try record()]
        #expect(throws: error) { try EntraCSV.export(records) }
    }

    @Test func refusesADuplicateSerial() throws {
        let twin = try Samples.record(username: "mallory", serial: "TF-0001")
        #expect(throws: ExportError.duplicateSerial(username: "mallory", serial: "TF-0001")) {
            try EntraCSV.export([Samples.alice(), twin])
        }
    }
}
