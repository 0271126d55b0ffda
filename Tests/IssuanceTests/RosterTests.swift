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

    @Test func quotedFieldsMayHoldCommasAndQuotesButNoLineBreak() throws {
        let text = "\u{FEFF}" + Self.header + "jdoe,\"Doe, \"\"Jo\"\" Junior\",jo@example.org,EN,App,,\n"
        let entries = try Roster.parse(text, file: "r.csv")
        #expect(entries.first?.displayName == "Doe, \"Jo\" Junior")
        #expect(entries.first?.language == .en)
        #expect(throws: RosterErrors.self) {
            try Roster.parse(Self.header + "jdoe,\"Doe\nJunior\",jo@example.org,en,app,,\n", file: "r.csv")
        }
    }

    /// Records end at LF, CRLF or a lone CR; a line break inside quotes counts as a line, so a
    /// problem further down is named at the line an editor shows.
    @Test func everyLineEndingEndsARecordAndLinesAreCountedInsideQuotes() {
        let text =
            "username,display_name,email,language,method,address\r\n"
            + "a,A,a@x.org,fr,app,\"Rue du Lac 1\r\n1000 Lausanne\"\rb,B,b@x.org,de,app,\"x\ny\"\n"
            + "c,C,c@x.org,xx,app,\n"
        #expect {
            try Roster.parse(text, file: "r.csv")
        } throws: { error in
            (error as? RosterErrors)?.errors.map(\.description)
                == ["r.csv:6:4: language \"xx\" is not one of fr, de, it, en"]
        }
    }

    /// Delimiters are the ASCII comma, quote and line breaks, whatever follows them: a combining
    /// accent after a comma belongs to the next field, and letters outside ASCII pass unchanged.
    @Test func delimitersAreASCIIWhateverCharacterFollows() throws {
        let text = Self.header + "ab,\u{301}Zoë \u{1F511},ab@x.org,fr,app,,\n"
        let entries = try Roster.parse(text, file: "r.csv")
        #expect(entries.map(\.displayName) == ["\u{301}Zoë \u{1F511}"])
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
                "staff.csv:3:1: username \"bad user\" must start with a letter or digit and hold only ASCII letters, digits, dots, dashes, underscores and @",
                "staff.csv:4:3: \"not-an-address\" is not an e-mail address (name@domain.example)",
                "staff.csv:4:4: language \"xx\" is not one of fr, de, it, en",
                "staff.csv:4:5: method \"sms\" is not app or token",
                "staff.csv:5:6: an app profile is for method app, not token",
                "staff.csv:6:7: a token serial is for method token, not app",
                "staff.csv:7:1: username ok is already on line 2 (usernames must differ by more than case)",
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

    /// Rows that every later step (file names, labels, exports) could not carry, each refused at
    /// its line and column before anything is issued.
    @Test(arguments: [
        ("a\u{01}b,A,a@example.org,fr,app,,", "2:1", "U+0001"),
        ("ab,A\u{7F},a@example.org,fr,app,,", "2:2", "U+007F"),
        ("ab,A,a\u{1B}[2J@example.org,fr,app,,", "2:3", "U+001B"),
        ("a\u{0}b,A,a@example.org,fr,app,,", "2:1", "U+0000"),
        ("#ab,A,a@example.org,fr,app,,", "2:1", "must start with a letter or digit"),
        ("=1+1,A,a@example.org,fr,app,,", "2:1", "must start with a letter or digit"),
        (String(repeating: "u", count: 300) + ",A,a@example.org,fr,app,,", "2:1", "at most 64"),
        ("ab,A,a:b@example.org,fr,app,,", "2:3", "holds \":\""),
        ("ab,A,a@localhost,fr,app,,", "2:3", "not an e-mail address"),
        ("ab,=HYPERLINK(1),a@example.org,fr,app,,", "2:2", "formula"),
        ("ab,A,a@example.org,fr,token,,TF 01", "2:7", "token serial"),
    ])
    func aRowNoExportCanCarryIsRefusedWhereItIs(row: String, place: String, message: String) {
        #expect {
            try Roster.parse(Self.header + row + "\n", file: "r.csv")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("r.csv:\(place): ") && text.contains(message)
        }
    }

    @Test func twoUsersForOneTokenAreRefusedAndSharedEmailsWarned() throws {
        #expect {
            try Roster.parse(
                Self.header + "a,A,a@example.org,fr,token,,TF01\nb,B,b@example.org,fr,token,,TF01\n", file: "r.csv")
        } throws: { error in
            "\(error)" == "r.csv:3:7: token TF01 is already given to the user on line 2: one token per user"
        }
        let entries = try Roster.parse(
            Self.header + "a,A,same@example.org,fr,app,,\nb,B,Same@example.org,fr,app,,\n", file: "r.csv")
        #expect(Roster.warnings(entries, file: "r.csv") == ["r.csv: warning: a, b share the e-mail address same@example.org"])
    }

    @Test func aHugeBadRosterPrintsABoundedReport() {
        let rows = (0..<5_000).map { "bad user \($0),A,a@example.org,fr,app,," }.joined(separator: "\n")
        #expect {
            try Roster.parse(Self.header + rows + "\n", file: "r.csv")
        } throws: { error in
            let lines = "\(error)".split(separator: "\n")
            return lines.count == RosterErrors.printedLimit + 1 && lines.last == "… and 4950 more problems"
        }
    }
}
