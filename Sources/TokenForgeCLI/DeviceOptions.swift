import ArgumentParser
import Discovery
import Foundation
import HIDAPITransport
import PCSCTransport
import TokenDrivers
import TokenModel

/// Which token a device command talks to, and how much to trust it.
struct DeviceOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The token's path or serial (default: TOKENFORGE_DEVICE, else the only token connected).",
            valueName: "PATH|SERIAL"))
    var device: String?

    @Option(help: ArgumentHelp("How long to wait for each answer, 1 to 600000.", valueName: "MILLISECONDS"))
    var timeout = 3_000

    @Flag(
        help:
            "Accept tokens signed with the public test manufacturer key (virtual and development tokens; also TOKENFORGE_ALLOW_TEST_TOKENS=1)."
    )
    var allowTestTokens = false

    func validate() throws {
        guard (1...DriverSettings.maximumTimeoutMilliseconds).contains(timeout) else {
            throw ValidationError("--timeout must be 1 to \(DriverSettings.maximumTimeoutMilliseconds) milliseconds.")
        }
    }

    var testTokensAllowed: Bool {
        allowTestTokens || ProcessInfo.processInfo.environment["TOKENFORGE_ALLOW_TEST_TOKENS"] == "1"
    }

    /// The machine's tokens, through hidapi, and through PC/SC when pcscd is running.
    var discovery: TokenDiscovery {
        TokenDiscovery(bus: HIDAPIBus(), smartCards: try? PCSCBus(), settings: DriverSettings(timeoutMilliseconds: timeout))
    }

    /// The chosen token: --device, TOKENFORGE_DEVICE, or the only one connected.
    func chooseToken() throws(DiscoveryError) -> ConnectedToken {
        try discovery.choose(device ?? ProcessInfo.processInfo.environment["TOKENFORGE_DEVICE"])
    }

    /// Opens the chosen token's driver, the one its family speaks.
    func openDriver() throws -> any OTPTokenDriver {
        let token: ConnectedToken
        do { token = try chooseToken() } catch { throw CLIFailure(error) }
        return try withDriver { try discovery.open(token) }
    }
}

extension CLIFailure {
    /// The exit status and message for a token failure.
    init(_ error: TokenError) {
        let status: ExitStatus =
            switch error {
            case .disconnected: .noDevice
            case .timedOut, .transport, .protocolViolation: .deviceIO
            case .pin: .pin
            case .verificationFailed: .verificationFailed
            case .writeUnconfirmed: .slotMayBeWritten
            case .slot, .unsupported, .refused, .untrusted: .refused
            }
        self.init(status: status, message: "\(error)")
    }

    /// No token could be chosen.
    init(_ error: DiscoveryError) {
        let status: ExitStatus =
            switch error {
            case .bus, .noToken, .notConnected, .ambiguous, .notInserted: .noDevice
            }
        self.init(status: status, message: "\(error)")
    }
}

/// Runs `body`, turning token failures into CLI failures.
func withDriver<Result>(_ body: () throws -> Result) throws -> Result {
    do { return try body() } catch let error as TokenError { throw CLIFailure(error) } catch let error
        as DiscoveryError
    {
        throw CLIFailure(error)
    }
}
