import Exports
import OTPCore
import Testing

/// Keys without an Id, as python-pskc writes them by default: named by their serial, else by
/// their position, so errors still say which key.
struct PSKCKeyIDTests {
    static func container(_ packages: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <pskc:KeyContainer xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" Version="1.0">\(packages)</pskc:KeyContainer>
        """
    }

    static let withSerial = """
        <pskc:KeyPackage><pskc:DeviceInfo><pskc:SerialNo>FT0001</pskc:SerialNo></pskc:DeviceInfo>
        <pskc:Key Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp"><pskc:Data><pskc:Secret>
        <pskc:PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</pskc:PlainValue></pskc:Secret></pskc:Data></pskc:Key></pskc:KeyPackage>
        """

    @Test func aKeyWithoutAnIdIsNamedBySerial() throws {
        let keys = try PSKCDocument.read(xml: Self.container(Self.withSerial))
        #expect(keys.map(\.id) == ["serial FT0001"])
        #expect(keys.first?.serial == "FT0001")
        #expect(keys.first?.secret == Secret(bytes: Array("12345678901234567890".utf8)))
    }

    @Test func aKeyWithoutIdOrSerialIsNamedByItsPositionInErrors() {
        let broken = """
            <pskc:KeyPackage><pskc:Key Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp"><pskc:Data>
            </pskc:Data></pskc:Key></pskc:KeyPackage>
            """
        #expect(throws: PSKCReadError.missingElement("KeyPackage/Key/Data/Secret", keyID: "KeyPackage 2")) {
            try PSKCDocument.read(xml: Self.container(Self.withSerial + broken))
        }
    }
}
