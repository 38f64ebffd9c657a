import Foundation
import Topics

/// What an earlier run of an instance left behind, removed so the next one starts clean: its
/// store, its persistent broker sessions, and its retained messages under the base topic and its
/// Home Assistant discovery (bridge and adapter states, lock states, places). `make demo` does
/// this unless asked to keep them: otherwise the new run republishes an old `offline` and a lock
/// `opened: true` as if they were live. Run only while no bridge of the instance runs.
public enum InstanceReset {
    public struct Outcome: Sendable {
        public var storeRemoved: Bool
        public var retainedCleared: Int
    }

    public static func run(_ settings: GatehouseConfig) async throws -> Outcome {
        var removed = false
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: settings.store.path + suffix) {
            try FileManager.default.removeItem(atPath: settings.store.path + suffix)
            removed = true
        }
        let topics = TopicTree(base: settings.mqtt.baseTopic)
        let discovery = HomeAssistantTopics(prefix: settings.homeAssistant.prefix)
        let ownDiscovery = discovery.deviceConfigPrefix(instance: settings.instance)
        let cleared = try await withClient(settings, clientID: "\(settings.mqtt.clientId)-reset") { client in
            // Retained messages come on subscribing, before the probe published after it.
            client.subscribe("\(topics.base)/#")
            client.subscribe("\(discovery.prefix)/device/#")
            try await client.waitUntilSubscribed(timeout: .seconds(5))
            let probe = "\(topics.base)/bridge/probe/demo-reset-\(UUID().uuidString.prefix(8))"
            try client.publish(probe, Data("{}".utf8))
            var retained: [String] = []
            reading: while let batch = await client.nextBatch() {
                for message in batch {
                    if message.topic == probe { break reading }
                    if message.retain, !message.payload.isEmpty,
                        message.topic.hasPrefix(topics.base + "/") || message.topic.hasPrefix(ownDiscovery)
                    {
                        retained.append(message.topic)
                    }
                }
            }
            for topic in retained { try await client.publishAcknowledged(topic, Data(), retain: true) }
            return retained.count
        }
        // The demo's persistent sessions (the bridge's and its intake's) would hand the new run
        // events of the old one: a clean-start connection with no expiry ends each.
        for suffix in ["", "-intake"] {
            _ = try await withClient(settings, clientID: settings.mqtt.clientId + suffix) { _ in 0 }
        }
        return Outcome(storeRemoved: removed, retainedCleared: cleared)
    }

    private static func withClient(
        _ settings: GatehouseConfig, clientID: String, _ body: (MQTTClient) async throws -> Int
    ) async throws -> Int {
        var options = MQTTOptions(config: settings, topics: TopicTree(base: settings.mqtt.baseTopic))
        options.clientID = clientID
        options.cleanStart = true
        options.sessionExpiry = .zero
        options.will = nil
        let client = try MQTTClient(options: options)
        client.start()
        do {
            try await client.waitUntilConnected(timeout: .seconds(5))
            let result = try await body(client)
            await client.stop()
            return result
        } catch {
            await client.stop()
            throw error
        }
    }
}
