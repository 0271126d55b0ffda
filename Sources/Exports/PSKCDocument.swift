import Crypto
import OTPCore

/// Portable Symmetric Key Container files (RFC 6030): one KeyContainer with a KeyPackage per record,
/// as privacyIDEA and LinOTP import them.
///
/// Password protection follows RFC 6030 §6.2 (figure 7): PBKDF2 with the HMAC-SHA1 PRF derives an
/// AES-128 key; each secret is AES-128-CBC encrypted with its own random IV and carries a ValueMAC,
/// HMAC-SHA1 over IV ‖ ciphertext under a random MAC key that is itself encrypted under the derived
/// key. Counter, time and interval stay plain, which is how importers read them.
public enum PSKCDocument {
    /// How the secrets are protected in the file.
    public enum Protection: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
        /// Secrets in clear (base64 PlainValue): only for files that travel inside another encrypted channel.
        case plaintext
        /// Secrets encrypted under a key derived from `password` (RFC 6030 §6.2). The recommended choice.
        case password(String, iterationCount: Int = 100_000)

        public var description: String {
            switch self {
            case .plaintext: "plaintext"
            case .password(_, let iterationCount): "password(redacted, \(iterationCount) PBKDF2 iterations)"
            }
        }

        public var debugDescription: String { description }
    }

    /// What to write in TimeDrift, whose unit importers disagree on.
    public enum TimeDriftField: Sendable, Hashable {
        /// 0 for every key: RFC 6030 and privacyIDEA agree on what that means.
        case zero
        /// The record's drift in time steps, as RFC 6030 §4.3.3 defines TimeDrift.
        case steps
        /// The record's drift in seconds (steps × period), as privacyIDEA reads TimeDrift.
        case seconds
    }

    /// The lowest PBKDF2 iteration count accepted (RFC 8018 §4.2 recommends at least 1,000).
    public static let minimumIterationCount = 1_000

    /// The container for `records`, with salt, MAC key and IVs from the system CSPRNG.
    public static func export(
        _ records: [ExportRecord], protection: Protection, timeDrift: TimeDriftField = .zero
    ) throws(ExportError) -> String {
        var generator = SystemRandomNumberGenerator()
        return try export(records, protection: protection, timeDrift: timeDrift, using: &generator)
    }

    /// The container for `records`, with salt, MAC key and IVs drawn from `generator`.
    public static func export<Generator: RandomNumberGenerator>(
        _ records: [ExportRecord], protection: Protection, timeDrift: TimeDriftField = .zero,
        using generator: inout Generator
    ) throws(ExportError) -> String {
        guard !records.isEmpty else { throw .noRecords }
        try records.checkUniqueSerials()
        let drifts = try records.map { record throws(ExportError) in try Self.drift(of: record, as: timeDrift) }
        for record in records {
            if case .hotp(let counter) = record.kind, counter > UInt64(Int64.max) {
                throw .counterOutOfRange(username: record.username, counter: counter)
            }
        }

        var xml = XMLWriter()
        var encryption: (key: SymmetricKey, macKey: SymmetricKey)?
        switch protection {
        case .plaintext:
            xml.start("pskc:KeyContainer", ["Version": "1.0", "xmlns:pskc": PSKCURI.pskc])
        case .password(let password, let iterationCount):
            guard !password.isEmpty else { throw .emptyPassword }
            guard iterationCount >= minimumIterationCount else {
                throw .iterationCountTooLow(iterationCount, minimum: minimumIterationCount)
            }
            xml.start(
                "pskc:KeyContainer",
                [
                    "Version": "1.0", "xmlns:pskc": PSKCURI.pskc, "xmlns:xenc": PSKCURI.xenc,
                    "xmlns:xenc11": PSKCURI.xenc11, "xmlns:pkcs5": PSKCURI.pkcs5,
                ])
            let salt = PSKCCrypto.randomBytes(PSKCCrypto.saltByteCount, using: &generator)
            let key = Self.crypto {
                try PSKCCrypto.deriveKey(
                    password: password, salt: salt, iterationCount: iterationCount,
                    keyLength: PSKCCrypto.keyByteCount, prf: .sha1)
            }
            let macKeyBytes = PSKCCrypto.randomBytes(PSKCCrypto.macKeyByteCount, using: &generator)
            let macKey = SymmetricKey(data: macKeyBytes)
            encryption = (key, macKey)
            Self.writeDerivedKey(to: &xml, salt: salt, iterationCount: iterationCount, count: records.count)
            xml.start("pskc:MACMethod", ["Algorithm": PSKCURI.hmacSHA1])
            xml.start("pskc:MACKey")
            let iv = PSKCCrypto.randomBytes(PSKCCrypto.ivByteCount, using: &generator)
            Self.writeCipherData(
                to: &xml, Self.crypto { try PSKCCrypto.encrypt(macKeyBytes, key: key, iv: iv) })
            xml.end()
            xml.end()
        }

        for (index, record) in records.enumerated() {
            Self.writeKeyPackage(
                to: &xml, record, encryptedValueID: Self.encryptedValueID(index), drift: drifts[index],
                encryption: encryption, using: &generator)
        }
        xml.end()
        return xml.text
    }

    private static func writeKeyPackage<Generator: RandomNumberGenerator>(
        to xml: inout XMLWriter, _ record: ExportRecord, encryptedValueID: String, drift: Int,
        encryption: (key: SymmetricKey, macKey: SymmetricKey)?, using generator: inout Generator
    ) {
        xml.start("pskc:KeyPackage")
        xml.start("pskc:DeviceInfo")
        if let manufacturer = record.manufacturer { xml.element("pskc:Manufacturer", text: manufacturer) }
        xml.element("pskc:SerialNo", text: record.serial)
        if let model = record.model { xml.element("pskc:Model", text: model) }
        xml.end()
        let algorithmURI =
            switch record.kind {
            case .totp: PSKCURI.totp
            case .hotp: PSKCURI.hotp
            }
        xml.start("pskc:Key", ["Id": record.serial, "Algorithm": algorithmURI])
        xml.element("pskc:Issuer", text: record.issuer)
        xml.start("pskc:AlgorithmParameters")
        xml.element("pskc:Suite", text: record.algorithm.rawValue.lowercased())
        xml.element("pskc:ResponseFormat", ["Length": String(record.digits), "Encoding": "DECIMAL"])
        xml.end()
        xml.element("pskc:FriendlyName", text: record.account)
        xml.start("pskc:Data")
        xml.start("pskc:Secret")
        if let encryption {
            let iv = PSKCCrypto.randomBytes(PSKCCrypto.ivByteCount, using: &generator)
            let cipherValue = Self.crypto {
                try record.secret.withUnsafeBytes { try PSKCCrypto.encrypt($0, key: encryption.key, iv: iv) }
            }
            xml.start("pskc:EncryptedValue", ["Id": encryptedValueID])
            Self.writeCipherData(to: &xml, cipherValue)
            xml.end()
            xml.element("pskc:ValueMAC", text: PSKCCrypto.mac(cipherValue, key: encryption.macKey).base64)
        } else {
            xml.element("pskc:PlainValue", text: record.secret.withUnsafeBytes { Array($0).base64 })
        }
        xml.end()
        switch record.kind {
        case .hotp(let counter):
            Self.writePlain(to: &xml, "pskc:Counter", String(counter))
        case .totp(let period):
            Self.writePlain(to: &xml, "pskc:Time", "0")
            Self.writePlain(to: &xml, "pskc:TimeInterval", String(period))
            Self.writePlain(to: &xml, "pskc:TimeDrift", String(drift))
        }
        xml.end()
        xml.element("pskc:UserId", text: record.username)
        xml.end()
        xml.end()
    }

    private static func writeDerivedKey(to xml: inout XMLWriter, salt: [UInt8], iterationCount: Int, count: Int) {
        xml.start("pskc:EncryptionKey")
        xml.start("xenc11:DerivedKey")
        xml.start("xenc11:KeyDerivationMethod", ["Algorithm": PSKCURI.pbkdf2])
        // RFC 6030 figure 7 writes the parameters' children unqualified; an empty PRF means HMAC-SHA1.
        xml.start("pkcs5:PBKDF2-params")
        xml.start("Salt")
        xml.element("Specified", text: salt.base64)
        xml.end()
        xml.element("IterationCount", text: String(iterationCount))
        xml.element("KeyLength", text: String(PSKCCrypto.keyByteCount))
        xml.element("PRF")
        xml.end()
        xml.end()
        xml.start("xenc:ReferenceList")
        for index in 0..<count {
            xml.element("xenc:DataReference", ["URI": "#" + encryptedValueID(index)])
        }
        xml.end()
        xml.end()
        xml.end()
    }

    private static func writeCipherData(to xml: inout XMLWriter, _ cipherValue: [UInt8]) {
        xml.element("xenc:EncryptionMethod", ["Algorithm": PSKCURI.aes128CBC])
        xml.start("xenc:CipherData")
        xml.element("xenc:CipherValue", text: cipherValue.base64)
        xml.end()
    }

    private static func writePlain(to xml: inout XMLWriter, _ name: String, _ value: String) {
        xml.start(name)
        xml.element("pskc:PlainValue", text: value)
        xml.end()
    }

    private static func encryptedValueID(_ index: Int) -> String { "ED\(index + 1)" }

    private static func drift(of record: ExportRecord, as field: TimeDriftField) throws(ExportError) -> Int {
        guard case .totp(let period) = record.kind, let steps = record.timeDrift else { return 0 }
        let (value, overflow): (Int, Bool) =
            switch field {
            case .zero: (0, false)
            case .steps: (steps, false)
            case .seconds: steps.multipliedReportingOverflow(by: period)
            }
        guard !overflow, (Int(Int32.min)...Int(Int32.max)).contains(value) else {
            throw .timeDriftOutOfRange(username: record.username, steps: steps)
        }
        return value
    }

    /// Runs a swift-crypto call whose failure would be a programming error here: the key, IV and
    /// parameter sizes are fixed by this file, so none of them can fail on caller input.
    private static func crypto<Result>(_ body: () throws -> Result) -> Result {
        do {
            return try body()
        } catch {
            preconditionFailure("swift-crypto rejected fixed-size PSKC parameters: \(error)")
        }
    }
}
