/// Why a PSKC file cannot be read back. Keys are named by their Key Id; no case carries secret
/// material or the password.
public enum PSKCReadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A DOCTYPE or entity declaration, which PSKC never needs and this reader refuses.
    case doctypeNotAllowed
    case malformedXML(line: Int)
    case notAKeyContainer
    case unsupportedVersion(String)
    /// `element` is the path from KeyContainer, e.g. `KeyPackage/Key/Data/Secret`.
    case missingElement(String, keyID: String?)
    case invalidValue(String, keyID: String?)
    /// The file derives its key from a password: call `decrypt(xml:password:)`.
    case passwordRequired
    /// The file's values are encrypted under a pre-shared key: call `decrypt(xml:preSharedKey:)`.
    case preSharedKeyRequired
    /// A password was given but the file is not password-protected.
    case notPasswordProtected
    case unsupportedKeyDerivation(String)
    case unsupportedPRF(String)
    case unsupportedEncryption(String)
    case unsupportedMAC(String)
    /// The MAC key does not decrypt: the password or pre-shared key is wrong.
    case wrongKey
    /// CBC-encrypted values need a MAC (RFC 6030 §6.1.1), and this file has no MACMethod.
    case missingMACKey
    case missingValueMAC(keyID: String, element: String)
    /// The ValueMAC does not match: the password or key is wrong, or the file was altered.
    case macMismatch(keyID: String, element: String)
    case decryptionFailed(keyID: String, element: String)
    /// A feature this reader does not implement (say, an encrypted Counter).
    case unsupported(String, keyID: String?)

    public var description: String {
        switch self {
        case .doctypeNotAllowed:
            "the PSKC file contains a DOCTYPE or entity declaration, which PSKC does not use; refusing it"
        case .malformedXML(let line):
            "the PSKC file is not well-formed XML (line \(line))"
        case .notAKeyContainer:
            "not a PSKC file: the root element is not a KeyContainer in namespace urn:ietf:params:xml:ns:keyprov:pskc"
        case .unsupportedVersion(let version):
            "PSKC version \"\(version)\" is not supported; only 1.0 is"
        case .missingElement(let path, let keyID):
            "the PSKC file lacks \(path)\(Self.key(keyID))"
        case .invalidValue(let path, let keyID):
            "the PSKC file has an invalid value in \(path)\(Self.key(keyID))"
        case .passwordRequired:
            "the PSKC file is protected by a password; give the password"
        case .preSharedKeyRequired:
            "the PSKC file is encrypted with a pre-shared key; give that key"
        case .notPasswordProtected:
            "the PSKC file is not protected by a password"
        case .unsupportedKeyDerivation(let uri):
            "unsupported key derivation \(uri); only PBKDF2 is supported"
        case .unsupportedPRF(let uri):
            "unsupported PBKDF2 pseudo-random function \(uri)"
        case .unsupportedEncryption(let uri):
            "unsupported encryption algorithm \(uri); only AES-CBC is supported"
        case .unsupportedMAC(let uri):
            "unsupported MAC algorithm \(uri)"
        case .wrongKey:
            "wrong password or key: the PSKC MAC key does not decrypt"
        case .missingMACKey:
            "the PSKC file encrypts values with CBC but has no MACMethod, so they cannot be verified"
        case .missingValueMAC(let keyID, let element):
            "the encrypted \(element) of key \"\(keyID)\" has no ValueMAC, so it cannot be verified"
        case .macMismatch(let keyID, let element):
            "the ValueMAC of \(element) in key \"\(keyID)\" does not match: wrong password or key, or the file was altered"
        case .decryptionFailed(let keyID, let element):
            "the \(element) of key \"\(keyID)\" does not decrypt"
        case .unsupported(let feature, let keyID):
            "\(feature) is not supported\(Self.key(keyID))"
        }
    }

    private static func key(_ keyID: String?) -> String {
        keyID.map { " (key \"\($0)\")" } ?? ""
    }
}
