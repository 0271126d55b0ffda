import OATHWire
import OTPCore
import TokenDrivers
import TokenModel
import TokenTransport

extension YubiKeyOATHDriver: OTPTokenDriver {
    /// SHA1/256/512, 6 to 8 digits, names of at most 64 bytes with the period prefix; no clock, so
    /// codes for any time the host sends; the key never leaves the card.
    public func capabilities() throws(TokenError) -> OTPTokenCapabilities {
        OTPTokenCapabilities(
            familyName: "the \(family.name) application", algorithms: [.sha1, .sha256, .sha512], digits: [6, 7, 8],
            secretBytes: 1...64, totpPeriods: 1...UInt32(UInt16.max), codesAtAnyTime: true, readableClock: false,
            pinToRead: application.challenge != nil, pinToSetClock: false, pinToFactoryReset: false, alwaysHasPIN: false,
            pinRule: Self.passwordRule, nameBytes: oathMaximumNameBytes, encryptedSeedImport: false,
            note: "\(Self.capacity) credentials; \"[period/]issuer:account\" of at most \(oathMaximumNameBytes) bytes; secrets cannot be read back")
    }

    /// The application's device ID (from its salt), as ykman derives it.
    public func serialNumber() throws(TokenError) -> String { deviceID }

    public func tokenInfo() throws(TokenError) -> OTPTokenInfo {
        let used = application.challenge == nil ? try listEntries().count : 0
        return OTPTokenInfo(
            serial: deviceID, family: family.name, firmware: application.versionText, slotCount: Self.capacity,
            freeSlots: Self.capacity - used, algorithms: [.sha1, .sha256, .sha512], time: nil,
            pinSet: application.challenge != nil, pinRetries: 0, encryptedSeedImport: false)
    }

    public func setPIN(_ pin: PIN) throws(TokenError) {
        guard application.challenge == nil else {
            throw .unsupported("the OATH application has a password already: change it with `tokenforge pin change`")
        }
        try setCode(pin)
    }

    public func verifyPIN(_ pin: PIN) throws(TokenError) {
        guard application.challenge != nil else { throw .pin(.notSet) }
        try authenticate(key: accessKey(pin))
    }

    public func changePIN(from current: PIN, to new: PIN) throws(TokenError) {
        try Self.passwordRule.check(new)
        if application.challenge != nil { try authenticate(key: accessKey(current)) }
        try setCode(new)
    }

    /// LIST for names and types, CALCULATE ALL (at step 0, which moves no HOTP counter) for digits.
    /// An HOTP slot's counter is the one this driver wrote or last used, else 0: the card does not tell.
    public func slots() throws(TokenError) -> [SlotEntry] {
        let entries = try listEntries()
        let data = try send(.calculateAll(challenge: OATHCommand.timeChallenge(step: 0), truncate: true), operation: "CALCULATE ALL")
        let computed: [OATHCalculateAllEntry]
        do { computed = try OATHCalculateAllEntry.decode(data) } catch { throw .protocolViolation("CALCULATE ALL: \(error)") }
        return entries.enumerated().map { index, entry in
            let id = OATHCredentialID(name: String(decoding: entry.name, as: UTF8.self), kind: entry.type.kind)
            let kind: SlotConfiguration.Kind =
                entry.type.kind == .hotp ? .hotp(counter: knownCounters[entry.name] ?? 0) : .totp(period: id.period ?? 30)
            let digits: UInt8 =
                switch computed.first(where: { $0.name == entry.name })?.result {
                case .code(let code): code.digits
                case .hotp(let digits), .touch(let digits): digits
                case nil: 6
                }
            return SlotEntry(
                slot: SlotIndex(index),
                configuration: SlotConfiguration(
                    kind: kind, algorithm: entry.type.algorithm, digits: Int(digits), issuer: id.issuer, account: id.account))
        }
    }

    /// A new credential goes after the listed ones; `requested` must be a listed slot (to replace)
    /// or the next free one.
    public func chooseSlot(_ requested: SlotIndex?, for kind: SlotConfiguration.Kind, overwrite: Bool)
        throws(TokenError) -> SlotIndex
    {
        let count = try listEntries().count
        guard let requested else {
            guard count < Self.capacity else { throw .slot(nil, .full("")) }
            return SlotIndex(count)
        }
        let number = Int(requested.rawValue)
        guard number < Self.capacity else {
            throw .slot(requested, .outOfRange("the \(family.name) application has slots 0–\(Self.capacity - 1)"))
        }
        if number < count {
            guard overwrite else { throw .slot(requested, .occupied) }
            return requested
        }
        guard number == count else {
            throw .slot(requested, .outOfRange("credentials are listed in order: the next free slot is \(count)"))
        }
        return requested
    }

    /// PUT; the seed crosses in clear (YKOATH has no encrypted import). A slot in use is deleted
    /// first unless it holds the same name, which PUT replaces in place.
    @discardableResult
    public func writeSlot(
        _ slot: SlotIndex, secret: Secret, configuration: SlotConfiguration, overwrite: Bool, policy: SeedImportPolicy
    ) throws(TokenError) -> WrittenSlot {
        try capabilities().check(configuration, secretBytes: secret.byteCount)
        guard policy.allowPlainImport else { throw .untrusted(.plainImport) }
        let period: UInt32? = if case .totp(let value) = configuration.kind { value } else { nil }
        let id = OATHCredentialID(issuer: configuration.issuer, account: configuration.account, period: period)
        let name: [UInt8]
        do { name = try id.encodedName() } catch {
            throw .unsupported("the \(family.name) application keeps names of at most \(oathMaximumNameBytes) bytes: \"\(id.name)\" is \(id.name.utf8.count)")
        }
        var counter: UInt32?
        if case .hotp(let value) = configuration.kind {
            guard value <= UInt64(UInt32.max) else {
                throw .unsupported("the \(family.name) application's HOTP counters start below 2^32")
            }
            counter = UInt32(value)
        }
        let entries = try listEntries()
        let number = Int(slot.rawValue)
        if number < entries.count {
            guard overwrite else { throw .slot(slot, .occupied) }
            if entries[number].name != name { try send(.delete(name: entries[number].name), operation: "DELETE") }
        } else if entries.contains(where: { $0.name == name }) {
            throw .slot(slot, .wrongKind("the card already holds \"\(id.name)\": replace that slot with --force"))
        }
        let put = OATHPut(
            name: name, type: OATHCredentialType(kind: period == nil ? .hotp : .totp, algorithm: configuration.algorithm),
            digits: UInt8(configuration.digits), key: OATHAccessKey.putKey(for: secret, algorithm: configuration.algorithm),
            initialCounter: counter)
        try send(.put(put), operation: "PUT")
        rememberCounter(counter.map(UInt64.init), for: name)
        let index = try listEntries().firstIndex { $0.name == name }
        guard let index else { throw .verificationFailed("PUT answered success but \"\(id.name)\" is not listed") }
        return WrittenSlot(slot: SlotIndex(index), encrypted: false, storedName: period.map { $0 == 30 ? nil : id.name } ?? nil)
    }

    /// CALCULATE: TOTP for `time`'s step (the application has no clock), HOTP at the card's counter.
    public func calculate(_ slot: SlotIndex, at time: UInt64?) throws(TokenError) -> CalculatedCode {
        let entry = try entry(slot)
        let challenge: [UInt8]
        if entry.type.kind == .totp {
            guard let time else {
                throw .unsupported("the \(family.name) application has no clock: TOTP codes need the host's time")
            }
            let period = UInt64(OATHCredentialID(name: String(decoding: entry.name, as: UTF8.self), kind: .totp).period ?? 30)
            challenge = OATHCommand.timeChallenge(step: time / period)
        } else {
            challenge = []
        }
        let data = try send(.calculate(name: entry.name, challenge: challenge, truncate: true), operation: "CALCULATE")
        let code: OATHTruncatedCode
        do { code = try OATHTruncatedCode.decodeCalculateResponse(data) } catch { throw .protocolViolation("CALCULATE: \(error)") }
        return CalculatedCode(code: code.code, counter: entry.type.kind == .hotp ? nextCounter(for: entry.name) : nil)
    }

    public func deleteSlot(_ slot: SlotIndex) throws(TokenError) {
        let entry = try entry(slot)
        try send(.delete(name: entry.name), operation: "DELETE")
        rememberCounter(nil, for: entry.name)
    }

    /// Nothing to set: the application has no clock.
    public func synchroniseClock(to now: Int64) throws(TokenError) -> Int64? { nil }

    public func setTime(_ time: UInt64) throws(TokenError) {
        throw .unsupported("the \(family.name) application has no clock: the host sends the time with every TOTP code")
    }

    public func time() throws(TokenError) -> UInt64? { nil }

    /// RESET: every credential and the password gone, a new salt (so a new device ID).
    public func factoryReset(pin: PIN?) throws(TokenError) {
        try send(.reset, operation: "RESET")
        try select()
    }
}
