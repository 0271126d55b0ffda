/// Text from outside (labels from QR codes, links, URIs and tokens; file names) made safe to
/// print: control characters, and the marks that reorder text, shown as `\u{1B}`-style escapes,
/// so a label cannot clear the screen, move the cursor or fake a line of output.
public enum PrintableText {
    /// `text` with every control character (C0, DEL, C1), line and paragraph separator and
    /// bidirectional override escaped; a backslash is doubled so escapes stay unambiguous.
    public static func escaped(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if needsEscape(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A message for standard error: like `escaped`, but line breaks and tabs the message itself
    /// holds are kept, and backslashes are left as they are.
    public static func message(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar != "\n", scalar != "\t", needsEscape(scalar) {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x2028, 0x2029: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: true
        default: false
        }
    }
}
