import Foundation

/// The payload of every `…/response/<op>`:
/// `{"status":"ok","data":{…},"transaction":"t-17"}` or `{"status":"error","error":{…},…}`.
public struct ResponseEnvelope: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable {
        case ok, error
    }

    public var status: Status
    /// The operation's result; absent for operations without one.
    public var data: JSONValue?
    public var error: GatehouseError?
    /// Echo of the request's `transaction`.
    public var transaction: String?

    /// A response with every field given.
    public init(status: Status, data: JSONValue? = nil, error: GatehouseError? = nil, transaction: String? = nil) {
        self.status = status
        self.data = data
        self.error = error
        self.transaction = transaction
    }

    /// A success carrying `data`.
    public static func ok(_ data: JSONValue?, transaction: String? = nil) -> ResponseEnvelope {
        ResponseEnvelope(status: .ok, data: data, transaction: transaction)
    }

    /// A success carrying an Encodable result; an unencodable result becomes an `internal` failure.
    public static func ok(encoding result: some Encodable, transaction: String? = nil) -> ResponseEnvelope {
        do {
            return .ok(try JSONValue(encoding: result), transaction: transaction)
        } catch {
            return .failure(.internal("could not encode the result: \(error)"), transaction: transaction)
        }
    }

    /// A failure.
    public static func failure(_ error: GatehouseError, transaction: String? = nil) -> ResponseEnvelope {
        ResponseEnvelope(status: .error, error: error, transaction: transaction)
    }

    /// Compact JSON in the documented member order (status, data, error, transaction), absent
    /// members left out, slashes and non-ASCII unescaped.
    public func encoded() -> Data {
        var writer = JSONWriter()
        writer.writeObject([
            ("status", .string(status.rawValue)),
            ("data", data),
            ("error", error.map(Self.json)),
            ("transaction", transaction.map(JSONValue.string)),
        ])
        return Data(writer.output.utf8)
    }

    /// Decodes a response payload (for clients of request topics: the facade, the bench, tests).
    public static func decode(_ payload: Data) throws -> ResponseEnvelope {
        try JSONValueDecoder.unbox(ResponseEnvelope.self, from: JSONValue.parse(payload), at: [])
    }

    private static func json(_ error: GatehouseError) -> JSONValue {
        var members: [String: JSONValue] = ["code": .string(error.code.rawValue), "message": .string(error.message)]
        if let vendor = error.vendor {
            members["vendor"] = ["code": .string(vendor.code), "message": .string(vendor.message)]
        }
        if let inDoubt = error.inDoubt { members["inDoubt"] = .bool(inDoubt) }
        return .object(members)
    }
}
