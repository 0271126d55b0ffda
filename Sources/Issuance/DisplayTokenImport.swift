import Crypto
import Exports
import Foundation
import OTPCore

/// Reads a vendor's PSKC file (RFC 6030) of display tokens with the project's PSKC reader:
/// plain, encrypted under a pre-shared AES key (§6.1) or a password (PBKDF2, §6.2), every
/// ValueMAC checked. Every key of the file is checked before any is returned.
public enum DisplayTokenImport {
    /// How the file's values are protected, with the key or password.
    public enum Protection: Sendable {
        case none
        case preSharedKey([UInt8])
        case password(String)
    }

    /// The tokens of `xml`, read from `file` (used in errors only).
    public static func tokens(inPSKC xml: String, file: String, protection: Protection) throws(DisplayTokenError)
        -> [NewDisplayToken]
    {
        let keys: [PSKCKey]
        do {
            switch protection {
            case .none: keys = try PSKCDocument.read(xml: xml)
            case .preSharedKey(let bytes):
                keys = try PSKCDocument.decrypt(xml: xml, preSharedKey: SymmetricKey(data: bytes))
            case .password(let password): keys = try PSKCDocument.decrypt(xml: xml, password: password)
            }
        } catch {
            throw .unreadable(file: file, error)
        }
        guard !keys.isEmpty else { throw .noTokens(file: file) }
        var seen: Set<String> = []
        var tokens: [NewDisplayToken] = []
        for key in keys {
            let token = try token(key, file: file)
            guard seen.insert(token.serial).inserted else { throw .duplicateSerial(file: file, serial: token.serial) }
            tokens.append(token)
        }
        return tokens
    }

    private static func token(_ key: PSKCKey, file: String) throws(DisplayTokenError) -> NewDisplayToken {
        guard let serial = key.serial?.trimmed, !serial.isEmpty else {
            throw .missingSerial(file: file, keyID: key.id)
        }
        if let problem = RosterField.serialProblem(serial) {
            throw .invalidSerial(file: file, keyID: key.id, problem: problem)
        }
        func unsupported(_ what: String) -> DisplayTokenError { .unsupported(file: file, token: serial, what) }
        let algorithm: OTPAlgorithm
        if let suite = key.suite?.trimmed, !suite.isEmpty {
            let name = suite.uppercased().hasPrefix("HMAC-") ? String(suite.dropFirst(5)) : suite
            guard let named = try? OTPAlgorithm(name: name) else {
                throw unsupported("hash \"\(suite)\" is not supported (SHA1, SHA256 or SHA512)")
            }
            algorithm = named
        } else {
            algorithm = .sha1
        }
        let digits = key.digits ?? 6
        guard HOTPGenerator.supportedDigits.contains(digits) else {
            throw unsupported(
                "\(digits) digits is not supported (\(HOTPGenerator.supportedDigits.lowerBound) to \(HOTPGenerator.supportedDigits.upperBound))"
            )
        }
        guard key.secret.byteCount > 0 else { throw unsupported("its secret is empty") }
        let kind: DisplayToken.Kind
        switch key.algorithmURI {
        case "urn:ietf:params:xml:ns:keyprov:pskc:totp":
            let period = key.timeInterval ?? 30
            guard (1...Int(UInt32.max)).contains(period) else {
                throw unsupported("time interval \(period) s is not supported")
            }
            guard (key.time ?? 0) == 0 else {
                throw unsupported("a Time (T0) other than 0 is not supported")
            }
            guard (key.timeDrift ?? 0) == 0 else {
                throw unsupported("a TimeDrift other than 0 is not supported (vendors disagree on its unit)")
            }
            kind = .totp(period: period)
        case "urn:ietf:params:xml:ns:keyprov:pskc:hotp":
            let counter = key.counter ?? 0
            guard counter <= UInt64(Int64.max) else {
                throw unsupported("its counter is out of range")
            }
            kind = .hotp(counter: counter)
        case let uri:
            throw unsupported("algorithm \(uri ?? "(none)") is not supported: only HOTP and TOTP keys")
        }
        return NewDisplayToken(
            serial: serial, manufacturer: key.manufacturer?.trimmed.nilIfEmpty, model: key.model?.trimmed.nilIfEmpty,
            kind: kind, algorithm: algorithm, digits: digits, secret: key.secret)
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
