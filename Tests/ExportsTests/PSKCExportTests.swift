import TestSupport
import Crypto
import Exports
import Foundation
import OTPCore
import Testing

struct PSKCExportTests {
    static let plaintextGolden = """
        <?xml version="1.0" encoding="UTF-8"?>
        <pskc:KeyContainer Version="1.0" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
          <pskc:KeyPackage>
            <pskc:DeviceInfo>
              <pskc:Manufacturer>TokenForge</pskc:Manufacturer>
              <pskc:SerialNo>TF-0001</pskc:SerialNo>
              <pskc:Model>TF1</pskc:Model>
            </pskc:DeviceInfo>
            <pskc:Key Id="TF-0001" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
              <pskc:Issuer>ACME Co</pskc:Issuer>
              <pskc:AlgorithmParameters>
                <pskc:Suite>sha1</pskc:Suite>
                <pskc:ResponseFormat Length="6" Encoding="DECIMAL"></pskc:ResponseFormat>
              </pskc:AlgorithmParameters>
              <pskc:FriendlyName>alice@example.com</pskc:FriendlyName>
              <pskc:Data>
                <pskc:Secret>
                  <pskc:PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</pskc:PlainValue>
                </pskc:Secret>
                <pskc:Time>
                  <pskc:PlainValue>0</pskc:PlainValue>
                </pskc:Time>
                <pskc:TimeInterval>
                  <pskc:PlainValue>30</pskc:PlainValue>
                </pskc:TimeInterval>
                <pskc:TimeDrift>
                  <pskc:PlainValue>0</pskc:PlainValue>
                </pskc:TimeDrift>
              </pskc:Data>
              <pskc:UserId>alice@example.com</pskc:UserId>
            </pskc:Key>
          </pskc:KeyPackage>
          <pskc:KeyPackage>
            <pskc:DeviceInfo>
              <pskc:SerialNo>TF-0002</pskc:SerialNo>
            </pskc:DeviceInfo>
            <pskc:Key Id="TF-0002" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">
              <pskc:Issuer>ACME Co</pskc:Issuer>
              <pskc:AlgorithmParameters>
                <pskc:Suite>sha256</pskc:Suite>
                <pskc:ResponseFormat Length="8" Encoding="DECIMAL"></pskc:ResponseFormat>
              </pskc:AlgorithmParameters>
              <pskc:FriendlyName>bob</pskc:FriendlyName>
              <pskc:Data>
                <pskc:Secret>
                  <pskc:PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=</pskc:PlainValue>
                </pskc:Secret>
                <pskc:Counter>
                  <pskc:PlainValue>5</pskc:PlainValue>
                </pskc:Counter>
              </pskc:Data>
              <pskc:UserId>bob</pskc:UserId>
            </pskc:Key>
          </pskc:KeyPackage>
        </pskc:KeyContainer>

        """

    @Test func plaintextExportWritesEveryDocumentedElement() throws {
        let xml = try PSKCDocument.export([Samples.alice(), Samples.bob()], protection: .plaintext)
        #expect(xml == Self.plaintextGolden)
    }

    @Test func plaintextExportValidatesAgainstTheRFCSchemaAndReadsBack() throws {
        let records = try Samples.all()
        let xml = try PSKCDocument.export(records, protection: .plaintext)
        let result = try XMLLint.validate(xml)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.expectSame(PSKCDocument.read(xml: xml), records)
    }

    @Test func passwordExportValidatesAgainstTheRFCSchemaAndDecryptsBack() throws {
        let records = try Samples.all()
        let xml = try PSKCDocument.export(records, protection: .password("correct horse battery"))
        let result = try XMLLint.validate(xml)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.expectSame(PSKCDocument.decrypt(xml: xml, password: "correct horse battery"), records)
    }

    @Test func passwordExportFollowsFigure7() throws {
        let records = try Samples.all()
        let xml = try PSKCDocument.export(records, protection: .password("pw"))
        #expect(
            xml.contains(
                #"<xenc11:KeyDerivationMethod Algorithm="http://www.rsasecurity.com/rsalabs/pkcs/schemas/pkcs-5v2-0#pbkdf2">"#
            ))
        #expect(xml.contains("<IterationCount>100000</IterationCount>"))
        #expect(xml.contains("<KeyLength>16</KeyLength>"))
        #expect(xml.contains("<PRF></PRF>"))
        #expect(xml.contains(#"<pskc:MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1">"#))
        let salt = try #require(Self.values(of: "Specified", in: xml).only)
        #expect(salt.count == 16)
        #expect(Self.values(of: "pskc:ValueMAC", in: xml).map(\.count) == [20, 20, 20])
        for id in ["ED1", "ED2", "ED3"] {
            #expect(xml.contains(##"<xenc:DataReference URI="#\##(id)"></xenc:DataReference>"##))
            #expect(xml.contains(#"<pskc:EncryptedValue Id="\#(id)">"#))
        }
        #expect(!xml.contains("PlainValue>MTIz"))
    }

    @Test func everyEncryptedValueHasItsOwnIV() throws {
        let xml = try PSKCDocument.export(Samples.all(), protection: .password("pw", iterationCount: 1_000))
        let cipherValues = Self.values(of: "xenc:CipherValue", in: xml)
        #expect(cipherValues.count == 4)  // the MAC key and three secrets
        #expect(Set(cipherValues.map { Array($0.prefix(16)) }).count == 4)
        #expect(cipherValues.allSatisfy { $0.count % 16 == 0 && $0.count >= 32 })
    }

    @Test func exportsAreRepeatableWithASeededGeneratorAndDifferWithoutOne() throws {
        let records = try Samples.all()
        let protection = PSKCDocument.Protection.password("pw", iterationCount: 1_000)
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        let one = try PSKCDocument.export(records, protection: protection, using: &first)
        let two = try PSKCDocument.export(records, protection: protection, using: &second)
        #expect(one == two)
        #expect(
            try PSKCDocument.export(records, protection: protection)
                != PSKCDocument.export(records, protection: protection))
    }

    @Test func iterationCountIsConfigurable() throws {
        let xml = try PSKCDocument.export([Samples.alice()], protection: .password("pw", iterationCount: 123_456))
        #expect(xml.contains("<IterationCount>123456</IterationCount>"))
        #expect(try PSKCDocument.decrypt(xml: xml, password: "pw").only?.secret == Samples.rfcSecret)
    }

    @Test func wrongPasswordOnAnExportIsAWrongKeyError() throws {
        var generator = SplitMix64(seed: 1)
        let xml = try PSKCDocument.export(
            Samples.all(), protection: .password("right", iterationCount: 1_000), using: &generator)
        #expect(throws: PSKCReadError.wrongKey) { try PSKCDocument.decrypt(xml: xml, password: "wrong") }
    }

    @Test func userTextIsEscaped() throws {
        let record = try Samples.record(
            username: #"o'brien&<x>"#, serial: #"S"1&2"#, issuer: #"A&B <"Co"> 'x'"#, account: "a]]>b",
            manufacturer: "Zoë & Søn", model: "<TF>")
        let xml = try PSKCDocument.export([record], protection: .plaintext)
        #expect(xml.contains(#"<pskc:Issuer>A&amp;B &lt;&quot;Co&quot;&gt; &apos;x&apos;</pskc:Issuer>"#))
        #expect(xml.contains(#"<pskc:Key Id="S&quot;1&amp;2""#))
        let result = try XMLLint.validate(xml)
        #expect(result.status == 0, "\(result.stderr)")
        try Self.expectSame(PSKCDocument.read(xml: xml), [record])
    }

    @Test func timeDriftIsWrittenInTheChosenUnit() throws {
        let carol = try Samples.carol()  // drift -2 steps of 60 s
        let cases: [(PSKCDocument.TimeDriftField, Int)] = [(.zero, 0), (.steps, -2), (.seconds, -120)]
        for (field, expected) in cases {
            let xml = try PSKCDocument.export([carol], protection: .plaintext, timeDrift: field)
            #expect(try PSKCDocument.read(xml: xml).only?.timeDrift == expected)
        }
    }

    @Test func readsAsPrivacyIDEAReadsIt() throws {
        // privacyIDEA reads PSKC with an HTML parser and by local tag names: token type after the last ':'
        // of Key Algorithm, hash from Suite lower-cased, no self-closing tags to nest siblings under.
        let xml = try PSKCDocument.export(Samples.all(), protection: .password("pw", iterationCount: 1_000))
        #expect(!xml.contains("/>"))
        #expect(xml.contains(#"Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp""#))
        #expect(xml.contains(#"Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp""#))
        #expect(xml.contains("<pskc:Suite>sha256</pskc:Suite>"))
        #expect(xml.contains("<pskc:Suite>sha512</pskc:Suite>"))
        #expect(xml.components(separatedBy: "<pskc:MACKey>").count == 2)
    }

    @Test func rejectsWhatPSKCCannotCarry() throws {
        #expect(throws: ExportError.noRecords) { try PSKCDocument.export([], protection: .plaintext) }
        #expect(throws: ExportError.emptyPassword) {
            try PSKCDocument.export([Samples.alice()], protection: .password(""))
        }
        #expect(throws: ExportError.iterationCountTooLow(999, minimum: 1_000)) {
            try PSKCDocument.export([Samples.alice()], protection: .password("pw", iterationCount: 999))
        }
        let big = try Samples.record(kind: .hotp(counter: UInt64(Int64.max) + 1))
        #expect(throws: ExportError.counterOutOfRange(username: "dave", counter: UInt64(Int64.max) + 1)) {
            try PSKCDocument.export([big], protection: .plaintext)
        }
        let drifting = try Samples.record(kind: .totp(period: 30), timeDrift: Int(Int32.max))
        #expect(throws: ExportError.timeDriftOutOfRange(username: "dave", steps: Int(Int32.max))) {
            try PSKCDocument.export([drifting], protection: .plaintext, timeDrift: .seconds)
        }
        let twin = try Samples.record(username: "mallory", serial: "TF-0001")
        #expect(throws: ExportError.duplicateSerial(username: "mallory", serial: "TF-0001")) {
            try PSKCDocument.export([Samples.alice(), twin], protection: .plaintext)
        }
    }

    @Test func protectionDescriptionHidesThePassword() {
        let protection = PSKCDocument.Protection.password("hunter2-secret")
        #expect("\(protection)" == "password(redacted, 100000 PBKDF2 iterations)")
        #expect(!String(reflecting: protection).contains("hunter2"))
    }

    @Test func readerRefusesDoctypesAndNonPSKC() {
        let doctype = #"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>"#
        #expect(throws: PSKCReadError.doctypeNotAllowed) { try PSKCDocument.read(xml: doctype) }
        #expect(throws: PSKCReadError.malformedXML(line: 2)) {
            try PSKCDocument.read(xml: "<?xml version=\"1.0\"?>\n<a><b></a>")
        }
        #expect(throws: PSKCReadError.notAKeyContainer) {
            try PSKCDocument.read(xml: #"<KeyContainer Version="1.0"/>"#)
        }
        #expect(throws: PSKCReadError.unsupportedVersion("2.0")) {
            try PSKCDocument.read(xml: #"<KeyContainer xmlns="urn:ietf:params:xml:ns:keyprov:pskc" Version="2.0"/>"#)
        }
    }

    /// The decoded keys carry every field the records gave.
    static func expectSame(
        _ keys: [PSKCKey], _ records: [ExportRecord], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(keys.count == records.count, sourceLocation: sourceLocation)
        for (key, record) in zip(keys, records) {
            #expect(key.secret == record.secret, sourceLocation: sourceLocation)
            #expect(key.id == record.serial, sourceLocation: sourceLocation)
            #expect(key.serial == record.serial, sourceLocation: sourceLocation)
            #expect(key.userID == record.username, sourceLocation: sourceLocation)
            #expect(key.issuer == record.issuer, sourceLocation: sourceLocation)
            #expect(key.friendlyName == record.account, sourceLocation: sourceLocation)
            #expect(key.manufacturer == record.manufacturer, sourceLocation: sourceLocation)
            #expect(key.model == record.model, sourceLocation: sourceLocation)
            #expect(key.algorithm == record.algorithm, sourceLocation: sourceLocation)
            #expect(key.suite == record.algorithm.rawValue.lowercased(), sourceLocation: sourceLocation)
            #expect(key.digits == record.digits, sourceLocation: sourceLocation)
            switch record.kind {
            case .totp(let period):
                #expect(key.algorithmURI == "urn:ietf:params:xml:ns:keyprov:pskc:totp", sourceLocation: sourceLocation)
                #expect(key.timeInterval == period, sourceLocation: sourceLocation)
                #expect(key.time == 0, sourceLocation: sourceLocation)
                #expect(key.timeDrift == 0, sourceLocation: sourceLocation)
                #expect(key.counter == nil, sourceLocation: sourceLocation)
            case .hotp(let counter):
                #expect(key.algorithmURI == "urn:ietf:params:xml:ns:keyprov:pskc:hotp", sourceLocation: sourceLocation)
                #expect(key.counter == counter, sourceLocation: sourceLocation)
                #expect(key.timeInterval == nil, sourceLocation: sourceLocation)
            }
        }
    }

    /// The base64-decoded text of every `<tag>` element.
    static func values(of tag: String, in xml: String) -> [[UInt8]] {
        xml.components(separatedBy: "<\(tag)>").dropFirst().compactMap { part in
            part.components(separatedBy: "</\(tag)>").first.flatMap { Data(base64Encoded: $0) }.map(Array.init)
        }
    }
}
