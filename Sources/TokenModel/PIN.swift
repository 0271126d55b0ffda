/// A token PIN as bytes of UTF-8, redacted when printed. Which PINs a token takes is its
/// family's rule (`PINRule`), not the type's.
public struct PIN: Equatable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { bytes = Array(text.utf8) }

    public var description: String { "PIN(redacted)" }
}

/// The PINs a token family accepts, checked before the PIN is sent.
public struct PINRule: Equatable, Sendable {
    /// What the PIN is called on this token ("PIN", "admin PIN").
    public var name: String
    public var lengths: ClosedRange<Int>
    /// The factory PIN, for families that always have one.
    public var factoryDefault: String?

    public init(name: String, lengths: ClosedRange<Int>, factoryDefault: String? = nil) {
        self.name = name
        self.lengths = lengths
        self.factoryDefault = factoryDefault
    }

    /// Refuses a PIN this family cannot take, saying what it takes.
    public func check(_ pin: PIN) throws(TokenError) {
        guard lengths.contains(pin.bytes.count) else {
            throw .pin(.policy("the \(name) is \(lengths.lowerBound) to \(lengths.upperBound) bytes"))
        }
    }
}
