public import TokenTransport

/// Why no token could be chosen.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The devices cannot be listed.
    case bus(HIDError)
    /// No supported token is connected.
    case noToken
    /// No connected token has this serial or path; the tokens that are connected.
    case notConnected(String, [ConnectedToken])
    /// Several tokens are connected and none was chosen.
    case ambiguous([ConnectedToken])
    /// No token (with `serial`, when given) was inserted in time.
    case notInserted(serial: String?, seconds: Int)

    public var description: String {
        switch self {
        case .bus(let error): "\(error)"
        case .noToken:
            "no supported token is connected (is it plugged in, and may you use it? see udev/ in the README)"
        case .notConnected(let choice, let tokens): "no token \(choice) is connected\(Self.listing(tokens))"
        case .ambiguous(let tokens):
            "\(tokens.count) tokens are connected: choose one with --device\(Self.listing(tokens))"
        case .notInserted(let serial, let seconds):
            "no token \(serial.map { "with serial \($0) " } ?? "")was inserted within \(seconds) s"
        }
    }

    private static func listing(_ tokens: [ConnectedToken]) -> String {
        tokens.isEmpty
            ? "" : ":\n" + tokens.map { "  \($0.serial)\t\($0.path)\t\($0.device.product)" }.joined(separator: "\n")
    }
}
