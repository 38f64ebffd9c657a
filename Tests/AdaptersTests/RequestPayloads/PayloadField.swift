import Foundation
import Topics

/// One member of a request payload as the contract (docs/asyncapi.yaml) describes it: enough to write a
/// valid value, a wrong one, and the text the decoded field must come back as.
struct PayloadField: Sendable {
    enum Kind: Sendable {
        case string
        /// A string that must not be empty (RequestMeta's `transaction`).
        case nonEmptyString
        case bool
        /// RFC 3339 time; decoded to a Date.
        case time
        /// An integer, also accepted as a string of digits (OZLocks' LenientInt).
        case lenientInt
        case int
        case strings
        /// One of the raw values of a String enum.
        case choice([String])
    }

    let name: String
    let kind: Kind
    let required: Bool

    static func required(_ name: String, _ kind: Kind) -> PayloadField { .init(name: name, kind: kind, required: true) }
    static func optional(_ name: String, _ kind: Kind) -> PayloadField { .init(name: name, kind: kind, required: false) }

    /// A valid JSON value and the fingerprint text the decoded field must have (see PayloadFingerprint).
    func validValue(_ random: inout PayloadRandom) -> (json: JSONValue, text: String) {
        switch kind {
        case .string:
            let text = random.text()
            return (.string(text), text)
        case .nonEmptyString:
            let text = "t" + random.text()
            return (.string(text), text)
        case .bool:
            let flag = random.bool()
            return (.bool(flag), String(flag))
        case .time:
            let (text, seconds) = random.rfc3339()
            return (.string(text), "time:\(seconds)")
        case .lenientInt:
            let number = random.int(-1_000_000...1_000_000)
            return (random.bool() ? .int(Int64(number)) : .string(String(number)), String(number))
        case .int:
            let number = random.int(-1_000_000...1_000_000)
            return (.int(Int64(number)), String(number))
        case .strings:
            let texts = (0..<random.int(0...4)).map { _ in random.text() }
            return (.array(texts.map(JSONValue.string)), texts.joined(separator: PayloadFingerprint.separator))
        case .choice(let values):
            let value = values[random.int(0...(values.count - 1))]
            return (.string(value), value)
        }
    }

    /// Whether the decoder may take `value` for this field (so a failure on it is no finding).
    func accepts(_ value: JSONValue) -> Bool {
        if value.isNull { return !required }
        switch (kind, value) {
        case (.nonEmptyString, .string(let text)): return !text.isEmpty
        case (.string, .string), (.bool, .bool), (.int, .int), (.lenientInt, .int): return true
        case (.lenientInt, .string(let text)): return Int(text.trimmingCharacters(in: .whitespaces)) != nil
        case (.time, .string(let text)): return Timestamp.parseRFC3339(text) != nil
        case (.strings, .array(let elements)): return elements.allSatisfy { $0.stringValue != nil }
        case (.choice(let values), .string(let text)): return values.contains(text)
        case (.int, .double(let number)), (.lenientInt, .double(let number)): return Int(exactly: number) != nil
        default: return false
        }
    }
}
