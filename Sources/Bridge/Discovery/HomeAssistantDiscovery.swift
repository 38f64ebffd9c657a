import Foundation
import Logging
import Synchronization
import Topics

/// Announces what the adapters know to Home Assistant (device-based MQTT discovery) and takes
/// it back when it is gone, so no ghost entity outlives its lock, gate or register.
///
/// The configs are kept in the store, republished after every reconnect (the broker may have lost
/// them) and whenever Home Assistant comes `online`. Publishing happens under the lock that guards
/// what is announced, so a republish can never resend a config that a withdrawal just cleared. Each adapter owns the kinds it
/// announces (``GatehouseAdapter/discoveryKinds``); at start, configs of kinds nobody owns any
/// more, and all of them when discovery is switched off, are cleared with an empty retained payload.
public final class HomeAssistantDiscovery: Sendable {
    let settings: GatehouseConfig.HomeAssistantSettings
    let topics: HomeAssistantTopics
    let instance: String
    private let bridgeState: String
    private let store: Store
    private let mqtt: MQTTClient
    private let logger: Logger
    /// Topic → payload of every config this instance announced; an empty payload marks one
    /// withdrawn this run (republished as such, in case the clearing was lost).
    private let published = Mutex<[String: Data]>([:])

    init(config: GatehouseConfig, bridgeState: String, store: Store, mqtt: MQTTClient, logger: Logger) {
        settings = config.homeAssistant
        topics = HomeAssistantTopics(prefix: config.homeAssistant.prefix)
        instance = config.instance
        self.bridgeState = bridgeState
        self.store = store
        self.mqtt = mqtt
        self.logger = logger
    }

    public var enabled: Bool { settings.enabled }

    /// Reads back what earlier runs announced; with discovery off, takes all of it back.
    func load() async {
        do {
            let stored = try await store.retained.all(matching: topics.deviceConfigPrefix(instance: instance))
            published.withLock { $0 = Dictionary(stored.map { ($0.topic, $0.payload) }, uniquingKeysWith: { _, last in last }) }
            if !settings.enabled { await sweep(keeping: []) }
        } catch {
            logger.error("Home Assistant discovery: cannot read the stored configs: \(error)")
        }
    }

    /// Announces exactly `devices` for `kind`: new and changed ones are published, the kind's
    /// others are cleared.
    public func replace(kind: String, with devices: [HomeAssistantDevice]) async {
        guard settings.enabled else { return }
        let configs = devices.filter { $0.kind == kind }.map(config)
        let wanted = Set(configs.map(\.topic))
        let stale = published.withLock { published in
            published.filter { !$0.value.isEmpty && topics.kind(ofDeviceConfig: $0.key, instance: instance) == kind && !wanted.contains($0.key) }
                .map(\.key)
        }
        await announce(configs)
        await withdraw(stale)
    }

    /// Announces one device (a place seen for the first time); a no-op when nothing changed.
    public func add(_ device: HomeAssistantDevice) async {
        guard settings.enabled else { return }
        await announce([config(device)])
    }

    /// Withdraws one device (a place whose sensor cleared its state).
    public func remove(kind: String, id: String) async {
        let topic = topics.deviceConfig(instance: instance, kind: kind, id: id)
        guard published.withLock({ $0[topic]?.isEmpty == false }) else { return }
        await withdraw([topic])
    }

    /// Clears the configs of every kind not in `kinds` (adapters no longer configured).
    func sweep(keeping kinds: Set<String>) async {
        let stale = published.withLock { published in
            published.filter { !$0.value.isEmpty && (topics.kind(ofDeviceConfig: $0.key, instance: instance).map { !kinds.contains($0) } ?? true) }
                .map(\.key)
        }
        await withdraw(stale)
    }

    /// After a reconnect, or when Home Assistant restarted (its birth message) and forgot every entity.
    func republish() {
        published.withLock { published in
            for (topic, payload) in published { publish(topic, payload) }
        }
    }

    private func publish(_ topic: String, _ payload: Data) {
        do {
            try mqtt.publish(topic, payload, qos: .atLeastOnce, retain: true)
        } catch {
            logger.warning("Home Assistant discovery: cannot publish \(topic): \(error)")
        }
    }

    private func config(_ device: HomeAssistantDevice) -> (topic: String, payload: Data) {
        let topic = topics.deviceConfig(instance: instance, kind: device.kind, id: device.id)
        let payload = device.config(
            instance: instance, origin: .init(supportURL: settings.supportUrl), bridgeState: bridgeState
        ).jsonData()
        return (topic, payload)
    }

    /// Stored first (one transaction), then published: a config the store holds is republished
    /// after every reconnect and restart, so a publish lost with a broken connection is not lost for good.
    private func announce(_ configs: [(topic: String, payload: Data)]) async {
        let changed = published.withLock { published in configs.filter { published[$0.topic] != $0.payload } }
        guard !changed.isEmpty else { return }
        do {
            try await store.retained.put(changed)
        } catch {
            logger.error("Home Assistant discovery: cannot store \(changed.count) device config(s): \(error)")
            return
        }
        published.withLock { published in
            for (topic, payload) in changed {
                published[topic] = payload
                publish(topic, payload)
            }
        }
    }

    /// Cleared on the broker first, then forgotten by the store: a crash in between leaves the
    /// store still listing the config, so the next start withdraws it again instead of leaving a ghost.
    private func withdraw(_ stale: [String]) async {
        guard !stale.isEmpty else { return }
        published.withLock { published in
            for topic in stale {
                published[topic] = Data()
                publish(topic, Data())
            }
        }
        do {
            try await store.retained.remove(topics: stale)
            logger.info("Home Assistant discovery: withdrew \(stale.count) device(s) no longer configured")
        } catch {
            logger.error("Home Assistant discovery: cannot forget \(stale.count) withdrawn device(s): \(error)")
        }
    }
}
