/// Why some bytes between STX and ETX are not a FIAS record.
public enum FIASCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fewer than the two characters of a record type.
    case tooShort
    /// The text before the first `|` is not two characters from A–Z, 0–9 (shown escaped, at most 8 bytes).
    case badRecordType(String)
    /// A field does not start with two characters from A–Z, 0–9, `#`, `$`, `+` (shown escaped; "" for `||`).
    case badFieldID(String)

    public var description: String {
        switch self {
        case .tooShort: "record shorter than its two-character type"
        case .badRecordType(let text): "bad record type \"\(text)\""
        case .badFieldID(let text): text.isEmpty ? "empty field (\"||\")" : "bad field id \"\(text)\""
        }
    }
}
