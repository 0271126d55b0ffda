import EmulatorServer
import OTPCore
import SpecTokenFamily
import Testing
import TokenDrivers
import TokenModel
import TokenTesting
import TokenTransport
import TokenWire
import VirtualToken

/// The 1.1 driver against emulated tokens of protocol 1.1 and 1.0, every report on the wire recorded.
struct SpecTokenProtocolVersionTests {
    /// Records every output report the driver writes.
    final class SniffedConnection: HIDConnection {
        let inner: InProcessHIDConnection
        private(set) var written: [[UInt8]] = []

        init(_ inner: InProcessHIDConnection) { self.inner = inner }
        var info: HIDDeviceInfo { inner.info }
        func write(_ report: [UInt8]) throws(HIDError) {
            written.append(report)
            try inner.write(report)
        }
        func read(timeoutMilliseconds: Int) throws(HIDError) -> [UInt8]? {
            try inner.read(timeoutMilliseconds: timeoutMilliseconds)
        }
        func sendFeatureReport(_ data: [UInt8]) throws(HIDError) { try inner.sendFeatureReport(data) }
        func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8] {
            try inner.featureReport(id: id, length: length)
        }

        /// Whether `bytes` appear anywhere in what was written (a message's bytes may span reports).
        func sent(_ bytes: [UInt8]) -> Bool {
            let stream = written.flatMap { $0 }
            guard stream.count >= bytes.count else { return false }
            return (0...(stream.count - bytes.count)).contains { stream[$0..<($0 + bytes.count)].elementsEqual(bytes) }
        }
    }

    let seed = Secret(bytes: Array("12345678901234567890".utf8))
    let pin = PIN("583920")
    let newPIN = PIN("71946283")

    func makeDriver(firmware: [UInt8]) throws -> (SpecTokenDriver, SniffedConnection, SpecToken) {
        var configuration = SpecToken.Configuration()
        configuration.firmwareVersion = firmware
        var random = SystemRandomNumberGenerator()
        let token = try SpecToken(
            medium: MemoryFlashMedium(), clock: ManualDeviceClock(seconds: 1_700_000_000),
            configuration: configuration, newIdentity: DeviceIdentity.manufacture(serial: "TF00000042", using: &random))
        let connection = SniffedConnection(
            InProcessHIDConnection(device: SpecTokenDevice(token: token, clock: DriftingClock())))
        return (try SpecTokenDriver(connection: connection), connection, token)
    }

    func programAndCalculate(_ driver: SpecTokenDriver) throws -> (WrittenSlot, String) {
        let configuration = SlotConfiguration(
            kind: .totp(period: 30), algorithm: .sha1, digits: 8, issuer: "ACME", account: "zoe")
        let written = try driver.writeSlot(
            SlotIndex(3), secret: seed, configuration: configuration, overwrite: false,
            policy: SeedImportPolicy(allowTestTokens: true))
        return (written, try driver.calculate(SlotIndex(3), at: 59).code)
    }

    @Test func aProtocol11TokenGetsItsPINsEncryptedNeverInClear() throws {
        let (driver, connection, _) = try makeDriver(firmware: [1, 1, 0])
        #expect(try driver.speaksProtocol11())
        try driver.setPIN(pin)
        try driver.verifyPIN(pin)
        try driver.changePIN(from: pin, to: newPIN)
        try driver.verifyPIN(newPIN)
        #expect(try driver.info().pinRetries == 8)
        #expect(!connection.sent(pin.bytes))
        #expect(!connection.sent(newPIN.bytes))
    }

    @Test func aProtocol11TokenTakesTheSeedBoundToEveryParameter() throws {
        let (driver, connection, _) = try makeDriver(firmware: [1, 1, 0])
        try driver.setPIN(pin)
        try driver.verifyPIN(pin)
        let (written, code) = try programAndCalculate(driver)
        #expect(written.encrypted)
        #expect(code == "94287082")  // RFC 6238 Appendix B, SHA1 at 59 s
        #expect(connection.sent([Tag.boundWrappedSecret.rawValue]))
        #expect(!connection.sent(seed.withUnsafeBytes(Array.init)))
    }

    @Test func aProtocol10TokenStillWorksWithThe11Driver() throws {
        let (driver, connection, _) = try makeDriver(firmware: [1, 0, 0])
        #expect(try !driver.speaksProtocol11())
        try driver.setPIN(pin)
        try driver.verifyPIN(pin)
        try driver.changePIN(from: pin, to: newPIN)
        try driver.verifyPIN(newPIN)
        let (written, code) = try programAndCalculate(driver)
        #expect(written.encrypted)
        #expect(code == "94287082")
        // The 1.0 token gets its PIN as 1.0 defines it (§10.1 limits of version 1).
        #expect(connection.sent([Tag.pin.rawValue, UInt8(newPIN.bytes.count)] + newPIN.bytes))
        #expect(!connection.sent(seed.withUnsafeBytes(Array.init)))
    }

    @Test func aWrongProtectedPINCountsOneTry() throws {
        let (driver, _, _) = try makeDriver(firmware: [1, 1, 0])
        try driver.setPIN(pin)
        #expect(throws: TokenError.pin(.wrong(retriesLeft: 7))) { try driver.verifyPIN(PIN("000000")) }
        #expect(try driver.info().pinRetries == 7)
        try driver.verifyPIN(pin)
        #expect(try driver.info().pinRetries == 8)
    }

    @Test func aProtectedRequestMovedToAnotherChannelDoesNotAuthenticate() throws {
        let (driver, connection, _) = try makeDriver(firmware: [1, 1, 0])
        try driver.setPIN(pin)
        let thief = try SpecTokenDriver(connection: connection)
        let key = try driver.pinKeyAgreementKey()
        let sealed = try PINProtection.seal(
            pin: pin, newPIN: nil, command: .verifyPIN, channel: driver.channel, tokenKey: key)
        let response = try thief.send(.protectedPIN(.verifyPIN, sealed))
        #expect(response.status == .pinAuthInvalid)
        #expect(try thief.send(.listSlots(start: SlotIndex(0))).status == .pinRequired)
        #expect(try driver.info().pinRetries == 8)
    }
}
