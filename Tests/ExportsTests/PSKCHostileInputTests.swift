import Exports
import Testing

/// PSKC documents a fuzzer found: refused with their line, never a crash.
struct PSKCHostileInputTests {
    @Test func aNULCharacterIsMalformedXMLAtItsLine() {
        let document = """
            <?xml version="1.0"?>
            <KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
              <KeyPackage>\u{0}</KeyPackage>
            </KeyContainer>
            """
        #expect(throws: PSKCReadError.malformedXML(line: 3)) { try PSKCDocument.read(xml: document) }
    }

    @Test func aProcessingInstructionIsMalformedXMLAtItsLine() {
        let document = "<?xml version=\"1.0\"?>\n<?xmlUTF-8?>\n<KeyContainer/>"
        #expect(throws: PSKCReadError.malformedXML(line: 2)) { try PSKCDocument.read(xml: document) }
        #expect(throws: PSKCReadError.malformedXML(line: 1)) { try PSKCDocument.read(xml: "<?xmlUTF?><a/>") }
    }
}
