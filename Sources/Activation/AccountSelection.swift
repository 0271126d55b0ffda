import OTPCore

/// Which of the accounts of an import to use: all of them, or chosen ones by position (from 1)
/// or label, as `program` takes them from a Google Authenticator export.
public enum AccountSelection: Sendable, Equatable {
    case all
    case numbers([Int])
    case labels([String])

    /// The chosen accounts, in the order chosen (or the import's order for `all`).
    public func apply(to accounts: [OTPAuthURI]) throws(AccountSelectionError) -> [OTPAuthURI] {
        switch self {
        case .all:
            return accounts
        case .numbers(let numbers):
            return try numbers.map { number throws(AccountSelectionError) in
                guard number >= 1, number <= accounts.count else {
                    throw .noSuchNumber(number, count: accounts.count)
                }
                return accounts[number - 1]
            }
        case .labels(let labels):
            return try labels.map { label throws(AccountSelectionError) in
                let matches = accounts.filter { $0.label == label || $0.account == label }
                guard let match = matches.first else { throw .noSuchLabel(label) }
                guard matches.count == 1 else { throw .ambiguousLabel(label, matches: matches.count) }
                return match
            }
        }
    }
}

/// A chosen account that the import does not hold.
public enum AccountSelectionError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSuchNumber(Int, count: Int)
    case noSuchLabel(String)
    case ambiguousLabel(String, matches: Int)

    public var description: String {
        switch self {
        case .noSuchNumber(let number, let count):
            "there is no account \(number): the import holds \(count) (numbered from 1)"
        case .noSuchLabel(let label):
            "no imported account is labelled \"\(label)\""
        case .ambiguousLabel(let label, let matches):
            "\(matches) imported accounts match \"\(label)\": choose by number, or by Issuer:account"
        }
    }
}
