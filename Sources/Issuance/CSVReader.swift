/// RFC 4180 CSV: comma-separated fields, double quotes around fields that hold commas, quotes or
/// line breaks, `""` for a quote. Each record keeps the line it starts on, for error messages.
/// Read as UTF-8 bytes: every delimiter is ASCII, and no ASCII byte occurs inside a multi-byte
/// character, so a field's bytes are always whole characters.
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

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","),
        lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func records(_ text: String) throws(Failure) -> [Record] {
        let bytes = Array(text.utf8)
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var index = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == quote {
                    if index < bytes.count, bytes[index] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        quoted = false
                        afterQuote = true
                    }
                } else {
                    if byte == lineFeed { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case comma:
                endField()
                afterQuote = false
            case lineFeed, carriageReturn:
                if byte == carriageReturn, index < bytes.count, bytes[index] == lineFeed { index += 1 }
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            case quote where field.isEmpty && !afterQuote:
                quoted = true
            default:
                guard !afterQuote else {
                    throw Failure(line: line, column: fields.count + 1, message: "text after a closing quote")
                }
                field.append(byte)
            }
        }
        guard !quoted else {
            throw Failure(line: recordLine, column: fields.count + 1, message: "a quoted field is never closed")
        }
        endRecord()
        return records
    }
}
