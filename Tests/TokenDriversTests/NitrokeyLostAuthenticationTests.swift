import EmulatorServer
import NitrokeyProFamily
import NitrokeyWire
import Testing
import TokenDrivers
import TokenModel
import TokenTesting
import TokenTransport
import VirtualToken

/// An admin-PIN check whose answer is lost: the error tells the tries left, and none was used.
struct NitrokeyLostAuthenticationTests {
    /// Loses the device on the first FIRST_AUTHENTICATE command report, as a power cut does.
    final class VanishingConnection: HIDConnection {
        let inner: InProcessHIDConnection
        var gone = false
        init(_ inner: InProcessHIDConnection) { self.inner = inner }
        var info: HIDDeviceInfo { inner.info }
        func write(_ report: [UInt8]) throws(HIDError) { try inner.write(report) }
        func read(timeoutMilliseconds: Int) throws(HIDError) -> [UInt8]? {
            try inner.read(timeoutMilliseconds: timeoutMilliseconds)
        }
        func sendFeatureReport(_ data: [UInt8]) throws(HIDError) {
            if data.count > 1, data[1] == NitrokeyCommandID.firstAuthenticate.rawValue { gone = true }
            guard !gone else { throw .disconnected("device disconnected") }
            try inner.sendFeatureReport(data)
        }
        func featureReport(id: UInt8, length: Int) throws(HIDError) -> [UInt8] {
            guard !gone else { throw .disconnected("device disconnected") }
            return try inner.featureReport(id: id, length: length)
        }
    }

    @Test func aLostAnswerToTheAdminPINCheckSaysHowManyTriesAreLeft() throws {
        let pro = try NitrokeyPro(medium: MemoryFlashMedium(), clock: SystemDeviceClock(), cardSerial: 0x4E4B_0002)
        let device = NitrokeyProDevice(pro: pro, name: "NKEMU0002")
        let connection = VanishingConnection(InProcessHIDConnection(device: device))
        let driver = try NitrokeyDriver(connection: connection)
        do {
            try driver.authenticateAdmin(PIN("12345678"))
            Issue.record("the check of a vanished device succeeded")
        } catch {
            guard case .disconnected(let detail) = error else {
                Issue.record("expected a disconnection, got \(error)")
                return
            }
            #expect(detail.contains("device disconnected"))
            #expect(detail.contains("3 tries left"))
        }
        let reopened = try NitrokeyDriver(connection: InProcessHIDConnection(device: device))
        #expect(try reopened.adminRetryCount() == 3)
    }
}
