/// A slot of a token, numbered from 0 as TokenForge presents it for every family.
public struct SlotIndex: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public init(_ value: Int) { rawValue = UInt8(value) }
    public static func < (lhs: SlotIndex, rhs: SlotIndex) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { "slot \(rawValue)" }
}
