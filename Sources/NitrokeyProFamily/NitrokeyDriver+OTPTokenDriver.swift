import NitrokeyWire
import OTPCore
import TokenDrivers
import TokenModel
import TokenTransport

extension TokenFamily {
    public static let nitrokeyPro: TokenFamily = TokenFamily(
        name: "Nitrokey Pro", vendorID: NitrokeyUSBIdentity.proVendorID, productID: NitrokeyUSBIdentity.proProductID,
        usagePage: nil
    ) { (connection: any HIDConnection, settings: DriverSettings) throws(TokenError) -> any OTPTokenDriver in
        try NitrokeyDriver(connection: connection, family: .nitrokeyPro, settings: settings)
    }

    /// Purism's Librem Key: Nitrokey Pro firmware under Purism's IDs.
    public static let libremKey: TokenFamily = TokenFamily(
        name: "Librem Key", vendorID: NitrokeyUSBIdentity.libremVendorID,
        productID: NitrokeyUSBIdentity.libremProductID, usagePage: nil
    ) { (connection: any HIDConnection, settings: DriverSettings) throws(TokenError) -> any OTPTokenDriver in
        try NitrokeyDriver(connection: connection, family: .libremKey, settings: settings)
    }
}

extension NitrokeyDriver: OTPTokenDriver {
    /// TokenForge's slot numbers for a Pro: TOTP 0...14 are 0...14, HOTP 0...2 are 15...17.
    public static func slot(_ index: SlotIndex) -> NitrokeySlot? {
        let number = Int(index.rawValue)
        if number < NitrokeySlot.totpCount { return .totp(number) }
        if number < NitrokeySlot.totpCount + NitrokeySlot.hotpCount { return .hotp(number - NitrokeySlot.totpCount) }
        return nil
    }

    public static func index(_ slot: NitrokeySlot) -> SlotIndex {
        SlotIndex(slot.kind == .hotp ? NitrokeySlot.totpCount + slot.number : slot.number)
    }

    /// The admin PIN: 8 to 20 characters; 12345678 when new or reset.
    public static let adminPINRule = PINRule(name: "admin PIN", lengths: 8...20, factoryDefault: "12345678")
    /// The user PIN after a factory reset.
    public static let factoryUserPIN = "123456"
    /// Issuer and account as given are checked against this; the slot keeps "issuer:account" cut to 15 bytes.
    static let nameBytes = 64

    var slotRanges: String { "TOTP slots 0–14 and HOTP slots 15–17 (its HOTP slots 0–2)" }

    /// SHA1 only, 6 or 8 digits, secrets up to 40 bytes (20 before firmware 0.8), periods that fit 16 bits.
    public func capabilities() throws(TokenError) -> OTPTokenCapabilities {
        let firmware = device.firmware
        let note =
            firmware.layout == .authorizeThenWrite
            ? "firmware \(firmware) takes 20-byte secrets; 0.8 and later take 40" : nil
        return OTPTokenCapabilities(
            familyName: "the \(family.name)", algorithms: [.sha1], digits: [6, 8],
            secretBytes: 1...firmware.maximumSecretBytes,
            totpPeriods: 1...UInt32(UInt16.max), codesAtAnyTime: false, readableClock: false,
            pinToRead: device.config.userPasswordRequired, pinToSetClock: false, pinToFactoryReset: true,
            alwaysHasPIN: true, pinRule: Self.adminPINRule, nameBytes: Self.nameBytes,
            encryptedSeedImport: false, note: note)
    }

    /// The USB serial string (a Pro's is its card serial in 24 hex digits).
    public func serialNumber() throws(TokenError) -> String {
        let serial = connection.info.serialNumber
        return serial.isEmpty ? NitrokeyUSBIdentity.serialString(cardSerial: device.cardSerial) : serial
    }

    public func tokenInfo() throws(TokenError) -> OTPTokenInfo {
        try refreshStatus()
        var used = 0
        for slot in NitrokeySlot.all where try name(of: slot) != nil { used += 1 }
        return OTPTokenInfo(
            serial: try serialNumber(),
            family: family.name, firmware: device.firmware.description, slotCount: NitrokeySlot.all.count,
            freeSlots: NitrokeySlot.all.count - used, algorithms: [.sha1], time: nil, pinSet: true,
            pinRetries: try adminRetryCount(), userPINRetries: try userRetryCount(), encryptedSeedImport: false)
    }

    public func setPIN(_ pin: PIN) throws(TokenError) {
        throw .unsupported(
            "a \(family.name) always has an admin PIN (\(Self.adminPINRule.factoryDefault ?? "") when new or reset): change it with `tokenforge pin change`"
        )
    }

    /// The admin PIN: FIRST_AUTHENTICATE.
    public func verifyPIN(_ pin: PIN) throws(TokenError) { try authenticateAdmin(pin) }

    /// The new admin PIN is checked against the family's rule before anything is sent.
    public func changePIN(from current: PIN, to new: PIN) throws(TokenError) {
        try Self.adminPINRule.check(new)
        try changeAdminPIN(from: current, to: new)
    }

    public func slots() throws(TokenError) -> [SlotEntry] {
        var entries: [SlotEntry] = []
        for slot in NitrokeySlot.all {
            guard let details = try details(of: slot) else { continue }
            let kind: SlotConfiguration.Kind =
                slot.kind == .hotp
                ? .hotp(counter: details.counterOrInterval)
                : .totp(period: UInt32(UInt16(truncatingIfNeeded: details.counterOrInterval)))
            let (issuer, account) = Self.issuerAndAccount(details.name)
            entries.append(
                SlotEntry(
                    slot: Self.index(slot),
                    configuration: SlotConfiguration(
                        kind: kind, algorithm: .sha1, digits: details.config.digits, issuer: issuer, account: account)))
        }
        return entries
    }

    public func chooseSlot(_ requested: SlotIndex?, for kind: SlotConfiguration.Kind, overwrite: Bool)
        throws(TokenError)
        -> SlotIndex
    {
        let wanted: NitrokeySlot.Kind = if case .hotp = kind { .hotp } else { .totp }
        if let requested {
            guard let slot = Self.slot(requested) else {
                throw .slot(requested, .outOfRange("the \(family.name) has \(slotRanges)"))
            }
            guard slot.kind == wanted else {
                throw .slot(
                    requested,
                    .wrongKind(
                        "it is a\(wanted == .hotp ? " TOTP" : "n HOTP") slot; the \(family.name) has \(slotRanges)"))
            }
            if !overwrite, try name(of: slot) != nil { throw .slot(requested, .occupied) }
            return requested
        }
        for slot in NitrokeySlot.all where slot.kind == wanted {
            if try name(of: slot) == nil { return Self.index(slot) }
        }
        throw .slot(nil, .full(wanted == .hotp ? "HOTP " : "TOTP "))
    }

    /// The Pro keeps the first 15 bytes of "issuer:account", listed as `slots()` reads them.
    public func listedLabel(_ label: String) -> String {
        let (issuer, account) = Self.issuerAndAccount(NitrokeyName.truncated(label, toBytes: NitrokeyName.slotNameSize))
        return SlotConfiguration(kind: .totp(period: 30), algorithm: .sha1, digits: 6, issuer: issuer, account: account).label
    }

    /// A stored slot name read as "issuer:account" (no colon: the account alone).
    static func issuerAndAccount(_ name: String) -> (issuer: String, account: String) {
        guard let colon = name.firstIndex(of: ":") else { return ("", name) }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    /// Writes in clear (the Pro's protocol has no encrypted import); the name is "issuer:account"
    /// cut to the 15 bytes the Pro keeps.
    @discardableResult
    public func writeSlot(
        _ index: SlotIndex, secret: Secret, configuration: SlotConfiguration, overwrite: Bool, policy: SeedImportPolicy
    ) throws(TokenError) -> WrittenSlot {
        try capabilities().check(configuration, secretBytes: secret.byteCount)
        guard secret.withUnsafeBytes({ $0.contains { $0 != 0 } }) else {
            throw .unsupported(
                "the \(family.name) cannot take an all-zero secret: it keeps the slot's old secret instead")
        }
        guard let slot = Self.slot(index) else {
            throw .slot(index, .outOfRange("the \(family.name) has \(slotRanges)"))
        }
        let label = configuration.label
        let name = NitrokeyName.truncated(label, toBytes: NitrokeyName.slotNameSize)
        guard !name.isEmpty else { throw .unsupported("the \(family.name) needs a name for \(slot)") }
        let counterOrInterval: UInt64 =
            switch configuration.kind {
            case .totp(let period): UInt64(period)
            case .hotp(let counter): counter
            }
        try write(
            slot, name: name, secret: secret, config: configuration.digits == 8 ? [.eightDigits] : [],
            counterOrInterval: counterOrInterval)
        return WrittenSlot(slot: index, encrypted: false, storedName: name == label ? nil : name)
    }

    /// TOTP on the device's own clock only; HOTP at the counter READ_SLOT reports, which GET_CODE then advances.
    public func calculate(_ index: SlotIndex, at time: UInt64?) throws(TokenError) -> CalculatedCode {
        guard let slot = Self.slot(index) else {
            throw .slot(index, .outOfRange("the \(family.name) has \(slotRanges)"))
        }
        if slot.kind == .totp, time != nil {
            throw .unsupported(
                "the \(family.name) computes TOTP codes on its own clock only: a code for another time cannot be asked")
        }
        var counter: UInt64?
        if slot.kind == .hotp {
            guard let details = try details(of: slot) else { throw .slot(index, .empty) }
            counter = details.counterOrInterval
        }
        return CalculatedCode(code: try code(slot).text, counter: counter)
    }

    public func deleteSlot(_ index: SlotIndex) throws(TokenError) {
        guard let slot = Self.slot(index) else {
            throw .slot(index, .outOfRange("the \(family.name) has \(slotRanges)"))
        }
        try erase(slot)
    }

    /// The Pro cannot report its clock: it is set every time.
    public func synchroniseClock(to now: Int64) throws(TokenError) -> Int64? {
        try setClock(UInt64(max(0, now)))
        return nil
    }

    public func setTime(_ time: UInt64) throws(TokenError) { try setClock(time) }

    public func time() throws(TokenError) -> UInt64? { nil }

    public func factoryReset(pin: PIN?) throws(TokenError) {
        guard let pin else { throw .pin(.required(operation: "the factory reset")) }
        try resetToFactory(adminPIN: pin)
    }
}
