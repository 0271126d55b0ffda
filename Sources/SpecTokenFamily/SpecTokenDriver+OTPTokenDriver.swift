import OTPCore
import TokenDrivers
import TokenModel
import TokenTransport
import TokenWire

extension TokenFamily {
    /// Tokens that follow firmware-spec/PROTOCOL.md.
    public static let specToken: TokenFamily = TokenFamily(
        name: "TokenForge spec token", vendorID: USBIdentity.vendorID, productID: USBIdentity.productID,
        usagePage: USBIdentity.usagePage
    ) { (connection: any HIDConnection, settings: DriverSettings) throws(TokenError) -> any OTPTokenDriver in
        try SpecTokenDriver(connection: connection, settings: settings)
    }
}

extension SpecTokenDriver: OTPTokenDriver {
    /// firmware-spec §4.2 and §5.5: every algorithm, 6 to 10 digits, secrets of 1 to 64 bytes.
    public func capabilities() throws(TokenError) -> OTPTokenCapabilities {
        OTPTokenCapabilities(
            familyName: "a TokenForge spec token", algorithms: OTPAlgorithm.allCases,
            digits: Array(HOTPGenerator.supportedDigits), secretBytes: SlotConfiguration.secretSizes,
            totpPeriods: 1...UInt32.max, codesAtAnyTime: true, readableClock: true, pinToRead: true,
            pinToSetClock: true,
            pinToFactoryReset: false, alwaysHasPIN: false, pinRule: .specToken,
            nameBytes: SlotConfiguration.maximumNameBytes, encryptedSeedImport: true)
    }

    public func tokenInfo() throws(TokenError) -> OTPTokenInfo {
        let info = try info()
        return OTPTokenInfo(
            serial: info.serial, family: family.name,
            firmware: info.firmwareVersion.map(String.init).joined(separator: "."),
            slotCount: info.slotCount, freeSlots: info.freeSlots, algorithms: info.algorithms, time: info.time,
            pinSet: info.pinSet, pinRetries: info.pinRetries,
            encryptedSeedImport: info.capabilities.contains(.wrappedSeedImport))
    }

    public func serialNumber() throws(TokenError) -> String { try info().serial }

    public func chooseSlot(_ requested: SlotIndex?, for kind: SlotConfiguration.Kind, overwrite: Bool)
        throws(TokenError)
        -> SlotIndex
    {
        let info = try info()
        if let requested {
            guard Int(requested.rawValue) < info.slotCount else {
                throw .slot(requested, .outOfRange("the token has slots 0 to \(info.slotCount - 1)"))
            }
            if !overwrite, try slots().contains(where: { $0.slot == requested }) {
                throw .slot(requested, .occupied)
            }
            return requested
        }
        let used = Set(try slots().map(\.slot))
        guard let free = (0..<info.slotCount).map(SlotIndex.init).first(where: { !used.contains($0) }) else {
            throw .slot(nil, .full(""))
        }
        return free
    }

    /// Sends the seed wrapped to the token's attested key (§7, §8) when it can take it; in clear
    /// only when `policy` allows.
    @discardableResult
    public func writeSlot(
        _ slot: SlotIndex, secret: Secret, configuration: SlotConfiguration, overwrite: Bool, policy: SeedImportPolicy
    ) throws(TokenError) -> WrittenSlot {
        let info = try info()
        let seed: SeedMaterial
        if info.capabilities.contains([.wrappedSeedImport, .attestation]) {
            let key = try attestedKey(allowTestManufacturer: policy.allowTestTokens)
            do {
                seed =
                    info.capabilities.contains(.pinProtection)
                    ? .boundWrapped(
                        try SeedWrap.wrap(
                            secret, to: key, slot: slot, configuration: configuration, binding: .allParameters))
                    : .wrapped(try SeedWrap.wrap(secret, to: key, slot: slot, configuration: configuration))
            } catch {
                throw .unsupported("cannot encrypt the seed: \(error)")
            }
        } else {
            guard policy.allowPlainImport else { throw .untrusted(.plainImport) }
            seed = .plain(secret)
        }
        let used = try putSlot(SlotWrite(slot: slot, configuration: configuration, seed: seed, overwrite: overwrite))
        return WrittenSlot(slot: used, encrypted: seed != .plain(secret))
    }

    /// Reads the clock first: one right to the second is left alone, every SET_TIME being a flash write.
    public func synchroniseClock(to now: Int64) throws(TokenError) -> Int64? {
        let drift = try time().map { (time) throws(TokenError) -> Int64 in
            guard let seconds = Int64(exactly: time) else {
                throw .protocolViolation("the token's clock reads \(time) s, past any time it can be set to")
            }
            return seconds &- now
        }
        if drift != 0 { try setTime(UInt64(now)) }
        return drift
    }

    /// A token with attestation must prove it is genuine (or a test token, when allowed).
    public func checkTrust(_ policy: SeedImportPolicy) throws(TokenError) {
        guard try info().capabilities.contains(.attestation) else { return }
        _ = try attestedKey(allowTestManufacturer: policy.allowTestTokens)
    }

    /// The spec token needs no PIN to reset (§5.10): the confirmation string is the safeguard.
    public func factoryReset(pin: PIN?) throws(TokenError) { try factoryReset() }
}
