import ArgumentParser
import Foundation
import HIDTransport
import TokenDrivers
import TokenWire

/// Which token a device command talks to, and how much to trust it.
struct DeviceOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The token's path or serial (default: TOKENFORGE_DEVICE, else the only token connected).",
            valueName: "PATH|SERIAL"))
    var device: String?

    @Option(help: ArgumentHelp("How long to wait for each answer.", valueName: "MILLISECONDS"))
    var timeout = 3_000

    @Flag(
        help:
            "Accept tokens signed with the public test manufacturer key (virtual and development tokens; also TOKENFORGE_ALLOW_TEST_TOKENS=1)."
    )
    var allowTestTokens = false

    var testTokensAllowed: Bool {
        allowTestTokens || ProcessInfo.processInfo.environment["TOKENFORGE_ALLOW_TEST_TOKENS"] == "1"
    }

    /// The supported tokens connected now.
    static func connectedTokens() throws -> [HIDDeviceInfo] {
        do {
            return try HIDAPI.enumerate().filter { TokenFamily.family(of: $0) != nil }
        } catch {
            throw CLIFailure(status: .noDevice, message: "\(error)")
        }
    }

    /// Picks the token: --device, TOKENFORGE_DEVICE, or the only one; lists them when ambiguous.
    func chooseToken() throws -> HIDDeviceInfo {
        let tokens = try Self.connectedTokens()
        let choice = device ?? ProcessInfo.processInfo.environment["TOKENFORGE_DEVICE"]
        if let choice {
            guard let token = tokens.first(where: { $0.path == choice || $0.serialNumber == choice }) else {
                throw CLIFailure(status: .noDevice, message: "no token \(choice) is connected\(Self.listing(tokens))")
            }
            return token
        }
        guard let only = tokens.first else {
            throw CLIFailure(
                status: .noDevice,
                message:
                    "no supported token is connected (is it plugged in, and may you use it? see udev/ in the README)")
        }
        guard tokens.count == 1 else {
            throw CLIFailure(
                status: .noDevice,
                message: "\(tokens.count) tokens are connected: choose one with --device\(Self.listing(tokens))")
        }
        return only
    }

    /// Opens the chosen token's driver, the one its family speaks.
    func openDriver() throws -> any OTPTokenDriver {
        let token = try chooseToken()
        guard let family = TokenFamily.family(of: token) else {
            throw CLIFailure(status: .noDevice, message: "\(token.path) is not a supported token")
        }
        do {
            return try family.openDriver(HIDAPI.open(token), timeoutMilliseconds: timeout)
        } catch let error as HIDError {
            throw CLIFailure(status: .noDevice, message: "\(error)")
        } catch let error as DriverError {
            throw CLIFailure(error)
        }
    }

    private static func listing(_ tokens: [HIDDeviceInfo]) -> String {
        tokens.isEmpty
            ? "" : ":\n" + tokens.map { "  \($0.serialNumber)\t\($0.path)\t\($0.product)" }.joined(separator: "\n")
    }
}

extension CLIFailure {
    /// The exit status and message for a driver failure.
    init(_ error: DriverError) {
        let status: ExitStatus =
            switch error {
            case .transport(let hid) where "\(hid)".contains("disconnected"): .noDevice
            case .transport, .timeout, .deviceTimeout, .framing, .malformedResponse: .deviceIO
            case .wrongPIN, .pinBlocked, .adminPINBlocked, .notAuthorized, .refused(_, .pinRequired),
                .refused(_, .pinNotSet),
                .refused(_, .pinInvalid), .refused(_, .pinBlocked), .refused(_, .pinPolicy):
                .pin
            case .verificationFailed: .verificationFailed
            case .refused, .rejected, .notGenuine, .testTokenNotAllowed, .plainImportNotAllowed, .unsupported: .refused
            }
        self.init(status: status, message: "\(error)")
    }
}

/// Runs `body`, turning driver errors into CLI failures.
func withDriver<Result>(_ body: () throws -> Result) throws -> Result {
    do { return try body() } catch let error as DriverError { throw CLIFailure(error) }
}
