import Foundation

/// Decodes request payloads, turning every failure into an `invalid-request` that names the field
/// (`field 'zones[2]': expected string, got number`).
public enum RequestDecoder {
    /// Decodes a request from its MQTT payload (a JSON object; an empty payload counts as `{}`).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(GatehouseError) -> T {
        try decode(type, from: payload(data))
    }

    /// Decodes a request from an already parsed payload, which must be an object.
    public static func decode<T: Decodable>(_ type: T.Type, from payload: JSONValue) throws(GatehouseError) -> T {
        guard case .object = payload else {
            throw .invalidRequest("top level must be an object, got \(payload.kindName)")
        }
        do {
            return try JSONValueDecoder.unbox(type, from: payload, at: [])
        } catch let error as GatehouseError {
            throw error
        } catch let error as DecodingError {
            throw describe(error, in: payload)
        } catch {
            throw .invalidRequest(String(describing: error))
        }
    }

    /// The payload parsed and checked to be a JSON object, so it can be decoded several times
    /// (``RequestMeta`` and the operation's fields) without parsing twice.
    public static func payload(_ data: Data) throws(GatehouseError) -> JSONValue {
        // `mosquitto_pub -n` and many dashboards send nothing for a request without fields.
        if data.isEmpty { return .object([:]) }
        let value: JSONValue
        do {
            value = try JSONValue.parse(data)
        } catch {
            throw .invalidRequest(error.description)
        }
        guard case .object = value else {
            throw .invalidRequest("top level must be an object, got \(value.kindName)")
        }
        return value
    }

    /// `checkIn`, `guest.name`, `zones[2]`.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = arrayIndex(key) {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    private static func describe(_ error: DecodingError, in payload: JSONValue) -> GatehouseError {
        let path: [any CodingKey]
        let problem: String
        switch error {
        case .keyNotFound(let key, let context):
            path = context.codingPath + [key]
            problem = "missing"
        case .valueNotFound(_, let context), .typeMismatch(_, let context), .dataCorrupted(let context):
            path = context.codingPath
            problem = readable(context.debugDescription, value: lookup(path, in: payload))
        @unknown default:
            return .invalidRequest(String(describing: error))
        }
        return path.isEmpty ? .invalidRequest(problem) : .invalidRequest(field: fieldPath(path), problem: problem)
    }

    /// Swift's own RawRepresentable decoding says "Cannot initialize Series from invalid String
    /// value Z", which names a Swift type; users need the value they sent.
    private static func readable(_ description: String, value: JSONValue?) -> String {
        if description.hasPrefix("Cannot initialize"), let value {
            return "unexpected value \(value.jsonString)"
        }
        return description.isEmpty ? "invalid value" : description
    }

    private static func lookup(_ path: [any CodingKey], in payload: JSONValue) -> JSONValue? {
        var value: JSONValue? = payload
        for key in path {
            if let index = arrayIndex(key) {
                value = value?[index]
            } else {
                value = value?[key.stringValue]
            }
        }
        return value
    }

    private static func arrayIndex(_ key: any CodingKey) -> Int? {
        guard let index = key.intValue, key.stringValue == "Index \(index)" else { return nil }
        return index
    }
}
