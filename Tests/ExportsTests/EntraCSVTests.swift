import Exports
import Foundation
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
            "SHA512", { try Samples.record(secret: Samples.sha512Secret, algorithm: .sha512) },
            .entraUnsupportedAlgorithm(username: "dave", algorithm: .sha512)
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
        #expect(throws: ExportError.entraRefused([error])) { try EntraCSV.export(records) }
        #expect(throws: ExportError.entraRefused([error])) { try EntraExport(records) }
    }

    @Test func refusesEveryUserEntraCannotTakeAtOnceNamingEachAndWhy() throws {
        let records = [
            try Samples.alice(),
            try Samples.record(username: "hana", serial: "TF-0005", kind: .hotp(counter: 3)),
            try Samples.record(username: "sasha", serial: "TF-0006", secret: Samples.sha512Secret, algorithm: .sha512),
            try Samples.record(username: "pete", serial: "TF-0007", kind: .totp(period: 45)),
        ]
        let error = #expect(throws: ExportError.self) { try EntraExport(records) }
        #expect(
            error
                == .entraRefused([
                    .entraRequiresTOTP(username: "hana"), .entraUnsupportedAlgorithm(username: "sasha", algorithm: .sha512),
                    .entraUnsupportedPeriod(username: "pete", period: 45),
                ]))
        let text = "\(error!)"
        #expect(text.contains("Entra ID cannot take 3 users; nothing was written"))
        #expect(text.contains(#"user "hana": Entra ID imports TOTP tokens only"#))
        #expect(text.contains(#"user "sasha": Entra ID checks SHA1 or SHA256 codes; this credential uses SHA512"#))
        #expect(text.contains(#"user "pete": Entra ID accepts a time interval of 30 or 60 seconds, not 45"#))
        #expect(!text.contains("alice"))
    }

    @Test func takesSHA256TokensIntoTheGraphFileLabelledHMACSHA256AndSHA1IntoTheCSV() throws {
        let sha256 = try Samples.record(
            username: "erin", serial: "TF-0008", secret: Samples.sha256Secret, algorithm: .sha256,
            kind: .totp(period: 60), manufacturer: "Token2", model: "C301")
        let export = try EntraExport([Samples.alice(), sha256])
        let csv = try #require(export.csv)
        #expect(csv.contains("alice@example.com,TF-0001,"))
        #expect(!csv.contains("TF-0008"))
        let json = try #require(export.graphJSON)
        let body = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(body["@context"] as? String == "#$delta")
        let devices = try #require(body["value"] as? [[String: Any]])
        #expect(devices.count == 1)
        #expect(devices[0]["serialNumber"] as? String == "TF-0008")
        #expect(devices[0]["hashFunction"] as? String == "hmacsha256")
        #expect(devices[0]["timeIntervalInSeconds"] as? Int == 60)
        #expect(devices[0]["secretKey"] as? String == Samples.sha256Secret.base32EncodedString())
        #expect(devices[0]["manufacturer"] as? String == "Token2")
        #expect(devices[0]["model"] as? String == "C301")
        #expect(devices[0]["@contentId"] as? String == "1")
    }

    @Test func theCSVAloneRefusesASHA256TokenItCannotLabel() throws {
        let sha256 = try Samples.record(secret: Samples.sha256Secret, algorithm: .sha256)
        #expect(throws: ExportError.entraCSVNeedsSHA1(username: "dave")) { try EntraCSV.export([sha256]) }
    }

    @Test func onlySHA1TokensWriteNoGraphFileAndOnlySHA256NoCSV() throws {
        #expect(try EntraExport([Samples.alice()]).graphJSON == nil)
        let sha256 = try Samples.record(secret: Samples.sha256Secret, algorithm: .sha256, manufacturer: "X", model: "Y")
        #expect(try EntraExport([sha256]).csv == nil)
        #expect(try EntraExport([]) == EntraExport([]))
        #expect(try EntraExport([]).csv == nil)
    }

    @Test func refusesADuplicateSerial() throws {
        let twin = try Samples.record(username: "mallory", serial: "TF-0001")
        #expect(throws: ExportError.duplicateSerial(username: "mallory", serial: "TF-0001")) {
            try EntraCSV.export([Samples.alice(), twin])
        }
    }
}
