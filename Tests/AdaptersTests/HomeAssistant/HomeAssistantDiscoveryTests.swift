import OZLocks
import Bridge
import Foundation
import Testing
import TestSupport
import Topics

@Suite("Home Assistant discovery")
struct HomeAssistantDiscoveryTests {
    /// No vendor behind it: discovery needs only the config.
    static func locks(_ locks: [OZLocksSettings.Lock]) -> OZLocksAdapter {
        var settings = OZLocksSettings()
        settings.url = "http://127.0.0.1:9"
        settings.apiKey = Secret("unused")
        settings.pollInterval = .seconds(3600)
        settings.locks = locks
        return OZLocksAdapter(settings: settings)
    }

    @Test("a WR lock is a lock with OPEN, battery and door sensors; an H lock is not announced (its entities would stay unknown)")
    func lockPayload() async throws {
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let running = try await RunningBridge(config: config, adapters: [Self.locks([.init(room: "101", series: .wr), .init(room: "102", series: .h)])])
        let reader = try await DiscoveryReader.start(for: config)
        let topics = running.bridge.context.topics
        let wr = try await reader.config("lock", "101")
        let objectID = HomeAssistantTopics.objectID(instance: "test", kind: "lock", id: "101")
        #expect(reader.topic("lock", "101") == "\(config.homeAssistant.prefix)/device/\(objectID)/config")
        expectDeviceBasics(
            wr, objectID: objectID, instance: "test", manufacturer: "OZLocks", model: "WR", bridgeState: topics.bridge.state,
            ownAvailability: topics.lock("101").availability)
        let lock = try #require(reader.component(wr, "lock", "101", "lock"))
        #expect(lock["platform"] == "lock")
        #expect(lock["command_topic"]?.stringValue == "\(topics.base)/locks/101/set")
        #expect(lock["state_topic"]?.stringValue == "\(topics.base)/locks/101")
        #expect(lock["payload_open"] == "OPEN")
        #expect(lock["payload_lock"] == "LOCK" && lock["payload_unlock"] == "UNLOCK")
        let battery = try #require(reader.component(wr, "lock", "101", "battery"))
        #expect(battery["platform"] == "binary_sensor" && battery["device_class"] == "battery")
        #expect(battery["value_template"]?.stringValue?.contains("value_json.lowBattery") == true)
        let door = try #require(reader.component(wr, "lock", "101", "door"))
        #expect(door["platform"] == "binary_sensor" && door["device_class"] == "door")

        let bridge = try await reader.config("bridge", "test")
        #expect(bridge["device"]?["via_device"] == nil)
        #expect(reader.component(bridge, "bridge", "test", "link_ozlocks")?["state_topic"]?.stringValue == topics.bridge.adapter("ozlocks"))
        // Lock configs go out in one batch, 101 then 102: with 101 and a later message read, 102 would be here.
        #expect(reader.collector.received(on: reader.topic("lock", "102")).isEmpty)
        await reader.stop()
        await running.stop()
    }

    @Test("homeassistant/status online republishes every config; other payloads do not")
    func republishOnBirth() async throws {
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let running = try await RunningBridge(config: config, adapters: [Self.locks([.init(room: "201", series: .wr)])])
        let reader = try await DiscoveryReader.start(for: config)
        let first = try await reader.config("lock", "201")
        let status = HomeAssistantTopics(prefix: config.homeAssistant.prefix).status
        _ = try await reader.config("bridge", "test")
        let before = reader.count("lock", "201")
        let mark = reader.collector.mark()
        try reader.collector.publish(status, "offline")
        try reader.collector.publish(status, "online")
        let again = try await reader.collector.next(on: reader.topic("lock", "201"), after: mark, timeout: .seconds(10))
        #expect(try JSONValue.parse(again.payload) == first)
        // The bridge device's config comes back too; the lock's once, for the one `online` (the
        // `offline` before it asked nothing).
        _ = try await reader.collector.next(on: reader.topic("bridge", "test"), after: mark, timeout: .seconds(5))
        #expect(reader.count("lock", "201") == before + 1)
        await reader.stop()
        await running.stop()
    }

    @Test("a lock removed from the config, then the adapter, then discovery itself: configs cleared, none left retained")
    func removedEntitiesAreCleared() async throws {
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let reader = try await DiscoveryReader.start(for: config)
        var running = try await RunningBridge(config: config, adapters: [Self.locks([.init(room: "301", series: .wr), .init(room: "302", series: .wr)])])
        _ = try await reader.config("lock", "301")
        _ = try await reader.config("lock", "302")
        await running.stop()

        // Same store, 302 gone from the config.
        let before302 = reader.count("lock", "302")
        running = try await RunningBridge(config: config, adapters: [Self.locks([.init(room: "301", series: .wr)])])
        try await reader.withdrawal("lock", "302", since: before302)
        await running.stop()
        // A fresh subscriber gets 301 retained, and nothing for 302.
        let fresh = try await DiscoveryReader.start(for: config)
        _ = try await fresh.config("lock", "301")
        _ = try await fresh.config("bridge", "test")
        #expect(fresh.count("lock", "302") == 0)
        await fresh.stop()

        // The OZLocks adapter is no longer configured: its kind is unclaimed.
        let before301 = reader.count("lock", "301")
        running = try await RunningBridge(config: config, adapters: [])
        try await reader.withdrawal("lock", "301", since: before301)
        await running.stop()

        // Discovery switched off: the bridge device goes too.
        config.homeAssistant.enabled = false
        let beforeBridge = reader.count("bridge", "test")
        running = try await RunningBridge(config: config, adapters: [Self.locks([.init(room: "301", series: .wr)])])
        try await reader.withdrawal("bridge", "test", since: beforeBridge)
        await running.stop()
        let last = try await DiscoveryReader.start(for: config)
        // The probe proves the subscription is live and every retained message was delivered.
        try last.collector.publish("\(config.homeAssistant.prefix)/probe", "x")
        _ = try await last.collector.next(on: "\(config.homeAssistant.prefix)/probe", timeout: .seconds(5))
        #expect(last.collector.received(on: "\(config.homeAssistant.prefix)/device/#").isEmpty)
        await last.stop()
        await reader.stop()
    }
}
