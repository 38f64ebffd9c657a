import Topics

extension PayloadRandom {
    /// Any JSON value, nested at most `depth` deep; object keys are often the payload's own member names so
    /// that random objects reach the fields' decoders, not only "missing".
    mutating func json(depth: Int = 3, names: [String] = []) -> JSONValue {
        switch int(0...(depth > 0 ? 9 : 7)) {
        case 0: return .null
        case 1: return .bool(bool())
        case 2: return .int(pick([0, 1, -1, 12, Int64.max, Int64.min, Int64(int(-99999...99999))]))
        case 3: return .double(pick([0.5, -0.0, 3.0, 1e300, -2.5e-300, 12.0, 9.2233720368547758e18]))
        case 4, 5: return .string(nearMiss())
        case 6: return .string(text())
        case 7: return .string(rfc3339().text)
        case 8: return .array((0..<int(0...3)).map { _ in json(depth: depth - 1, names: names) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<int(0...4) {
                let key = !names.isEmpty && bool() ? pick(names) : text()
                members[key] = json(depth: depth - 1, names: names)
            }
            return .object(members)
        }
    }

    /// Strings next to what some field accepts: numbers with blanks or signs, broken times, enum-like words.
    mutating func nearMiss() -> String {
        pick([
            "", " ", "12", " 12 ", "+7", "-0", "12a", "1e3", "0x10", "true", "1", "null", "normal", "force", "vacant",
            "online", "blue", "always-open", "2025-09-04T15:21:00+03:00", "2025-02-30T00:00:00Z", "2025-09-04 15:21:00Z",
            "2025-09-04T24:00:00Z", "2025-09-04T15:21:00.5z", "2025-09-04T15:21:60-00:00", "04.09.2025 15:21",
            "99999999999999999999",
        ])
    }

    /// The bytes of `text` with one slip: a byte changed, dropped, doubled or cut off there.
    mutating func damaged(_ text: [UInt8]) -> [UInt8] {
        guard !text.isEmpty else { return [pick([0x7B, 0x22, 0xFF, 0x00])] }
        var bytes = text
        let at = int(0...(bytes.count - 1))
        switch int(0...4) {
        case 0: bytes[at] = pick([0x22, 0x5C, 0x7D, 0x5D, 0x2C, 0x3A, 0x00, 0xC3, 0xFF, UInt8(int(0...255))])
        case 1: bytes.remove(at: at)
        case 2: bytes.insert(bytes[at], at: at)
        case 3: bytes.removeSubrange(at...)
        default: bytes.insert(contentsOf: bytes[at...].prefix(int(1...8)), at: at)
        }
        return bytes
    }
}
