/// RFC 4180 CSV: comma-separated fields, double quotes around fields that hold commas, quotes or
/// line breaks, `""` for a quote. Each record keeps the line it starts on, for error messages.
struct CSVReader {
    struct Record {
        let line: Int
        let fields: [String]
    }

    struct Failure: Error {
        let line: Int
        let column: Int
        let message: String
    }

    static func records(_ text: String) throws(Failure) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var characters = Array(text)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
        }
        while index < characters.count {
            let character = characters[index]
            index += 1
            if quoted {
                if character == "\"" {
                    if index < characters.count, characters[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            case "\"" where field.isEmpty && !afterQuote:
                quoted = true
            default:
                guard !afterQuote else {
                    throw Failure(line: line, column: fields.count + 1, message: "text after a closing quote")
                }
                field.append(character)
            }
        }
        guard !quoted else {
            throw Failure(line: recordLine, column: fields.count + 1, message: "a quoted field is never closed")
        }
        endRecord()
        return records
    }
}
