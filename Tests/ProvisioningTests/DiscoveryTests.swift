import Discovery
import EmulatorServer
import NitrokeyProFamily
import SpecTokenFamily
import Testing
import TokenDrivers
import TokenModel
import TokenTesting
import TokenTransport

/// Discovery over an in-process bus: the same listing, choice and waiting the CLI and issuance use.
struct DiscoveryTests {
    @Test func listsSupportedTokensWithTheirFamilies() throws {
        let bus = InProcessHIDBus(devices: [
            try virtualSpecToken("TFEMU0001"), try virtualNitrokey("NKEMU0001", cardSerial: 0x4E4B_0001),
        ])
        let tokens = try TokenDiscovery(bus: bus).supportedTokens()
        #expect(tokens.map(\.serial) == ["TFEMU0001", "00000000000000004E4B0001"])
        #expect(tokens.map(\.family) == [.specToken, .nitrokeyPro])
    }

    @Test func choosesByPathOrSerialAndRefusesAmbiguityAndAbsence() throws {
        let bus = InProcessHIDBus(devices: [try virtualSpecToken("TFEMU0001"), try virtualSpecToken("TFEMU0002")])
        let discovery = TokenDiscovery(bus: bus)
        #expect(try discovery.choose("TFEMU0002").serial == "TFEMU0002")
        #expect(try discovery.choose("emulator:TFEMU0001").serial == "TFEMU0001")
        let tokens = try discovery.supportedTokens()
        #expect(throws: DiscoveryError.ambiguous(tokens)) { try discovery.choose(nil) }
        #expect(throws: DiscoveryError.notConnected("TFEMU0009", tokens)) { try discovery.choose("TFEMU0009") }
        #expect(throws: DiscoveryError.noToken) { try TokenDiscovery(bus: InProcessHIDBus(devices: [])).choose(nil) }
    }

    @Test func opensTheDriverOfTheTokensFamily() throws {
        let bus = InProcessHIDBus(devices: [
            try virtualSpecToken("TFEMU0001"), try virtualNitrokey("NKEMU0001", cardSerial: 7),
        ])
        let discovery = TokenDiscovery(bus: bus)
        let tokens = try discovery.supportedTokens()
        #expect(try discovery.open(tokens[0]) is SpecTokenDriver)
        #expect(try discovery.open(tokens[1]) is NitrokeyDriver)
    }

    @Test func waitingForAnInsertionTimesOutOnTheInjectedClockWithoutSleeping() throws {
        let bus = InProcessHIDBus(devices: [try virtualSpecToken("TFEMU0001")])
        let discovery = TokenDiscovery(bus: bus, settings: DriverSettings(clock: bus.clock))
        var asked = 0
        #expect(throws: DiscoveryError.notInserted(serial: "TFEMU0002", seconds: 300)) {
            try discovery.waitForToken(serial: "TFEMU0002", timeout: .seconds(300)) { _ in true } waiting: {
                asked += 1
            }
        }
        #expect(asked == 1)
        #expect(bus.clock.now >= .seconds(300))
    }

    @Test func waitingSkipsTokensTheCallerRefusesAndTakesTheOneInserted() throws {
        let bus = InProcessHIDBus(devices: [try virtualSpecToken("TFEMU0001")])
        let discovery = TokenDiscovery(bus: bus, settings: DriverSettings(clock: bus.clock))
        let inserted = try virtualSpecToken("TFEMU0002")
        let token = try discovery.waitForToken(serial: nil, timeout: .seconds(60)) { $0.serial != "TFEMU0001" } waiting: {
            bus.devices.append(inserted)
        }
        #expect(token.serial == "TFEMU0002")
    }
}
