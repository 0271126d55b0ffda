/// A Pro firmware version, and the write protocol it speaks (libnitrokey decides by the minor
/// version alone: `is_authorization_command_supported`).
public struct NitrokeyFirmware: Hashable, Sendable, CustomStringConvertible {
    public enum Layout: Sendable, Equatable {
        /// v0.7 and earlier: an AUTHORIZE packet carrying the next packet's CRC and the temporary
        /// password precedes each write; secrets up to 20 bytes travel inside WRITE_TO_SLOT.
        case authorizeThenWrite
        /// v0.8 and later: the temporary password travels in every privileged packet; the name and
        /// secret are staged with SEND_OTP_DATA, then WRITE_TO_SLOT commits them; secrets up to 40 bytes.
        case temporaryPasswordInPacket
    }

    public let major: UInt8
    public let minor: UInt8

    public init(major: UInt8, minor: UInt8) {
        self.major = major
        self.minor = minor
    }

    /// The firmware the emulator runs unless told otherwise.
    public static let zeroFifteen = NitrokeyFirmware(major: 0, minor: 15)
    /// The last firmware with the older write protocol.
    public static let zeroSeven = NitrokeyFirmware(major: 0, minor: 7)

    /// "0.15" and the like.
    public init?(_ text: String) {
        let parts = text.split(separator: ".")
        guard parts.count == 2, let major = UInt8(parts[0]), let minor = UInt8(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    public var layout: Layout { minor >= 8 ? .temporaryPasswordInPacket : .authorizeThenWrite }

    /// The longest OTP secret the firmware stores.
    public var maximumSecretBytes: Int { layout == .temporaryPasswordInPacket ? 40 : 20 }

    public var description: String { "\(major).\(minor)" }
}
