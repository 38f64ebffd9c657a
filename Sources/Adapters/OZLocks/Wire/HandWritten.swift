import Foundation
import Topics

// The hot calls skip Foundation's coders: ReadState is polled for every WR lock and is what the
// facade answers most, and JSONEncoder/JSONDecoder were about 5 % of the bridge's CPU on it
// (docs/performance.md, "The facade's floor"). The Codable conformances stay for the rest.

/// A request body written with Topics' writer, in the spec's member order.
protocol HandWrittenBody: Encodable {
    var jsonBody: Data { get }
}

/// An answer read from Topics' parser, as leniently as its Decodable form.
protocol HandReadAnswer: Decodable {
    init(json: JSONValue) throws(WireMismatch)
}

/// A member of a vendor answer that is missing or of a type even lenient decoding refuses.
struct WireMismatch: Error, CustomStringConvertible {
    let member: String
    let problem: String
    var description: String { "\(member): \(problem)" }

    /// The members of an object answer.
    static func members(_ json: JSONValue) throws(WireMismatch) -> [String: JSONValue] {
        guard case .object(let members) = json else { throw WireMismatch(member: "answer", problem: "not an object") }
        return members
    }

    static func required<T>(_ name: String, _ members: [String: JSONValue], _ read: (JSONValue) -> T?) throws(WireMismatch) -> T {
        guard let value = members[name], value != .null else { throw WireMismatch(member: name, problem: "missing") }
        guard let read = read(value) else { throw WireMismatch(member: name, problem: "wrong type") }
        return read
    }

    /// Absent and null are nil; a present value of the wrong type is an error, as in Decodable.
    static func optional<T>(_ name: String, _ members: [String: JSONValue], _ read: (JSONValue) -> T?) throws(WireMismatch) -> T? {
        guard let value = members[name], value != .null else { return nil }
        guard let read = read(value) else { throw WireMismatch(member: name, problem: "wrong type") }
        return read
    }
}

extension LenientString {
    init?(json: JSONValue) {
        switch json {
        case .string(let text): self.init(text)
        case .int(let number): self.init(String(number))
        case .double(let number): self.init(String(number))
        default: return nil
        }
    }
}

extension LenientBool {
    init?(json: JSONValue) {
        switch json {
        case .bool(let flag): self.init(flag)
        case .int(let number): self.init(number != 0)
        case .double(let number) where number == number.rounded(): self.init(number != 0)
        case .string(let text) where ["true", "false", "1", "0"].contains(text.lowercased()):
            self.init(text.lowercased() == "true" || text == "1")
        default: return nil
        }
    }
}

extension OZLocksWire.RoomAtWorkstation: HandWrittenBody {
    var jsonBody: Data { JSONValue.objectData([("Room", .string(Room)), ("WorkstationID", .string(WorkstationID))]) }
}

extension OZLocksWire.ReadStateAnswer: HandReadAnswer {
    init(json: JSONValue) throws(WireMismatch) {
        let members = try WireMismatch.members(json)
        self.init(
            Room: try WireMismatch.required("Room", members, LenientString.init(json:)),
            Opened: try WireMismatch.optional("Opened", members, LenientBool.init(json:)),
            LowCharge: try WireMismatch.optional("LowCharge", members, LenientBool.init(json:)),
            WorkstationID: try WireMismatch.optional("WorkstationID", members, LenientString.init(json:)))
    }
}

extension OZLocksWire.RoomAnswer: HandReadAnswer {
    init(json: JSONValue) throws(WireMismatch) {
        let members = try WireMismatch.members(json)
        self.init(
            Room: try WireMismatch.optional("Room", members, LenientString.init(json:)),
            WorkstationID: try WireMismatch.optional("WorkstationID", members, LenientString.init(json:)))
    }
}
