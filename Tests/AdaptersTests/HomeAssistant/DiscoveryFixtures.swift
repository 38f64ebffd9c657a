import Bridge
import Foundation
import Testing
import TestSupport
import Topics

/// Reading discovery configs off a real broker.
struct DiscoveryReader {
    let collector: MessageCollector
    let prefix: String
    let instance: String

    static func start(for config: GatehouseConfig) async throws -> DiscoveryReader {
        let collector = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(config.homeAssistant.prefix)/#"])
        return DiscoveryReader(collector: collector, prefix: config.homeAssistant.prefix, instance: config.instance)
    }

    func topic(_ kind: String, _ id: String) -> String {
        HomeAssistantTopics(prefix: prefix).deviceConfig(instance: instance, kind: kind, id: id)
    }

    /// The next config published for the device after `mark` (retained ones count: they arrive on subscribe).
    func config(_ kind: String, _ id: String, after mark: Int = 0) async throws -> JSONValue {
        try JSONValue.parse(try await collector.next(on: topic(kind, id), after: mark, timeout: .seconds(10)).payload)
    }

    /// How many messages the device's topic has had so far: pass it to `withdrawal(…since:)`.
    func count(_ kind: String, _ id: String) -> Int { collector.received(on: topic(kind, id)).count }

    /// Waits for the empty retained payload that withdraws the device, among the messages after
    /// the first `since` on its topic.
    func withdrawal(_ kind: String, _ id: String, since: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !collector.received(on: topic(kind, id)).dropFirst(since).contains(where: { $0.payload.isEmpty }) {
            guard ContinuousClock.now < deadline else { throw TestFailure("\(topic(kind, id)) was not withdrawn") }
            _ = try? await collector.next(on: topic(kind, id), after: collector.mark(), timeout: .milliseconds(500))
        }
    }

    /// The component of `config` whose unique id ends with `_<key>`.
    func component(_ config: JSONValue, _ kind: String, _ id: String, _ key: String) -> JSONValue? {
        config["components"]?["\(HomeAssistantTopics.objectID(instance: instance, kind: kind, id: id))_\(key)"]
    }

    func stop() async { await collector.stop() }
}

/// What every device config must carry, whatever the device (Home Assistant's device-based discovery).
func expectDeviceBasics(
    _ config: JSONValue, objectID: String, instance: String, manufacturer: String, model: String, bridgeState: String,
    ownAvailability: String?, sourceLocation: SourceLocation = #_sourceLocation
) {
    let device = config["device"]
    #expect(device?["identifiers"] == [.string(objectID)], sourceLocation: sourceLocation)
    #expect(device?["manufacturer"]?.stringValue == manufacturer, sourceLocation: sourceLocation)
    #expect(device?["model"]?.stringValue == model, sourceLocation: sourceLocation)
    #expect(device?["name"]?.stringValue?.isEmpty == false, sourceLocation: sourceLocation)
    #expect(
        device?["via_device"]?.stringValue == HomeAssistantTopics.objectID(instance: instance, kind: "bridge", id: instance),
        sourceLocation: sourceLocation)
    #expect(config["origin"]?["name"]?.stringValue == "Gatehouse", sourceLocation: sourceLocation)
    #expect(config["origin"]?["sw_version"]?.stringValue == GatehouseVersion.string, sourceLocation: sourceLocation)
    #expect(config["origin"]?["support_url"]?.stringValue?.hasPrefix("https://") == true, sourceLocation: sourceLocation)
    let availability = config["availability"]?.arrayValue?.compactMap { $0["topic"]?.stringValue } ?? []
    #expect(availability == [bridgeState] + (ownAvailability.map { [$0] } ?? []), sourceLocation: sourceLocation)
    #expect(config["availability_mode"]?.stringValue == "all", sourceLocation: sourceLocation)
    #expect(config["payload_available"]?.stringValue == "online", sourceLocation: sourceLocation)
    #expect(config["qos"]?.intValue == 1, sourceLocation: sourceLocation)
    // Every entity has a unique id and a platform.
    for (key, component) in config["components"]?.objectValue ?? [:] {
        #expect(component["unique_id"]?.stringValue == key, sourceLocation: sourceLocation)
        #expect(component["platform"]?.stringValue != nil, sourceLocation: sourceLocation)
    }
}
