import Discovery
import Foundation
import Testing

/// udev/70-tokenforge.rules grants access to exactly the registered token families.
struct UdevRulesTests {
    struct Rule: Hashable {
        let subsystem: String
        let vendor: String
        let product: String
    }

    static func rules() throws -> [Rule] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("udev/70-tokenforge.rules")
        let lines = try String(contentsOf: path, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return try lines.map { line in
            func value(_ key: String) throws -> String {
                guard let range = line.range(of: key + "==\"") else { throw RuleError.missing(key, String(line)) }
                return String(line[range.upperBound...].prefix { $0 != "\"" })
            }
            #expect(line.contains("TAG+=\"uaccess\""), "\(line)")
            #expect(line.contains("GROUP=\"plugdev\""), "\(line)")
            #expect(line.contains("MODE=\"0660\""), "\(line)")
            let subsystem = try value("SUBSYSTEM")
            let vendor = subsystem == "hidraw" ? try value("ATTRS{idVendor}") : try value("ATTR{idVendor}")
            let product = subsystem == "hidraw" ? try value("ATTRS{idProduct}") : try value("ATTR{idProduct}")
            return Rule(subsystem: subsystem, vendor: vendor, product: product)
        }
    }

    enum RuleError: Error { case missing(String, String) }

    @Test func everyFamilyHasAHidrawAndAUSBRuleAndNothingElseIsGranted() throws {
        var expected: Set<Rule> = []
        for family in TokenRegistry.families {
            let vendor = String(format: "%04x", family.vendorID)
            let product = String(format: "%04x", family.productID)
            expected.insert(Rule(subsystem: "hidraw", vendor: vendor, product: product))
            expected.insert(Rule(subsystem: "usb", vendor: vendor, product: product))
        }
        let rules = try Self.rules()
        #expect(Set(rules) == expected)
        #expect(rules.count == expected.count)
    }
}
