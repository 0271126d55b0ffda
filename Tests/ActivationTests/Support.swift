import Activation
import Foundation
import OTPCore
import TestSupport
import Testing

/// Runs a Debian tool the tests compare against; fails the test clearly when it is missing.
enum ExternalTool {
    struct Missing: Error, CustomStringConvertible {
        let path: String
        let package: String
        var description: String { "\(path) is missing: apt-get install \(package) (scripts/install-deps does)" }
    }

    static func run(_ path: String, package: String, _ arguments: [String]) throws -> ChildProcess.Result {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing(path: path, package: package) }
        return try ChildProcess.run(path, arguments)
    }

    /// What zbarimg, an independent decoder (ZBar through ImageMagick), reads in an image file:
    /// each symbol's text, without zbarimg's trailing newline.
    static func zbarimg(_ path: String) throws -> [String] {
        let result = try run("/usr/bin/zbarimg", package: "zbar-tools", ["--raw", "-q", path])
        guard result.status == 0 else { return [] }
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// Whether xmllint finds `path` well-formed; its complaints otherwise.
    static func xmllint(_ path: String) throws -> (wellFormed: Bool, messages: String) {
        let result = try run("/usr/bin/xmllint", package: "libxml2-utils", ["--noout", path])
        return (result.status == 0, result.stderr)
    }
}

/// A fresh directory for one test's files, removed when the test ends.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("activation-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}

enum SampleAccounts {
    /// RFC 6238's SHA-1 seed, "12345678901234567890".
    static let rfcSecret = Secret(bytes: Array("12345678901234567890".utf8))

    static func secret(_ byteCount: Int, seed: UInt8 = 1) -> Secret {
        Secret(bytes: (0..<byteCount).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ Int(seed)) })
    }

    static func totp(
        _ account: String = "zoe.muller@example.org", issuer: String? = "ACME", secret: Secret = rfcSecret,
        algorithm: OTPAlgorithm = .sha1, digits: Int = 6, period: Int = 30
    ) -> OTPAuthURI {
        try! OTPAuthURI(
            kind: .totp(period: period), account: account, issuer: issuer, secret: secret, algorithm: algorithm,
            digits: digits)
    }

    /// The longest single-account URI TokenForge emits in practice: SHA512 with a 65-byte secret,
    /// 8 digits and long non-ASCII issuer and account names.
    static let longest = totp(
        "Ĳsbrand-Zoë Müller-Łukasiewicz.the-longest-staff-address@dienstleistungen.example.org",
        issuer: "Städtische Verkehrsbetriebe Zürich–Œrlikon Ærø Ålesund", secret: secret(65), algorithm: .sha512,
        digits: 8)
}

/// Draws EAN-13 barcodes (GS1 General Specifications §5.2), the kind printed as serial numbers.
enum EAN13 {
    private static let left = [
        "0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011",
        "0110111", "0001011",
    ]
    private static let even = [
        "0100111", "0110011", "0011011", "0100001", "0011101", "0111001", "0000101", "0010001",
        "0001001", "0010111",
    ]
    private static let parities = [
        "LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL", "LGLGLG",
        "LGLGGL", "LGGLGL",
    ]

    /// The 13 digits of `twelve` with its check digit.
    static func withCheckDigit(_ twelve: String) -> String {
        let digits = twelve.map { Int(String($0))! }
        let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset % 2 == 0 ? 1 : 3) }
        return twelve + String((10 - sum % 10) % 10)
    }

    static func image(_ code: String, moduleWidth: Int = 3, height: Int = 80) -> GrayscaleImage {
        let digits = code.map { Int(String($0))! }
        var bits = "101"
        for (index, digit) in digits[1...6].enumerated() {
            bits +=
                parities[digits[0]][parities[digits[0]].index(parities[digits[0]].startIndex, offsetBy: index)]
                    == "L" ? left[digit] : even[digit]
        }
        bits += "01010"
        for digit in digits[7...12] { bits += String(left[digit].map { $0 == "0" ? "1" : "0" }) }
        bits += "101"
        let quiet = String(repeating: "0", count: 12)
        let row = (quiet + bits + quiet).flatMap { bit in
            [UInt8](repeating: bit == "1" ? 0 : 255, count: moduleWidth)
        }
        let margin = [UInt8](repeating: 255, count: row.count)
        let rows = [margin, margin] + [[UInt8]](repeating: row, count: height) + [margin, margin]
        return GrayscaleImage(width: row.count, height: rows.count, pixels: rows.flatMap { $0 })
    }
}

/// Renders PNGs for the tests, each checked by zbarimg to hold exactly the text encoded.
enum CheckedPNG {
    static func of(
        _ text: String, errorCorrection: QRCode.ErrorCorrection = .medium, scale: Int = 4, margin: Int = 4,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt8] {
        let png = try QRCode(encoding: text, errorCorrection: errorCorrection).pngData(scale: scale, margin: margin)
        let directory = try TemporaryDirectory()
        let path = try directory.write("checked.png", png)
        #expect(try ExternalTool.zbarimg(path) == [text], "zbarimg", sourceLocation: sourceLocation)
        return png
    }
}
