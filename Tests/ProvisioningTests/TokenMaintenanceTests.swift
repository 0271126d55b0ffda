import Discovery
import OTPCore
import Provisioning
import SpecTokenFamily
import Testing
import TokenDrivers
import TokenModel
import TokenTesting

/// The device workflows, each with its check, on in-process virtual tokens.
struct TokenMaintenanceTests {
    let pin = PIN("24681357")

    func specDriver(_ serial: String = "TFEMU0001") throws -> any OTPTokenDriver {
        let bus = InProcessHIDBus(devices: [try virtualSpecToken(serial)])
        let discovery = TokenDiscovery(bus: bus, settings: DriverSettings(clock: bus.clock))
        return try discovery.open(try discovery.choose(nil))
    }

    func programmed(_ driver: any OTPTokenDriver, slot: Int) throws {
        var options = SlotProgrammer.Options()
        options.allowTestTokens = true
        let uri = try OTPAuthURI(
            kind: .totp(period: 30), account: "zoe@example.org", issuer: "ACME", secret: Secret.random(byteCount: 20),
            algorithm: .sha1, digits: 6)
        _ = try SlotProgrammer(driver: driver, options: options).program(uri, slot: SlotIndex(slot), now: 1_800_000_000)
    }

    @Test func setPINSetsAndVerifiesAndRefusesWhatTheFamilyCannotTake() throws {
        let driver = try specDriver()
        #expect(throws: TokenError.pin(.policy("the PIN is 4 to 32 bytes"))) {
            try TokenMaintenance(driver: driver).setPIN(PIN("123"))
        }
        try TokenMaintenance(driver: driver).setPIN(pin)
        #expect(try driver.tokenInfo().pinSet)
    }

    @Test func eraseChecksTheSlotIsGone() throws {
        let driver = try specDriver()
        let maintenance = TokenMaintenance(driver: driver)
        try maintenance.setPIN(pin)
        try programmed(driver, slot: 2)
        try maintenance.erase(SlotIndex(2), pin: pin)
        #expect(try driver.slots().isEmpty)
        #expect(try maintenance.eraseIfUsed(SlotIndex(2), pin: pin) == false)
        #expect(throws: TokenError.slot(SlotIndex(2), .empty)) { try maintenance.erase(SlotIndex(2), pin: pin) }
    }

    @Test func clockSyncSetsTheClockAndReportsTheDriftBefore() throws {
        let driver = try specDriver()
        let maintenance = TokenMaintenance(driver: driver)
        try maintenance.setPIN(pin)
        let before = try maintenance.readClock(now: 1_800_000_000)
        #expect(before.tokenTime == nil)
        #expect(before.readable)
        var asked = 0
        let synced = try maintenance.synchroniseClock(now: 1_800_000_000) {
            asked += 1
            return pin
        }
        #expect(asked == 1)
        #expect(synced.synchronised)
        #expect(try maintenance.readClock(now: 1_800_000_030).drift == -30)
    }

    @Test func factoryResetChecksNoSlotAndNoPINRemain() throws {
        let driver = try specDriver()
        let maintenance = TokenMaintenance(driver: driver)
        try maintenance.setPIN(pin)
        try programmed(driver, slot: 0)
        try maintenance.factoryReset { Issue.record("a spec token needs no PIN to reset"); return pin }
        let info = try driver.tokenInfo()
        #expect(info.freeSlots == info.slotCount)
        #expect(!info.pinSet)
    }

    @Test func programAllPutsEachAccountInAFreeSlotWithNamesCutToWhatTheTokenKeeps() throws {
        let driver = try specDriver()
        try TokenMaintenance(driver: driver).setPIN(pin)
        var options = SlotProgrammer.Options()
        options.allowTestTokens = true
        let long = String(repeating: "é", count: 40)  // 80 bytes: cut to 32 characters, 64 bytes
        let accounts = try [long, "b@example.org"].map {
            try OTPAuthURI(
                kind: .totp(period: 30), account: $0, issuer: "ACME", secret: Secret.random(byteCount: 20),
                algorithm: .sha1, digits: 6)
        }
        var told: [String] = []
        let results = try SlotProgrammer(driver: driver, options: options).programAll(accounts, now: { 1_800_000_000 }) {
            uri, _ in told.append(uri.account)
        }
        #expect(results.map(\.slot) == [SlotIndex(0), SlotIndex(1)])
        #expect(told == [long, "b@example.org"])
        #expect(try driver.slots().map(\.configuration.account) == [String(repeating: "é", count: 32), "b@example.org"])
    }

    @Test func theConnectedSourcePassesOverTakenAndUsedTokensAndLeavesThePINToIssuance() throws {
        let bus = InProcessHIDBus(devices: [
            try virtualSpecToken("TFEMU0001"), try virtualSpecToken("TFEMU0002"), try virtualSpecToken("TFEMU0003"),
        ])
        let discovery = TokenDiscovery(bus: bus, settings: DriverSettings(clock: bus.clock))
        let used = try discovery.open(try discovery.choose("TFEMU0002"))
        try TokenMaintenance(driver: used).setPIN(pin)
        try programmed(used, slot: 0)
        var options = SlotProgrammer.Options()
        options.allowTestTokens = true
        var told: [String] = []
        let source = ConnectedTokenSource(
            discovery: discovery, programmingOptions: options, wait: .seconds(5), takenSerials: { ["TFEMU0001"] },
            waiting: { told.append($0) })
        let driver = try source.token(serial: nil, prompt: "insert the token for Zoë")
        #expect(try driver.serialNumber() == "TFEMU0003")
        #expect(try driver.tokenInfo().pinSet == false)
        #expect(told.contains("token TFEMU0002 already holds 1 account(s): insert an unused one (or allow used tokens)"))
        let accepting = ConnectedTokenSource(
            discovery: discovery, programmingOptions: options, wait: .seconds(5), acceptUsedTokens: true,
            takenSerials: { ["TFEMU0001"] })
        #expect(try accepting.token(serial: nil, prompt: "insert the token for Zoë").serialNumber() == "TFEMU0002")
        #expect(throws: DiscoveryError.notInserted(serial: "TFEMU0009", seconds: 5)) {
            try source.token(serial: "TFEMU0009", prompt: "insert the token for Zoë")
        }
    }
}
