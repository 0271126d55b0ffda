import FoundationEssentials

/// Where flash images live unless a path is given: `$XDG_DATA_HOME/tokenforge/tokens/`, else
/// `~/.local/share/tokenforge/tokens/`, one `SERIAL.flash` per token.
public enum FlashImageLocation {
    public static func directory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/tokenforge/tokens" }
        let home = environment["HOME"] ?? "/root"
        return home + "/.local/share/tokenforge/tokens"
    }

    public static func path(serial: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        directory(environment: environment) + "/" + serial + ".flash"
    }
}
