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
    /// What this instance announced, by topic: a digest of each config (the payloads themselves
    /// live in the store; 10,000 locks make 18 MB of them), or `withdrawn` for one cleared this
    /// run (republished as such, in case the clearing was lost).
    private let published = Mutex<[String: Announced]>([:])
    /// Configs published before waiting for the broker to acknowledge the last of them.
    private static let step = 250

    private enum Announced: Equatable {
        case config(Int)
        case withdrawn

        init(_ payload: Data) {
            var hasher = Hasher()
            payload.withUnsafeBytes { hasher.combine(bytes: $0) }
            self = .config(hasher.finalize())
        }
    }

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

    private var storedPrefix: String { topics.deviceConfigPrefix(instance: instance) }

    /// Reads back what earlier runs announced; with discovery off, takes all of it back.
    func load() async {
        do {
            try await store.retained.forEach(matching: storedPrefix) { page in
                published.withLock { published in
                    for (topic, payload) in page { published[topic] = Announced(payload) }
                }
            }
            if !settings.enabled { await sweep(keeping: []) }
        } catch {
            logger.error("Home Assistant discovery: cannot read the stored configs: \(error)")
        }
    }

    /// Announces exactly `devices` for `kind`: new and changed ones are published, the kind's
    /// others are cleared. Devices are turned into configs one step at a time, so a lazy sequence
    /// of 10,000 never exists as 10,000 device values.
    public func replace(kind: String, with devices: some Sequence<HomeAssistantDevice>) async {
        guard settings.enabled else { return }
        var wanted = Set<String>()
        var step: [(topic: String, payload: Data)] = []
        for device in devices where device.kind == kind {
            let config = config(device)
            wanted.insert(config.topic)
            step.append(config)
            if step.count == Self.step {
                await announce(step)
                step.removeAll(keepingCapacity: true)
            }
        }
        await announce(step)
        let stale = published.withLock { published in
            published.filter { $0.value != .withdrawn && topics.kind(ofDeviceConfig: $0.key, instance: instance) == kind && !wanted.contains($0.key) }
                .map(\.key)
        }
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
        guard published.withLock({ $0[topic].map { $0 != .withdrawn } ?? false }) else { return }
        await withdraw([topic])
    }

    /// Clears the configs of every kind not in `kinds` (adapters no longer configured).
    func sweep(keeping kinds: Set<String>) async {
        let stale = published.withLock { published in
            published.filter { $0.value != .withdrawn && (topics.kind(ofDeviceConfig: $0.key, instance: instance).map { !kinds.contains($0) } ?? true) }
                .map(\.key)
        }
        await withdraw(stale)
    }

    /// After a reconnect, or when Home Assistant restarted (its birth message) and forgot every
    /// entity. Payloads come from the store a page at a time; one whose digest no longer matches
    /// was replaced or withdrawn meanwhile, and that newer publish already went out.
    func republish() async {
        do {
            let withdrawn = published.withLock { $0.filter { $0.value == .withdrawn }.map(\.key) }
            await inSteps(withdrawn) { step in
                published.withLock { published in
                    step.filter { published[$0] == .withdrawn }.compactMap { publish($0, Data()) }.last
                }
            }
            try await store.retained.forEach(matching: storedPrefix, pageSize: Self.step) { page in
                await acknowledged {
                    published.withLock { published in
                        page.filter { published[$0.topic] == Announced($0.payload) }.compactMap { publish($0.topic, $0.payload) }.last
                    }
                }
            }
        } catch {
            logger.error("Home Assistant discovery: cannot republish the stored configs: \(error)")
        }
    }

    /// Queues the message; its id, or nil when it could not be queued.
    private func publish(_ topic: String, _ payload: Data) -> Int32? {
        do {
            return try mqtt.publish(topic, payload, qos: .atLeastOnce, retain: true)
        } catch {
            logger.warning("Home Assistant discovery: cannot publish \(topic): \(error)")
            return nil
        }
    }

    /// Runs `publishing` and waits until the broker acknowledged its last message. While the
    /// broker is away that wait times out; the messages stay queued for the reconnect.
    private func acknowledged(_ publishing: () -> Int32?) async {
        do {
            try await mqtt.acknowledging(publishing)
        } catch {
            logger.debug("Home Assistant discovery: no acknowledgement: \(error)")
        }
    }

    private func inSteps(_ items: [String], _ publishing: ([String].SubSequence) -> Int32?) async {
        var start = items.startIndex
        while start < items.endIndex {
            let end = min(start + Self.step, items.endIndex)
            await acknowledged { publishing(items[start..<end]) }
            start = end
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
        let digests = configs.map { Announced($0.payload) }
        let changed = published.withLock { published in
            zip(configs, digests).filter { published[$0.0.topic] != $0.1 }
        }
        guard !changed.isEmpty else { return }
        do {
            try await store.retained.put(changed.map(\.0))
        } catch {
            logger.error("Home Assistant discovery: cannot store \(changed.count) device config(s): \(error)")
            return
        }
        await acknowledged {
            published.withLock { published in
                changed.compactMap { config, digest in
                    published[config.topic] = digest
                    return publish(config.topic, config.payload)
                }.last
            }
        }
    }

    /// Cleared on the broker first, then forgotten by the store: a crash in between leaves the
    /// store still listing the config, so the next start withdraws it again instead of leaving a ghost.
    private func withdraw(_ stale: [String]) async {
        guard !stale.isEmpty else { return }
        await inSteps(stale) { step in
            published.withLock { published in
                step.compactMap { topic in
                    published[topic] = .withdrawn
                    return publish(topic, Data())
                }.last
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
