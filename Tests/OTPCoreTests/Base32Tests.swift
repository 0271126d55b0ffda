import OTPCore
import PropertyBased
import Testing

struct Base32Tests {
    /// RFC 4648 §10.
    static let vectors = [
        ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"),
        ("foobar", "MZXW6YTBOI"),
    ]

    @Test(arguments: vectors)
    func encodesRFC4648VectorsWithoutPadding(plain: String, encoded: String) {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
    }

    @Test(arguments: vectors)
    func decodesRFC4648Vectors(plain: String, encoded: String) throws {
        #expect(try Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["mzxw6ytboi", "MZXW 6YTB OI", "MZXW-6YTB-OI", "MZXW6YTBOI======", "mzxw 6ytb-oi=="])
    func acceptsLowerCaseSpacesHyphensAndPadding(text: String) throws {
        #expect(try Base32.decode(text) == Array("foobar".utf8))
    }

    @Test func rejectsAnInvalidCharacterWithItsOffset() {
        #expect(throws: Base32Error.invalidCharacter("1", offset: 4)) { try Base32.decode("MZXW1YTB") }
        #expect(throws: Base32Error.invalidCharacter("é", offset: 2)) { try Base32.decode("MZé") }
        #expect(throws: Base32Error.invalidCharacter("\n", offset: 8)) { try Base32.decode("MZXW6YTB\nOI") }
    }

    @Test func rejectsDataAfterPadding() {
        #expect(throws: Base32Error.misplacedPadding(offset: 2)) { try Base32.decode("MY==MZXQ") }
    }

    @Test(arguments: ["M", "MZX", "MZXW6Y", "MZXW6YTBO"])
    func rejectsLengthsThatAreNotWholeBytes(text: String) {
        #expect(throws: Base32Error.invalidLength(text.count)) { try Base32.decode(text) }
    }

    @Test(arguments: ["", "  ", "===="])
    func rejectsEmptyText(text: String) {
        #expect(throws: Base32Error.empty) { try Base32.decode(text) }
    }

    @Test(arguments: [("MZXW6YTBOJ======", "J", 9), ("MZXW6YTBOJ", "J", 9), ("MF", "F", 1), ("mzxw-6ytb-oj", "j", 11)])
    func nonCanonicalTextIsRefusedAtItsLastCharacter(text: String, character: Character, offset: Int) {
        #expect(throws: Base32Error.nonCanonical(character, offset: offset)) { try Base32.decode(text) }
    }

    @Test func theCanonicalTextOfThoseBytesDecodes() throws {
        #expect(try Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8))
        #expect("\(Base32Error.nonCanonical("J", offset: 9))".contains("'J' at offset 9"))
    }

    @Test func errorMessagesNameTheCharacterAndOffset() {
        #expect("\(Base32Error.invalidCharacter("1", offset: 4))".contains("'1' at offset 4"))
        #expect("\(Base32Error.invalidCharacter("\t", offset: 0))".contains("U+9"))
    }

    @Test func roundTripsAnyBytes() async {
        await propertyCheck(count: 500, input: Gen.uint8().array(of: 1...80)) { bytes in
            let encoded = Base32.encode(bytes)
            #expect(!encoded.contains("="))
            #expect((try? Base32.decode(encoded)) == bytes)
            #expect((try? Base32.decode(encoded.lowercased())) == bytes)
        }
    }

    @Test func malformedTextNeverCrashesAndOnlyThrowsBase32Errors() async {
        let characters = Gen.character(in: " "..."~").string(of: 0...40)
        await propertyCheck(count: 1_000, input: characters) { text in
            do {
                _ = try Base32.decode(text)
            } catch {
                // The typed throw guarantees the error type; a crash would end the run.
                #expect("\(error)".isEmpty == false)
            }
        }
    }
}
