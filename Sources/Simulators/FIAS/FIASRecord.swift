/// A FIAS record's text, `RID|FIDvalue|FIDvalue|…|`, split into its type and fields.
///
/// Field order carries no meaning and values stay as written (leading zeros and spaces count).
struct FIASRecord: Sendable, Equatable {
    /// The record as received or sent, without STX/ETX.
    let text: String
    /// The two-character record id (`KR`, `LS`, …); whatever precedes the first `|`.
    let type: String
    /// Field id → value; when an id repeats, its first value counts.
    let values: [String: String]

    init(_ text: String) {
        self.text = text
        let pieces = text.split(separator: "|", omittingEmptySubsequences: false)
        type = String(pieces.first ?? "")
        var values = [String: String]()
        for piece in pieces.dropFirst() where piece.count >= 2 {
            let id = String(piece.prefix(2))
            if values[id] == nil { values[id] = String(piece.dropFirst(2)) }
        }
        self.values = values
    }

    /// A link record (LS, LD, LR, LA, LE…) rather than data.
    var isLinkRecord: Bool { type.hasPrefix("L") }

    /// The fields plus `_raw`, the record's text: what the waiting API hands out.
    var answer: [String: String] { values.merging(["_raw": text]) { _, raw in raw } }
}
