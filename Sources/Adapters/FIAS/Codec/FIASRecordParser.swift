/// Reads and writes one record's bytes, the part between STX and ETX: `RID|FIDvalue|FIDvalue|…|`.
public enum FIASRecordParser {
    /// The record in `bytes`; values are kept verbatim (never trimmed), unknown ids kept in order.
    /// A missing final `|` is tolerated: the vendor's own KZ example ends without one.
    public static func parse(_ bytes: some Collection<UInt8>, codePage: FIASCodePage) throws(FIASCodecError)
        -> FIASRecord
    {
        let bytes = Array(bytes)
        guard bytes.count >= 2 else { throw .tooShort }
        let typeEnd = bytes.firstIndex(of: FIASSyntax.separator) ?? bytes.count
        guard typeEnd == 2, FIASSyntax.isRecordTypeByte(bytes[0]), FIASSyntax.isRecordTypeByte(bytes[1]) else {
            throw .badRecordType(FIASSyntax.escaped(bytes[..<min(typeEnd, 8)]))
        }
        var fields: [FIASField] = []
        var start = typeEnd + 1
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: FIASSyntax.separator) ?? bytes.count
            let field = bytes[start..<end]
            guard field.count >= 2, FIASSyntax.isFieldIDByte(field[start]), FIASSyntax.isFieldIDByte(field[start + 1])
            else {
                throw .badFieldID(FIASSyntax.escaped(field.prefix(2)))
            }
            fields.append(
                FIASField(id: codePage.decode(field.prefix(2)), value: codePage.decode(field.dropFirst(2))))
            start = end + 1
        }
        return FIASRecord(type: codePage.decode(bytes[..<2]), fields: fields)
    }

    /// What can be read of a record `parse` refused: its type (nil when even that is unreadable)
    /// and every well-formed field, the others skipped.
    public static func salvage(_ bytes: some Collection<UInt8>, codePage: FIASCodePage) -> FIASRecord? {
        let bytes = Array(bytes)
        guard bytes.count >= 2, FIASSyntax.isRecordTypeByte(bytes[0]), FIASSyntax.isRecordTypeByte(bytes[1]),
            bytes.count == 2 || bytes[2] == FIASSyntax.separator
        else { return nil }
        var fields: [FIASField] = []
        var start = 3
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: FIASSyntax.separator) ?? bytes.count
            let field = bytes[start..<end]
            if field.count >= 2, FIASSyntax.isFieldIDByte(field[start]), FIASSyntax.isFieldIDByte(field[start + 1]) {
                fields.append(FIASField(id: codePage.decode(field.prefix(2)), value: codePage.decode(field.dropFirst(2))))
            }
            start = end + 1
        }
        return FIASRecord(type: codePage.decode(bytes[..<2]), fields: fields)
    }

    /// The record's bytes without STX/ETX, every field closed by `|`. A `|` or control character in
    /// the type, an id or a value is written as "?": text must never split or end a frame.
    public static func serialize(_ record: FIASRecord, codePage: FIASCodePage) -> [UInt8] {
        var bytes: [UInt8] = []
        func append(_ text: String) {
            for byte in codePage.encode(text) {
                bytes.append(FIASSyntax.breaksFraming(byte) ? FIASSyntax.replacement : byte)
            }
        }
        append(record.type)
        bytes.append(FIASSyntax.separator)
        for field in record.fields {
            append(field.id)
            append(field.value)
            bytes.append(FIASSyntax.separator)
        }
        return bytes
    }
}
