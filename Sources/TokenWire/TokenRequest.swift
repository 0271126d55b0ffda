import TokenModel
import OTPCore

/// An application request (§4.1; commands §5): `COMMAND(1) FIELDS…`, carried in a MSG frame.
public enum TokenRequest: Equatable, Sendable {
    case getInfo
    case setPIN(PIN)
    case verifyPIN(PIN)
    case changePIN(current: PIN, new: PIN)
    case putSlot(SlotWrite)
    case deleteSlot(SlotIndex)
    /// Metadata of used slots from `start` on; the response says where to continue.
    case listSlots(start: SlotIndex)
    /// The code of a slot at `time` (Unix seconds), or at the token's clock when nil.
    case calculate(SlotIndex, time: UInt64?)
    case setTime(UInt64)
    case getTime
    case factoryReset(confirmation: String)
    case attest
    /// Protocol 1.1: the token's PIN key-agreement key (§5.13).
    case getKeyAgreement
    /// Protocol 1.1: SET_PIN, VERIFY_PIN or CHANGE_PIN with the PINs encrypted (§7.6).
    case protectedPIN(TokenCommand, ProtectedPIN)

    /// The text FACTORY_RESET must carry (§5.11).
    public static let factoryResetConfirmation = "ERASE ALL SLOTS"

    public var command: TokenCommand {
        switch self {
        case .getInfo: .getInfo
        case .setPIN: .setPIN
        case .verifyPIN: .verifyPIN
        case .changePIN: .changePIN
        case .putSlot: .putSlot
        case .deleteSlot: .deleteSlot
        case .listSlots: .listSlots
        case .calculate: .calculate
        case .setTime: .setTime
        case .getTime: .getTime
        case .factoryReset: .factoryReset
        case .attest: .attest
        case .getKeyAgreement: .getKeyAgreement
        case .protectedPIN(let command, _): command
        }
    }

    /// The slot the request is about, if any.
    public var slot: SlotIndex? {
        switch self {
        case .putSlot(let write): write.slot
        case .deleteSlot(let slot), .calculate(let slot, _): slot
        case .getInfo, .setPIN, .verifyPIN, .changePIN, .listSlots, .setTime, .getTime, .factoryReset, .attest,
            .getKeyAgreement, .protectedPIN:
            nil
        }
    }

    public func encoded() -> [UInt8] {
        [command.rawValue] + TLV.encode(fields)
    }

    private var fields: [TLV] {
        switch self {
        case .getInfo, .getTime, .attest, .getKeyAgreement:
            return []
        case .protectedPIN(_, let protected):
            return [TLV(.keyAgreement, protected.keyAgreement)]
                + (protected.pinEncrypted.map { [TLV(.pinEncrypted, $0)] } ?? [])
                + (protected.newPINEncrypted.map { [TLV(.newPINEncrypted, $0)] } ?? [])
                + [TLV(.pinAuthenticator, protected.authenticator)]
        case .setPIN(let pin):
            return [TLV(.newPIN, pin.bytes)]
        case .verifyPIN(let pin):
            return [TLV(.pin, pin.bytes)]
        case .changePIN(let current, let new):
            return [TLV(.pin, current.bytes), TLV(.newPIN, new.bytes)]
        case .putSlot(let write):
            var fields = [TLV(.slot, byte: write.slot.rawValue)] + write.configuration.fields
            switch write.seed {
            case .plain(let secret): fields.append(TLV(.secret, secret.withUnsafeBytes(Array.init)))
            case .wrapped(let bytes): fields.append(TLV(.wrappedSecret, bytes))
            case .boundWrapped(let bytes): fields.append(TLV(.boundWrappedSecret, bytes))
            }
            if write.overwrite { fields.append(TLV(.overwrite, byte: 1)) }
            return fields
        case .deleteSlot(let slot):
            return [TLV(.slot, byte: slot.rawValue)]
        case .listSlots(let start):
            return [TLV(.nextSlot, byte: start.rawValue)]
        case .calculate(let slot, let time):
            return [TLV(.slot, byte: slot.rawValue)] + (time.map { [TLV(.time, uint64: $0)] } ?? [])
        case .setTime(let time):
            return [TLV(.time, uint64: time)]
        case .factoryReset(let confirmation):
            return [TLV(.confirmation, string: confirmation)]
        }
    }

    public init(decoding message: [UInt8]) throws(MessageError) {
        guard let first = message.first else { throw .empty }
        guard let command = TokenCommand(rawValue: first) else { throw .unknownCommand(first) }
        let fields = Fields(try TLV.decode(message[1...]))
        switch command {
        case .getInfo: self = .getInfo
        case .getTime: self = .getTime
        case .attest: self = .attest
        case .getKeyAgreement: self = .getKeyAgreement
        case .setPIN where fields.optional(.keyAgreement) != nil,
            .verifyPIN where fields.optional(.keyAgreement) != nil,
            .changePIN where fields.optional(.keyAgreement) != nil:
            self = .protectedPIN(command, try Self.protectedPIN(fields, for: command))
        case .setPIN: self = .setPIN(PIN(bytes: try fields.required(.newPIN)))
        case .verifyPIN: self = .verifyPIN(PIN(bytes: try fields.required(.pin)))
        case .changePIN:
            self = .changePIN(
                current: PIN(bytes: try fields.required(.pin)), new: PIN(bytes: try fields.required(.newPIN)))
        case .putSlot:
            let configuration = try SlotConfiguration(fields)
            let seed: SeedMaterial
            if let plain = fields.optional(.secret) {
                guard SlotConfiguration.secretSizes.contains(plain.count) else { throw .unsupportedValue(.secret) }
                seed = .plain(Secret(bytes: plain))
            } else if let bound = fields.optional(.boundWrappedSecret) {
                seed = .boundWrapped(bound)
            } else {
                seed = .wrapped(try fields.required(.wrappedSecret))
            }
            let overwrite = try fields.optionalInteger(.overwrite, as: UInt8.self) ?? 0
            self = .putSlot(
                SlotWrite(
                    slot: SlotIndex(rawValue: try fields.byte(.slot)), configuration: configuration, seed: seed,
                    overwrite: overwrite != 0))
        case .deleteSlot: self = .deleteSlot(SlotIndex(rawValue: try fields.byte(.slot)))
        case .listSlots:
            self = .listSlots(start: SlotIndex(rawValue: try fields.optionalInteger(.nextSlot, as: UInt8.self) ?? 0))
        case .calculate:
            self = .calculate(
                SlotIndex(rawValue: try fields.byte(.slot)), time: try fields.optionalInteger(.time, as: UInt64.self))
        case .setTime: self = .setTime(try fields.integer(.time, as: UInt64.self))
        case .factoryReset:
            self = .factoryReset(confirmation: try fields.string(.confirmation, maximumBytes: 64) ?? "")
        }
    }

    /// KEY_AGREEMENT, then PIN_ENC (VERIFY_PIN, CHANGE_PIN), NEW_PIN_ENC (SET_PIN, CHANGE_PIN), PIN_AUTH (§7.6.1).
    private static func protectedPIN(_ fields: Fields, for command: TokenCommand) throws(MessageError) -> ProtectedPIN {
        let keyAgreement = try fields.required(.keyAgreement)
        guard keyAgreement.count == 65 else { throw .invalidField(.keyAgreement) }
        func encrypted(_ tag: Tag) throws(MessageError) -> [UInt8] {
            let value = try fields.required(tag)
            guard value.count == PINProtection.encryptedSize else { throw .invalidField(tag) }
            return value
        }
        let pin = command == .setPIN ? nil : try encrypted(.pinEncrypted)
        let newPIN = command == .verifyPIN ? nil : try encrypted(.newPINEncrypted)
        let authenticator = try fields.required(.pinAuthenticator)
        guard authenticator.count == PINProtection.authenticatorSize else { throw .invalidField(.pinAuthenticator) }
        return ProtectedPIN(
            keyAgreement: keyAgreement, pinEncrypted: pin, newPINEncrypted: newPIN, authenticator: authenticator)
    }
}
