import Activation
import Foundation
import OTPCore
import Testing

struct QRImageDecoderTests {
    let decoder = QRImageDecoder()

    @Test func readsTheAccountOfItsOwnPNG() throws {
        let account = SampleAccounts.totp("Zoë Müller", issuer: "Mairie")
        let png = try CheckedPNG.of(account.uriString)
        #expect(try decoder.payloads(inPNG: png) == [.account(account)])
    }

    @Test func readsPNGsFromTheQrencodeCommandIncludingTransparentOnes() throws {
        let text = SampleAccounts.totp().uriString
        let directory = try TemporaryDirectory()
        for (name, options) in [("plain", [String]()), ("transparent", ["--background=FFFFFF00"])] {
            let path = directory.url.appendingPathComponent("\(name).png").path
            let result = try ExternalTool.run(
                "/usr/bin/qrencode", package: "qrencode", ["-t", "PNG", "-s", "4", "-o", path] + options + [text])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try decoder.texts(inPNG: Array(Data(contentsOf: URL(fileURLWithPath: path)))) == [text], "\(name)")
        }
    }

    @Test func findsACodeInALargerScreenshot() throws {
        let code = try QRCode(encoding: SampleAccounts.totp().uriString)
        let width = 1_080
        let height = 1_920
        // A mid-grey "app screen" with the code drawn at 6 px per module in its middle.
        var pixels = [UInt8](repeating: 0xB0, count: width * height)
        let scale = 6
        let side = (code.size + 8) * scale
        let left = (width - side) / 2
        let top = 700
        for y in 0..<side {
            for x in 0..<side {
                let row = y / scale - 4
                let column = x / scale - 4
                let dark =
                    (0..<code.size).contains(row) && (0..<code.size).contains(column)
                    && code.isDark(row: row, column: column)
                pixels[(top + y) * width + left + x] = dark ? 0x10 : 0xF0
            }
        }
        let texts = try decoder.texts(in: GrayscaleImage(width: width, height: height, pixels: pixels))
        #expect(texts == [SampleAccounts.totp().uriString])
    }

    @Test func namesABarcodeThatIsNotAQRCode() throws {
        #expect(throws: QRImageError.noQRCode(barcodes: ["EAN-13"])) {
            try decoder.texts(in: EAN13.image(EAN13.withCheckDigit("400638133393")))
        }
        #expect(throws: QRImageError.noQRCode(barcodes: ["EAN-13"])) {
            try decoder.texts(inPNG: Fixtures.bytes("ean13-serial.png"))
        }
    }

    @Test(arguments: [
        ("phonefactor://activate_account?code=123456789&url=https://example.org/activate", ForeignCode.phoneFactor),
        ("FIDO:/61983479102937401923847019283740192837401", .fido),
        ("4006381333931", .number(digits: 13)),
    ])
    func namesAQRCodeThatEnrolsNoOTPAccount(text: String, found: ForeignCode) throws {
        let png = try CheckedPNG.of(text)
        #expect(throws: QRImageError.unusableCode(.notOTP(found))) { try decoder.payloads(inPNG: png) }
    }

    @Test func anEmptyPictureHasNoCode() {
        let blank = GrayscaleImage(width: 200, height: 100, pixels: [UInt8](repeating: 255, count: 20_000))
        #expect(throws: QRImageError.noCodeFound(width: 200, height: 100)) { try decoder.texts(in: blank) }
    }

    @Test(arguments: [
        ([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46], ImageKind.jpeg),
        (Array("GIF89a....".utf8), .gif),
        (Array("RIFF\u{0}\u{0}\u{0}\u{0}WEBPVP8 ".utf8), .webp),
        (Array("<?xml version=\"1.0\"?><svg/>".utf8), .xml),
        (Array("otpauth-migration://offline?data=abc\n".utf8), .text),
        ([], .empty),
        ([0x00, 0x01, 0x02, 0x03], .unknown),
    ])
    func otherFilesAreNamedByTheirFormat(bytes: [UInt8], kind: ImageKind) {
        #expect(throws: QRImageError.notPNG(found: kind)) { try decoder.texts(inPNG: bytes) }
    }

    @Test func aTruncatedPNGIsReportedAsDamaged() throws {
        let png = try CheckedPNG.of(SampleAccounts.totp().uriString)
        #expect {
            try decoder.texts(inPNG: Array(png.prefix(png.count / 2)))
        } throws: { error in
            guard case .invalidPNG(let message) = error as? QRImageError else { return false }
            return !message.isEmpty
        }
    }

    @Test func readsEveryCodeInOnePicture() throws {
        let first = try QRCode(encoding: "otpauth://totp/a?secret=GEZDGNBV")
        let second = try QRCode(encoding: "otpauth://totp/b?secret=GEZDGNBW")
        let scale = 4
        let side = (first.size + 8) * scale
        var pixels = [UInt8](repeating: 255, count: side * 2 * side)
        for (index, code) in [first, second].enumerated() {
            for y in 0..<side {
                for x in 0..<side {
                    let row = y / scale - 4
                    let column = x / scale - 4
                    if (0..<code.size).contains(row), (0..<code.size).contains(column),
                        code.isDark(row: row, column: column)
                    {
                        pixels[y * side * 2 + index * side + x] = 0
                    }
                }
            }
        }
        let texts = try decoder.texts(in: GrayscaleImage(width: side * 2, height: side, pixels: pixels))
        #expect(Set(texts) == ["otpauth://totp/a?secret=GEZDGNBV", "otpauth://totp/b?secret=GEZDGNBW"])
    }
}
