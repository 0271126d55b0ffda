import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Why a flash image cannot be used. A bad image is reported, never silently reset.
public enum FlashError: Error, Equatable, CustomStringConvertible {
    /// The image does not start with the TokenForge flash header.
    case foreignImage
    case unsupportedVersion(UInt16)
    /// A record in the middle of the image fails its check: the image was damaged, not torn by a power cut.
    case corruptRecord(offset: Int)
    /// The image holds no device identity.
    case missingIdentity
    case io(operation: String, code: Int32)
    /// Simulated power loss during a flash write (fault injection).
    case powerCut

    public var description: String {
        switch self {
        case .foreignImage: "not a TokenForge token flash image (wrong header)"
        case .unsupportedVersion(let version):
            "flash image version \(version) is not supported (this emulator reads version 1)"
        case .corruptRecord(let offset): "flash image is corrupt at byte \(offset)"
        case .missingIdentity: "flash image holds no device identity"
        case .io(let operation, let code): "\(operation): \(String(cString: strerror(code)))"
        case .powerCut: "power cut during a flash write"
        }
    }
}
