import Crypto
import FoundationEssentials
import OTPCore

extension PSKCDocument {
    /// Reads a password-protected container (RFC 6030 §6.2): derives the key, decrypts the MAC key,
    /// checks every ValueMAC and decrypts every value.
    public static func decrypt(xml: String, password: String) throws(PSKCReadError) -> [PSKCKey] {
        try read(xml, with: .password(password))
    }

    /// Reads a container encrypted under a pre-shared key (RFC 6030 §6.1), checking every ValueMAC.
    public static func decrypt(xml: String, preSharedKey: SymmetricKey) throws(PSKCReadError) -> [PSKCKey] {
        try read(xml, with: .preSharedKey(preSharedKey))
    }

    /// Reads a plaintext container; throws `passwordRequired` or `preSharedKeyRequired` for an encrypted one.
    public static func read(xml: String) throws(PSKCReadError) -> [PSKCKey] {
        try read(xml, with: .none)
    }

    private enum KeySource {
        case none
        case password(String)
        case preSharedKey(SymmetricKey)
    }

    /// PBKDF2 iteration counts above this are refused rather than computed for minutes.
    private static let maximumIterationCount = 10_000_000

    private static func read(_ xml: String, with source: KeySource) throws(PSKCReadError) -> [PSKCKey] {
        let root: XMLTreeElement
        do {
            root = try XMLTree.parse(xml)
        } catch {
            switch error {
            case .doctype: throw .doctypeNotAllowed
            case .malformed(let line): throw .malformedXML(line: line)
            }
        }
        guard root.name == "KeyContainer", root.namespace == PSKCURI.pskc else { throw .notAKeyContainer }
        let version = root.attributes["Version"] ?? ""
        guard version == "1.0" else { throw .unsupportedVersion(version) }

        let encryptionKey = try Self.encryptionKey(of: root, from: source)
        let mac = try Self.macKey(of: root, encryptionKey: encryptionKey)
        let values = ValueReader(encryptionKey: encryptionKey, mac: mac)
        var keys: [PSKCKey] = []
        for (index, package) in root.children("KeyPackage", in: PSKCURI.pskc).enumerated() {
            guard let key = package.child("Key", in: PSKCURI.pskc) else { continue }
            keys.append(try values.key(key, in: package, position: index + 1))
        }
        return keys
    }

    private static func encryptionKey(of root: XMLTreeElement, from source: KeySource) throws(PSKCReadError)
        -> SymmetricKey?
    {
        let derivedKey = root.child("EncryptionKey", in: PSKCURI.pskc)?.child("DerivedKey", in: PSKCURI.xenc11)
        guard let derivedKey else {
            switch source {
            case .none: return nil
            case .password: throw .notPasswordProtected
            case .preSharedKey(let key): return key
            }
        }
        guard case .password(let password) = source else { throw .passwordRequired }

        let path = "EncryptionKey/DerivedKey/KeyDerivationMethod"
        guard let method = derivedKey.child("KeyDerivationMethod", in: PSKCURI.xenc11) else {
            throw .missingElement(path, keyID: nil)
        }
        let algorithm = method.attributes["Algorithm"] ?? ""
        guard algorithm == PSKCURI.pbkdf2 || algorithm == PSKCURI.xenc11 + "pbkdf2" else {
            throw .unsupportedKeyDerivation(algorithm)
        }
        guard let parameters = method.child(named: "PBKDF2-params") else {
            throw .missingElement(path + "/PBKDF2-params", keyID: nil)
        }
        let parametersPath = path + "/PBKDF2-params"
        guard let saltElement = parameters.child(named: "Salt")?.child(named: "Specified") else {
            throw .missingElement(parametersPath + "/Salt/Specified", keyID: nil)
        }
        guard let salt = Self.base64(saltElement.trimmedText) else {
            throw .invalidValue(parametersPath + "/Salt/Specified", keyID: nil)
        }
        guard let countElement = parameters.child(named: "IterationCount") else {
            throw .missingElement(parametersPath + "/IterationCount", keyID: nil)
        }
        guard let iterationCount = Int(countElement.trimmedText), iterationCount > 0 else {
            throw .invalidValue(parametersPath + "/IterationCount", keyID: nil)
        }
        guard iterationCount <= maximumIterationCount else {
            throw .unsupported("a PBKDF2 iteration count above \(maximumIterationCount)", keyID: nil)
        }
        var keyLength = PSKCCrypto.keyByteCount
        if let lengthElement = parameters.child(named: "KeyLength") {
            guard let length = Int(lengthElement.trimmedText), [16, 24, 32].contains(length) else {
                throw .invalidValue(parametersPath + "/KeyLength", keyID: nil)
            }
            keyLength = length
        }
        let prfURI = parameters.child(named: "PRF")?.attributes["Algorithm"] ?? ""
        let prf: PSKCCrypto.PRF
        switch prfURI {
        case "", PSKCURI.hmacSHA1: prf = .sha1
        case "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256": prf = .sha256
        case "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512": prf = .sha512
        default: throw .unsupportedPRF(prfURI)
        }
        do {
            return try PSKCCrypto.deriveKey(
                password: password, salt: salt, iterationCount: iterationCount, keyLength: keyLength, prf: prf)
        } catch {
            throw .invalidValue(parametersPath, keyID: nil)
        }
    }

    private static func macKey(of root: XMLTreeElement, encryptionKey: SymmetricKey?) throws(PSKCReadError)
        -> ValueReader.MACKey?
    {
        guard let method = root.child("MACMethod", in: PSKCURI.pskc) else { return nil }
        let uri = method.attributes["Algorithm"] ?? ""
        guard let function = PSKCCrypto.MAC(uri: uri) else { throw .unsupportedMAC(uri) }
        guard let macKey = method.child("MACKey", in: PSKCURI.pskc) else {
            if method.child("MACKeyReference", in: PSKCURI.pskc) != nil {
                throw .unsupported("MACKeyReference", keyID: nil)
            }
            throw .missingElement("MACMethod/MACKey", keyID: nil)
        }
        guard let encryptionKey else { throw .preSharedKeyRequired }
        let cipherValue = try ValueReader.cipherValue(
            of: macKey, path: "MACMethod/MACKey", keyID: nil, key: encryptionKey)
        do {
            return .init(
                key: SymmetricKey(data: try PSKCCrypto.decrypt(cipherValue, key: encryptionKey)), function: function)
        } catch {
            throw .wrongKey
        }
    }

    /// Standard base64 after removing XML white space (CipherValue is often wrapped over lines).
    fileprivate static func base64(_ text: String) -> [UInt8]? {
        let compact = String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })
        guard !compact.isEmpty, let data = Data(base64Encoded: compact) else { return nil }
        return Array(data)
    }
}

/// Reads the values of one container once its encryption and MAC keys are known.
private struct ValueReader {
    struct MACKey {
        let key: SymmetricKey
        let function: PSKCCrypto.MAC
    }

    let encryptionKey: SymmetricKey?
    let mac: MACKey?

    private static let pskc = PSKCURI.pskc

    /// The key of the `position`th KeyPackage. A key without an Id (RFC 6030 requires one; some
    /// writers, python-pskc among them, leave it out) is named by its serial, else its position.
    func key(_ key: XMLTreeElement, in package: XMLTreeElement, position: Int) throws(PSKCReadError) -> PSKCKey {
        let deviceInfo = package.child("DeviceInfo", in: Self.pskc)
        let serial = deviceInfo?.child("SerialNo", in: Self.pskc)?.text
        let id = key.attributes["Id"] ?? serial.map { "serial \($0)" } ?? "KeyPackage \(position)"
        let parameters = key.child("AlgorithmParameters", in: Self.pskc)
        var digits: Int?
        if let length = parameters?.child("ResponseFormat", in: Self.pskc)?.attributes["Length"] {
            guard let value = Int(length) else {
                throw .invalidValue("KeyPackage/Key/AlgorithmParameters/ResponseFormat/@Length", keyID: id)
            }
            digits = value
        }
        guard let data = key.child("Data", in: Self.pskc) else {
            throw .missingElement("KeyPackage/Key/Data", keyID: id)
        }
        guard let secretElement = data.child("Secret", in: Self.pskc) else {
            throw .missingElement("KeyPackage/Key/Data/Secret", keyID: id)
        }
        let secret: Secret
        switch try value(of: secretElement, keyID: id) {
        case .plain(let text):
            guard let bytes = PSKCDocument.base64(text) else {
                throw .invalidValue("KeyPackage/Key/Data/Secret/PlainValue", keyID: id)
            }
            secret = Secret(bytes: bytes)
        case .decrypted(let bytes):
            secret = Secret(bytes: bytes)
        }
        return PSKCKey(
            id: id,
            algorithmURI: key.attributes["Algorithm"],
            serial: serial,
            manufacturer: deviceInfo?.child("Manufacturer", in: Self.pskc)?.text,
            model: deviceInfo?.child("Model", in: Self.pskc)?.text,
            issuer: key.child("Issuer", in: Self.pskc)?.text,
            friendlyName: key.child("FriendlyName", in: Self.pskc)?.text,
            userID: (key.child("UserId", in: Self.pskc) ?? deviceInfo?.child("UserId", in: Self.pskc))?.text,
            suite: parameters?.child("Suite", in: Self.pskc)?.text,
            digits: digits,
            secret: secret,
            counter: try integer("Counter", in: data, keyID: id),
            time: try integer("Time", in: data, keyID: id),
            timeInterval: try integer("TimeInterval", in: data, keyID: id),
            timeDrift: try integer("TimeDrift", in: data, keyID: id))
    }

    private enum Value {
        case plain(String)
        case decrypted([UInt8])
    }

    private func value(of element: XMLTreeElement, keyID: String) throws(PSKCReadError) -> Value {
        let name = element.name
        let valueMAC = element.child("ValueMAC", in: Self.pskc)
        if let plain = element.child("PlainValue", in: Self.pskc) {
            if valueMAC != nil { throw .unsupported("a ValueMAC on the plain \(name)", keyID: keyID) }
            return .plain(plain.trimmedText)
        }
        guard let encrypted = element.child("EncryptedValue", in: Self.pskc) else {
            throw .missingElement("KeyPackage/Key/Data/\(name)/PlainValue or EncryptedValue", keyID: keyID)
        }
        guard let encryptionKey else { throw .preSharedKeyRequired }
        guard let mac else { throw .missingMACKey }
        let path = "KeyPackage/Key/Data/\(name)/EncryptedValue"
        let cipherValue = try Self.cipherValue(of: encrypted, path: path, keyID: keyID, key: encryptionKey)
        guard let valueMAC else { throw .missingValueMAC(keyID: keyID, element: name) }
        guard let code = PSKCDocument.base64(valueMAC.trimmedText) else {
            throw .invalidValue("KeyPackage/Key/Data/\(name)/ValueMAC", keyID: keyID)
        }
        guard PSKCCrypto.isValidMAC(code, for: cipherValue, key: mac.key, function: mac.function) else {
            throw .macMismatch(keyID: keyID, element: name)
        }
        do {
            return .decrypted(try PSKCCrypto.decrypt(cipherValue, key: encryptionKey))
        } catch {
            throw .decryptionFailed(keyID: keyID, element: name)
        }
    }

    private func integer<Integer: FixedWidthInteger>(_ name: String, in data: XMLTreeElement, keyID: String)
        throws(PSKCReadError) -> Integer?
    {
        guard let element = data.child(name, in: Self.pskc) else { return nil }
        switch try value(of: element, keyID: keyID) {
        case .plain(let text):
            guard let integer = Integer(text) else {
                throw .invalidValue("KeyPackage/Key/Data/\(name)/PlainValue", keyID: keyID)
            }
            return integer
        case .decrypted:
            throw .unsupported("an encrypted \(name)", keyID: keyID)
        }
    }

    /// The IV ‖ ciphertext of an xenc:EncryptedDataType element, after checking that its
    /// EncryptionMethod is the AES-CBC variant that matches the key's size.
    static func cipherValue(of element: XMLTreeElement, path: String, keyID: String?, key: SymmetricKey)
        throws(PSKCReadError) -> [UInt8]
    {
        guard let method = element.child("EncryptionMethod", in: PSKCURI.xenc) else {
            throw .missingElement(path + "/EncryptionMethod", keyID: keyID)
        }
        let algorithm = method.attributes["Algorithm"] ?? ""
        guard algorithm == PSKCURI.xenc + "aes\(key.bitCount)-cbc" else { throw .unsupportedEncryption(algorithm) }
        guard let value = element.child("CipherData", in: PSKCURI.xenc)?.child("CipherValue", in: PSKCURI.xenc) else {
            throw .missingElement(path + "/CipherData/CipherValue", keyID: keyID)
        }
        guard let bytes = PSKCDocument.base64(value.trimmedText) else {
            throw .invalidValue(path + "/CipherData/CipherValue", keyID: keyID)
        }
        return bytes
    }
}
