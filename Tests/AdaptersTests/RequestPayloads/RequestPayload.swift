import Foundation
import Topics

/// A payload type the bridge decodes from MQTT, with its fields as the contract gives them.
struct RequestPayload: Sendable, CustomStringConvertible {
    let name: String
    let fields: [PayloadField]
    /// RequestDecoder on a parsed payload, as RequestContext.decode and VankeIntake call it.
    let decodeValue: @Sendable (JSONValue) throws(GatehouseError) -> [String: String]
    /// RequestDecoder on the raw MQTT bytes.
    let decodeData: @Sendable (Data) throws(GatehouseError) -> [String: String]

    var description: String { name }

    static func of<T: Decodable & SendableMetatype>(_ type: T.Type, _ fields: [PayloadField]) -> RequestPayload {
        RequestPayload(
            name: String(describing: type), fields: fields,
            decodeValue: { value throws(GatehouseError) in PayloadFingerprint.of(try RequestDecoder.decode(type, from: value)) },
            decodeData: { data throws(GatehouseError) in PayloadFingerprint.of(try RequestDecoder.decode(type, from: data)) })
    }

    /// A valid payload (members in the contract, optional ones present, null or absent) and the
    /// fingerprint its decoded value must have.
    func valid(_ random: inout PayloadRandom) -> (payload: [String: JSONValue], expected: [String: String]) {
        var payload: [String: JSONValue] = [:]
        var expected: [String: String] = [:]
        for field in fields {
            if !field.required {
                switch random.int(0...3) {
                case 0: continue
                case 1:
                    payload[field.name] = .null
                    continue
                default: break
                }
            }
            let (json, text) = field.validValue(&random)
            payload[field.name] = json
            expected[field.name] = text
        }
        return (payload, expected)
    }
}
