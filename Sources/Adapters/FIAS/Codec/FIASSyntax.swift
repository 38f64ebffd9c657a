/// Bytes and character classes of FIAS framing and record syntax (FIAS-NOTES.md, "Framing").
enum FIASSyntax {
    static let stx: UInt8 = 0x02
    static let etx: UInt8 = 0x03
    static let separator: UInt8 = 0x7C  // "|"
    static let replacement: UInt8 = 0x3F  // "?"

    /// Record types are two of A–Z, 0–9.
    static func isRecordTypeByte(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
    }

    /// Field ids are two of A–Z, 0–9, `#`, `$`, `+` (`$2` is the card UID; the vendor spec's markdown
    /// writes it `\$2`, an escape, not part of the id).
    static func isFieldIDByte(_ byte: UInt8) -> Bool {
        isRecordTypeByte(byte) || byte == 0x23 || byte == 0x24 || byte == 0x2B
    }

    /// Bytes that would end a value or a frame early if written inside one: `|` and control characters.
    static func breaksFraming(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x7F || byte == separator
    }

    /// Bytes for error messages: printable ASCII as is, anything else as `\xNN`.
    static func escaped(_ bytes: some Collection<UInt8>) -> String {
        var text = ""
        for byte in bytes {
            if (0x20..<0x7F).contains(byte) && byte != 0x5C && byte != 0x22 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                text += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return text
    }
}
