import Activation
import Foundation
import OTPCore
import Testing

struct QRCodeTests {
    @Test func aSymbolIsSquareWithTheSizeItsVersionGives() throws {
        let code = try QRCode(encoding: SampleAccounts.totp().uriString)
        #expect(code.size == 17 + 4 * code.version)
        #expect(code.errorCorrection == .medium)
        // Finder pattern corners: dark, as ISO/IEC 18004 §6.3.3 draws them.
        #expect(code.isDark(row: 0, column: 0))
        #expect(code.isDark(row: 0, column: code.size - 1))
        #expect(code.isDark(row: code.size - 1, column: 0))
        #expect(!code.isDark(row: 7, column: 7))
    }

    @Test func higherErrorCorrectionNeedsAnEqualOrLargerVersion() throws {
        let text = SampleAccounts.totp().uriString
        let versions = try QRCode.ErrorCorrection.allCases.map {
            try QRCode(encoding: text, errorCorrection: $0).version
        }
        #expect(versions == versions.sorted())
        #expect(versions.first! < versions.last!)
    }

    @Test func matchesTheModulesOfTheQrencodeCommand() throws {
        // Same library, same segmentation (8-bit hint, case-sensitive): the qrencode CLI must agree.
        for level in QRCode.ErrorCorrection.allCases {
            let text = SampleAccounts.longest.uriString
            let code = try QRCode(encoding: text, errorCorrection: level)
            let result = try ExternalTool.run(
                "/usr/bin/qrencode", package: "qrencode", ["-t", "ASCII", "-m", "0", "-l", level.rawValue, text])
            let rows = result.stdout.split(separator: "\n").map { row in
                stride(from: 0, to: row.count, by: 2).map { row[row.index(row.startIndex, offsetBy: $0)] == "#" }
            }
            let ours = (0..<code.size).map { row in (0..<code.size).map { code.isDark(row: row, column: $0) } }
            #expect(rows == ours, "level \(level.rawValue)")
        }
    }

    @Test func refusesTextLongerThanAVersion40Symbol() {
        let text = String(repeating: "a", count: 2_332)
        #expect(throws: QRCodeError.tooLong(bytes: 2_332, errorCorrection: .medium)) {
            try QRCode(encoding: text, errorCorrection: .medium)
        }
        #expect(throws: Never.self) { try QRCode(encoding: text, errorCorrection: .low) }
    }

    @Test func refusesEmptyTextAndNUL() {
        #expect(throws: QRCodeError.empty) { try QRCode(encoding: "") }
        #expect(throws: QRCodeError.containsNUL) { try QRCode(encoding: "otpauth://totp/a\u{0}b") }
    }

    @Test func theDescriptionShowsTheSizeNotTheContent() throws {
        let code = try QRCode(encoding: SampleAccounts.totp().uriString)
        #expect(!code.description.contains("secret"))
        #expect(code.description.contains("\(code.size)×\(code.size)"))
    }

    @Test func renderingRefusesAScaleOrMarginOutOfRange() {
        #expect(throws: QRCodeError.invalidScale(0)) { try QRRendering(format: .png, scale: 0) }
        #expect(throws: QRCodeError.invalidMargin(65)) { try QRRendering(format: .svg, margin: 65) }
    }
}
