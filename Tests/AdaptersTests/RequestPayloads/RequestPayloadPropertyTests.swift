import Foundation
import PropertyBased
import Testing
import Topics

/// Property checks of every MQTT payload the bridge decodes (RequestPayloadCatalog): random and damaged
/// JSON decodes to a value or to `invalid-request` naming the field, never to a crash or another error;
/// valid payloads come back field for field. `PAYLOAD_PROPERTY_COUNT` raises the inputs per property and
/// type (make test: 200; make fuzz: 5,000). A failure prints a `.fixedSeed(…)` that replays it.
@Suite struct RequestPayloadPropertyTests {
    static let count = ProcessInfo.processInfo.environment["PAYLOAD_PROPERTY_COUNT"].flatMap { Int($0) } ?? 200

    @Test(arguments: RequestPayloadCatalog.all)
    func validPayloadsComeBackFieldForField(payload: RequestPayload) async throws {
        let input = PayloadRandom.generator { random in
            var (members, expected) = payload.valid(&random)
            // Members the contract does not list are ignored.
            members["x-" + random.text()] = random.json()
            return (JSONValue.object(members), expected)
        }
        await propertyCheck(count: Self.count, input: input) { value, expected in
            #expect(Result { () throws(GatehouseError) in try payload.decodeValue(value) } == .success(expected))
            #expect(Result { () throws(GatehouseError) in try payload.decodeData(value.jsonData()) } == .success(expected))
        }
    }

    @Test(arguments: RequestPayloadCatalog.all)
    func aMissingMemberIsNamedWhenRequired(payload: RequestPayload) async throws {
        let input = PayloadRandom.generator { random in
            let (members, field) = Self.validWithOneField(payload, &random, replacedBy: nil)
            return (JSONValue.object(members), field.name, field.required)
        }
        await propertyCheck(count: Self.count, input: input) { value, name, required in
            let outcome = Result { () throws(GatehouseError) in try payload.decodeValue(value) }
            if required {
                #expect(outcome.failure == .invalidRequest(field: name, problem: "missing"))
            } else {
                #expect(outcome.failure == nil)
            }
        }
    }

    /// The decoder takes exactly the values the contract allows for the member, and names it when it refuses.
    @Test(arguments: RequestPayloadCatalog.all)
    func aReplacedMemberIsTakenOrNamed(payload: RequestPayload) async throws {
        let input = PayloadRandom.generator { random in
            let replacement = random.bool() ? random.json() : .string(random.nearMiss())
            let (members, field) = Self.validWithOneField(payload, &random, replacedBy: replacement)
            return (JSONValue.object(members), field, replacement)
        }
        await propertyCheck(count: Self.count, input: input) { value, field, replacement in
            let outcome = Result { () throws(GatehouseError) in try payload.decodeValue(value) }
            if field.accepts(replacement) {
                #expect(outcome.failure == nil, "\(field.name) = \(replacement.jsonString) refused")
            } else {
                let error = try #require(outcome.failure, "\(field.name) = \(replacement.jsonString) taken")
                #expect(error.code == .invalidRequest)
                #expect(Self.namedField(error.message) == field.name, "\(error.message)")
            }
        }
    }

    @Test(arguments: RequestPayloadCatalog.all)
    func randomValuesDecodeOrNameAField(payload: RequestPayload) async throws {
        let names = payload.fields.map(\.name)
        let input = PayloadRandom.generator { random in
            return random.bool() ? random.json(names: names) : .object(random.json(names: names).objectValue ?? [:])
        }
        await propertyCheck(count: Self.count, input: input) { value in
            let outcome = Result { () throws(GatehouseError) in try payload.decodeValue(value) }
            guard let error = outcome.failure else { return }
            #expect(error.code == .invalidRequest)
            if case .object = value {
                #expect(Self.namedField(error.message).map(names.contains) == true, "\(error.message)")
            } else {
                #expect(error.message == "top level must be an object, got \(value.kindName)")
            }
        }
    }

    @Test(arguments: RequestPayloadCatalog.all)
    func damagedTextDecodesOrIsInvalidRequest(payload: RequestPayload) async throws {
        let input = PayloadRandom.generator { random in
            let text = Array(JSONValue.object(payload.valid(&random).payload).jsonData())
            return Data(random.damaged(text))
        }
        await propertyCheck(count: Self.count, input: input) { data in
            let outcome = Result { () throws(GatehouseError) in try payload.decodeData(data) }
            #expect(outcome.failure.map(\.code) ?? .invalidRequest == .invalidRequest)
        }
    }

    /// A valid payload with one of its members (picked at random) set to `value`, or removed for nil.
    static func validWithOneField(_ payload: RequestPayload, _ random: inout PayloadRandom, replacedBy value: JSONValue?)
        -> ([String: JSONValue], PayloadField)
    {
        var members = payload.valid(&random).payload
        let field = random.pick(payload.fields)
        members.removeValue(forKey: field.name)
        if let value { members[field.name] = value }
        return (members, field)
    }

    /// `field 'zones[2]': …` → `zones`: the top-level member an invalid-request names, if it names one.
    static func namedField(_ message: String) -> String? {
        guard message.hasPrefix("field '") else { return nil }
        return String(message.dropFirst("field '".count).prefix { $0 != "'" && $0 != "." && $0 != "[" })
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { error } else { nil }
    }
}
