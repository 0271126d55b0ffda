import Issuance
import Testing

struct RosterTests {
    static let header = "username,display_name,email,language,method,app,token_serial\n"

    @Test func readsTheSampleRoster() throws {
        let entries = try Roster.parse(SampleRoster.csv, file: "sample")
        #expect(entries.count == 6)
        #expect(
            entries[0]
                == RosterEntry(
                    username: "zmuller", displayName: "Zoë Müller", email: "zoe.muller@example.org", language: .de,
                    method: .app, address: ["Bahnhofstrasse 12", "8001 Zürich"]))
        #expect(entries[2].appProfile == .microsoft)
        #expect(entries[3].address == [])
        #expect(entries[4].tokenSerial == "TFDEMO0001")
    }

    @Test func quotedFieldsMayHoldCommasQuotesAndLineBreaks() throws {
        let text = "\u{FEFF}" + Self.header + "jdoe,\"Doe, \"\"Jo\"\"\nJunior\",jo@example.org,EN,App,,\n"
        let entries = try Roster.parse(text, file: "r.csv")
        #expect(entries.first?.displayName == "Doe, \"Jo\"\nJunior")
        #expect(entries.first?.language == .en)
    }

    @Test func anAddressSplitsIntoLinesAtBarsAndLineBreaks() throws {
        let text =
            "username,display_name,email,language,method,address\n"
            + "a,A,a@x.org,fr,app,\"Rue du Lac 1\n1000 Lausanne\"\nb,B,b@x.org,de,app, Marktgasse 5 | 3011 Bern |\n"
        let entries = try Roster.parse(text, file: "r.csv")
        #expect(entries.map(\.address) == [["Rue du Lac 1", "1000 Lausanne"], ["Marktgasse 5", "3011 Bern"]])
    }

    @Test func theOptionalColumnsMayBeLeftOut() throws {
        let entries = try Roster.parse(
            "username,display name,email,language,method\na,A,a@x.org,fr,token\n", file: "r.csv")
        #expect(entries.first?.method == .token)
    }

    @Test func everyBadRowIsReportedWithFileLineAndColumn() {
        let text =
            Self.header + """
                ok,Ok,ok@example.org,fr,app,,
                bad user,Bad,bad@example.org,fr,app,,
                c,C,not-an-address,xx,sms,,
                d,D,d@example.org,de,token,google,
                e,E,e@example.org,de,app,,SERIAL1
                ok,Again,again@example.org,fr,app,,
                f,F,f@example.org,en
                """
        #expect {
            try Roster.parse(text, file: "staff.csv")
        } throws: { error in
            let lines = (error as? RosterErrors)?.errors.map(\.description) ?? []
            return lines == [
                "staff.csv:3:1: username \"bad user\" must be non-empty, without spaces, colons, commas or slashes",
                "staff.csv:4:3: \"not-an-address\" is not an e-mail address",
                "staff.csv:4:4: language \"xx\" is not one of fr, de, it, en",
                "staff.csv:4:5: method \"sms\" is not app or token",
                "staff.csv:5:6: an app profile is for method app, not token",
                "staff.csv:6:7: a token serial is for method token, not app",
                "staff.csv:7:1: username ok is already on line 2",
                "staff.csv:8: 4 fields, but the header has 7",
            ]
        }
    }

    @Test func aBadHeaderNamesTheColumn() {
        #expect(throws: RosterErrors.self) { try Roster.parse("username,name,email,language,method\n", file: "r.csv") }
        #expect {
            try Roster.parse("username,display_name,email,language,method,phone\na,A,a@x.org,fr,app,1\n", file: "r.csv")
        } throws: { error in
            (error as? RosterErrors)?.errors.first?.description.hasPrefix("r.csv:1:6: unknown column \"phone\"") == true
        }
    }

    @Test func anUnclosedQuoteIsAnError() {
        #expect(throws: RosterErrors.self) { try Roster.parse(Self.header + "a,\"A,a@x.org,fr,app,,\n", file: "r.csv") }
    }

    @Test func anEmptyRosterIsAnError() {
        #expect(throws: RosterErrors.self) { try Roster.parse("", file: "r.csv") }
        #expect(throws: RosterErrors.self) { try Roster.parse(Self.header, file: "r.csv") }
    }
}
