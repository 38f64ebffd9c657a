import Foundation

/// A JSON value both ways: decoded from a request or answer, written for an answer or a call.
/// Objects keep their member order when written; decoded ones come sorted by name.
enum VankeJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case number(Double)
    case string(String)
    case array([VankeJSON])
    case object([(String, VankeJSON)])
    /// JSON text written as is (a caller's raw member); never produced by decoding.
    case raw(String)

    static func == (lhs: VankeJSON, rhs: VankeJSON) -> Bool { lhs.serialized() == rhs.serialized() }

    /// The value as a push records it: strings unquoted, everything else as compact JSON.
    var text: String {
        if case .string(let value) = self { return value }
        return String(decoding: serialized(), as: UTF8.self)
    }

    func serialized() -> Data {
        var out = ""
        write(to: &out)
        return Data(out.utf8)
    }

    private func write(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .int(let value): out += String(value)
        case .number(let value): out += value.isFinite ? "\(value)" : "null"
        case .string(let value): SimulatorJSONText.quote(value, into: &out)
        case .raw(let text): out += text
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out += "," }
                SimulatorJSONText.quote(key, into: &out)
                out += ":"
                value.write(to: &out)
            }
            out += "}"
        }
    }
}

extension VankeJSON: Decodable {
    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            self = .object(try object.allKeys.map { ($0.stringValue, try object.decode(VankeJSON.self, forKey: $0)) }
                .sorted { $0.0 < $1.0 })
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var items: [VankeJSON] = []
            while !array.isAtEnd { items.append(try array.decode(VankeJSON.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        // Bool before the numbers, Int before Double: 80 is an integer, 80.5 is not.
        if single.decodeNil() { self = .null }
        else if let value = try? single.decode(Bool.self) { self = .bool(value) }
        else if let value = try? single.decode(Int.self) { self = .int(value) }
        else if let value = try? single.decode(Double.self) { self = .number(value) }
        else { self = .string(try single.decode(String.self)) }
    }

    private struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
