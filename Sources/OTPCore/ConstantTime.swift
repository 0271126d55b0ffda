/// Compares two byte sequences in time that depends only on their lengths.
func constantTimeEqual<A: Collection<UInt8>, B: Collection<UInt8>>(_ lhs: A, _ rhs: B) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (left, right) in zip(lhs, rhs) {
        difference |= left ^ right
    }
    return difference == 0
}

/// Compares two codes without a data-dependent branch.
func constantTimeEqual(_ lhs: UInt64, _ rhs: UInt64) -> Bool {
    var difference = lhs ^ rhs
    difference |= difference >> 32
    difference |= difference >> 16
    difference |= difference >> 8
    return UInt8(truncatingIfNeeded: difference) == 0
}
