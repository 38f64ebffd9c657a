import Foundation

/// A JSON answer as the simulator writes it; objects keep their member order, as in the spec's examples.
enum OFDJSON: Sendable {
    case bool(Bool)
    case string(String)
    case array([OFDJSON])
    case object([(String, OFDJSON)])

    /// Optional date members in UTC (or Moscow time when `local`): the operator leaves out what it does not know.
    static func members(_ pairs: [(String, Date?)], local: Bool = false) -> [(String, OFDJSON)] {
        let format = local ? OFDDateFormat.localString(from:) : OFDDateFormat.string(from:)
        return pairs.compactMap { key, date in date.map { (key, .string(format($0))) } }
    }

    func serialized() -> Data {
        var out = ""
        write(to: &out)
        return Data(out.utf8)
    }

    private func write(to out: inout String) {
        switch self {
        case .bool(let value): out += value ? "true" : "false"
        case .string(let value): SimulatorJSONText.quote(value, into: &out)
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
