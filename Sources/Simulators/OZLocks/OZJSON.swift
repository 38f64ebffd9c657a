import Foundation

/// A JSON value as the simulator reads and writes it; objects keep their member order for output.
enum OZJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([OZJSON])
    case object([(String, OZJSON)])

    static func == (lhs: OZJSON, rhs: OZJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.double(let a), .double(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// The member named `key` of an object (nil for other values or a missing key).
    subscript(key: String) -> OZJSON? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// Parses a request body. The spec's own examples end objects with a trailing comma (and a real
    /// PMS copied from them may too), so commas before `}`/`]` are dropped first; nothing else is relaxed.
    static func parse(_ data: Data) throws -> OZJSON {
        try JSONDecoder().decode(OZJSON.self, from: withoutTrailingCommas(data))
    }

    /// Serialises compactly; `trailingCommas` imitates the spec's examples (a comma after the last member).
    func serialized(trailingCommas: Bool = false) -> Data {
        var out = ""
        write(to: &out, trailingCommas: trailingCommas)
        return Data(out.utf8)
    }

    private func write(to out: inout String, trailingCommas: Bool) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .double(let value): out += String(value)
        case .string(let value): SimulatorJSONText.quote(value, into: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out, trailingCommas: trailingCommas)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                SimulatorJSONText.quote(key, into: &out)
                out += ":"
                value.write(to: &out, trailingCommas: trailingCommas)
            }
            if trailingCommas && !members.isEmpty { out += "," }
            out += "}"
        }
    }

    /// Drops each `,` whose next non-blank byte is `}` or `]`, outside string literals.
    static func withoutTrailingCommas(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var inString = false
        var escaped = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: ",") {
                var next = index + 1
                while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "}") || bytes[next] == UInt8(ascii: "]") {
                    index += 1
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return Data(out)
    }
}

extension OZJSON: Decodable {
    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: Key.self) {
            self = .object(try object.allKeys.map { ($0.stringValue, try object.decode(OZJSON.self, forKey: $0)) })
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [OZJSON] = []
            while !array.isAtEnd { items.append(try array.decode(OZJSON.self)) }
            self = .array(items)
        } else {
            let single = try decoder.singleValueContainer()
            // Bool before numbers, Int before Double: JSONDecoder keeps `true` and `1` apart this way.
            if single.decodeNil() {
                self = .null
            } else if let value = try? single.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? single.decode(Int.self) {
                self = .int(value)
            } else if let value = try? single.decode(Double.self) {
                self = .double(value)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }
}
