import Foundation

extension JSONValue {
    /// Compact UTF-8 JSON: object keys sorted (stable bytes for journals and tests), `/` and
    /// non-ASCII left unescaped, non-finite numbers written as `null`.
    public func jsonData() -> Data {
        var writer = JSONWriter()
        writer.write(self)
        return Data(writer.output.utf8)
    }

    /// ``jsonData()`` as a String.
    public var jsonString: String {
        var writer = JSONWriter()
        writer.write(self)
        return writer.output
    }

    /// An object with its members in the given order, nil values left out. For wire formats
    /// shown with a member order, and for hot paths: no JSONEncoder, no sorting.
    public static func objectData(_ members: [(String, JSONValue?)]) -> Data {
        var writer = JSONWriter()
        writer.writeObject(members)
        return Data(writer.output.utf8)
    }

    /// The JSON form of any Encodable (through JSONEncoder, so its key and date strategies apply).
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        self = try JSONValue.parse(encoder.encode(value))
    }
}

/// Serialises JSON text; members of an object can also be written in a chosen order.
struct JSONWriter {
    private(set) var output = ""

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += number.isFinite ? "\(number)" : "null"
        case .string(let text): writeString(text)
        case .array(let elements):
            output += "["
            for (position, element) in elements.enumerated() {
                if position > 0 { output += "," }
                write(element)
            }
            output += "]"
        case .object(let members):
            writeObject(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    /// Writes an object with members in the given order, leaving out nil values.
    mutating func writeObject(_ members: [(String, JSONValue?)]) {
        output += "{"
        var first = true
        for (key, value) in members {
            guard let value else { continue }
            if !first { output += "," }
            first = false
            writeString(key)
            output += ":"
            write(value)
        }
        output += "}"
    }

    private mutating func writeString(_ text: String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
