import Activation
import Foundation
import OTPCore
import Testing

/// Every PNG rendered here is read back by zbarimg, an independent decoder, and must give the
/// exact text encoded.
struct PNGRoundTripTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "typical TOTP account", text: SampleAccounts.totp().uriString),
        Case(name: "no issuer", text: SampleAccounts.totp("alice", issuer: nil).uriString),
        Case(
            name: "non-ASCII label",
            text: SampleAccounts.totp("Zoë Müller", issuer: "Mairie de Saint-Étienne").uriString),
        Case(name: "CJK label", text: SampleAccounts.totp("山田太郎", issuer: "東京都").uriString),
        Case(
            name: "HOTP",
            text: try! OTPAuthURI(
                kind: .hotp(counter: 42), account: "bob", issuer: "ACME", secret: SampleAccounts.secret(20)
            ).uriString),
        Case(name: "longest single account", text: SampleAccounts.longest.uriString),
        Case(name: "export of 10 accounts", text: exportLink(accounts: 10, longest: false)),
        Case(name: "fullest export code at M", text: exportLink(accounts: 10, longest: true)),
    ]

    /// The first code of an export: ten typical accounts, or as many of the longest as fit at M.
    static func exportLink(accounts count: Int, longest: Bool) -> String {
        let accounts = (0..<count).map { index in
            longest
                ? SampleAccounts.totp(
                    SampleAccounts.longest.account + "\(index)", issuer: SampleAccounts.longest.issuer,
                    secret: SampleAccounts.secret(65, seed: UInt8(index)), algorithm: .sha512)
                : SampleAccounts.totp("user\(index)@example.org", secret: SampleAccounts.secret(20, seed: UInt8(index)))
        }
        let batches = try! MigrationPayload.batches(
            of: accounts, batchID: -123_456_789, maximumLinkLength: QRCode.ErrorCorrection.medium.migrationLinkLimit)
        return batches[0].link
    }

    @Test(arguments: cases)
    func zbarimgReadsBackTheExactText(testCase: Case) throws {
        let directory = try TemporaryDirectory()
        var levels: [QRCode.ErrorCorrection] = []
        for level in QRCode.ErrorCorrection.allCases where testCase.text.utf8.count <= level.byteCapacity {
            let code = try QRCode(encoding: testCase.text, errorCorrection: level)
            let path = try directory.write("code-\(level.rawValue).png", try code.pngData())
            #expect(
                try ExternalTool.zbarimg(path) == [testCase.text], "level \(level.rawValue), version \(code.version)")
            levels.append(level)
        }
        #expect(levels.starts(with: [.low, .medium]))
    }

    @Test(arguments: [(2, 0), (3, 2), (4, 4), (8, 4)])
    func zbarimgReadsEveryScaleAndMargin(scale: Int, margin: Int) throws {
        let text = SampleAccounts.totp().uriString
        let png = try CheckedPNG.of(text, scale: scale, margin: margin)
        #expect(try QRImageDecoder().texts(inPNG: png) == [text])
    }

    @Test func thePNGIsOneBitWithTheSizeAsked() throws {
        let code = try QRCode(encoding: SampleAccounts.totp().uriString)
        let png = try CheckedPNG.of(SampleAccounts.totp().uriString, scale: 5, margin: 3)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // IHDR: width, height (big-endian), bit depth 1, colour type 0 (grayscale).
        let side = UInt32((code.size + 6) * 5)
        let header = Array(png[16..<26])
        #expect(
            header == withUnsafeBytes(of: side.bigEndian, Array.init) + withUnsafeBytes(of: side.bigEndian, Array.init)
                + [1, 0])
    }

    @Test func theLongestExportStillFillsOneCodeAtMedium() throws {
        let link = Self.exportLink(accounts: 10, longest: true)
        #expect(link.utf8.count > 1_800)
        #expect(try QRCode(encoding: link, errorCorrection: .medium).version >= 30)
    }
}
