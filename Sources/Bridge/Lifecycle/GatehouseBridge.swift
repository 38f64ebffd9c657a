import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Topics

/// The core as a service: connects to the broker, serves the bridge topics, runs the adapters and
/// shuts down gracefully (explicit `offline`, adapters stopped, clean disconnect).
public final class GatehouseBridge: Service, Sendable {
    public let context: BridgeContext
    let adapters: [any GatehouseAdapter]
    let probe: BrokerProbe
    let startedAt = Date()
    private let adaptersStarted = Atomic<Bool>(false)
    let logger: Logger

    public init(config: GatehouseConfig, adapters: [any GatehouseAdapter], logger: Logger) throws {
        let topics = TopicTree(base: config.mqtt.baseTopic)
        let store = try Store(path: config.store.path, journalRetention: config.requests.journalRetention)
        let client = try MQTTClient(
            options: MQTTOptions(config: config, topics: topics), logger: Self.mqttLogger(level: logger.logLevel))
        let policy = RequestPolicy(
            lifetime: config.requests.lifetime, handlerTimeout: config.requests.handlerTimeout,
            maxPayloadBytes: config.requests.maxPayloadBytes, journalRetention: config.requests.journalRetention,
            maxInFlight: config.requests.maxInFlight)
        let router = RequestRouter(
            client: client, journal: store.journal, policy: policy, responseTopicPrefix: "\(topics.base)/clients/",
            logger: logger)
        let intakeClient = try MQTTClient(
            options: MQTTOptions.intake(config: config, topics: topics), logger: Self.mqttLogger(level: logger.logLevel))
        let dispatcher = MessageDispatcher(
            client: client, intakeClient: intakeClient, router: router, intake: store.intake, logger: logger)
        context = BridgeContext(
            topics: topics, config: config, store: store, mqtt: client, intakeMQTT: intakeClient, router: router,
            dispatcher: dispatcher, logger: logger)
        probe = BrokerProbe(topic: "\(topics.base)/bridge/probe/\(TopicID.encode(config.mqtt.clientId))", client: client)
        self.adapters = adapters
        self.logger = logger
    }

    /// Its own label, so the bridge/log relay can keep the MQTT layer's complaints local.
    private static func mqttLogger(level: Logger.Level) -> Logger {
        var logger = Logger(label: "gatehouse.mqtt")
        logger.logLevel = level
        return logger
    }

    public func run() async throws {
        let mqtt = context.mqtt
        BridgeLogRelay.shared.attach { [context] record in
            _ = try? context.mqtt.publish(context.topics.bridge.log, JSONCoding.encode(record), qos: .atMostOnce)
        }
        defer { BridgeLogRelay.shared.detach() }
        context.dispatcher.on(probe.topic) { [probe] message in probe.received(message) }
        mqtt.subscribe(probe.topic, qos: .atLeastOnce)
        registerBridgeRequests()
        followHomeAssistant()
        // Before the first connect: its republish must already know what earlier runs announced.
        await context.homeAssistant.load()
        // Before the first connect too: a resumed session delivers its queued events at once, and
        // only a consumer registered by then has them stored rather than passed by.
        var prepared: [any GatehouseAdapter] = []
        for adapter in adapters {
            do {
                try await adapter.prepare(context)
                prepared.append(adapter)
            } catch {
                logger.error("adapter \(adapter.name) failed to start: \(error)")
                await context.setAdapterState(adapter.name, .disconnected, detail: "failed to start: \(error)")
            }
        }
        await context.awaitFirstStates(of: prepared.map(\.name))
        mqtt.start()
        let consumes = context.dispatcher.hasConsumers
        if consumes {
            context.intakeMQTT.start()
            // Once the broker has the event subscriptions, nothing published from now on can miss
            // them, and adapters announce themselves after that (tests and devices rely on it).
            do {
                try await context.intakeMQTT.waitUntilSubscribed(timeout: .seconds(10))
            } catch {
                logger.warning("the event intake connection is not subscribed yet; events wait at the broker meanwhile")
            }
        }

        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.context.dispatcher.run() }
            group.addTask { await self.followConnection() }
            group.addTask { await self.every(self.context.config.health.interval) { await self.publishHealth() } }
            group.addTask {
                // The health published at connect shows adapters still connecting: once each has
                // said where it stands, publish it again rather than wait a whole interval.
                for await _ in self.context.firstStates {
                    // While disconnected the health published at the next connect has them all.
                    if self.context.mqtt.isConnected { await self.publishHealth() }
                    return
                }
            }
            group.addTask { await self.every(.seconds(3600)) { await self.purgeJournal() } }
            for adapter in prepared {
                do {
                    try await adapter.start(context)
                } catch {
                    logger.error("adapter \(adapter.name) failed to start: \(error)")
                    await context.setAdapterState(adapter.name, .disconnected, detail: "failed to start: \(error)")
                }
            }
            await announceToHomeAssistant()
            // Stored events are delivered once their consumers have started.
            let intake = Task { await self.context.dispatcher.runIntake() }
            adaptersStarted.store(true, ordering: .releasing)
            try? await gracefulShutdown()
            // Intake first: what arrives from now on stays in the store (the network thread keeps
            // storing until the connection closes) and is delivered at the next start.
            intake.cancel()
            await intake.value
            await shutDown()
            group.cancelAll()
        }
    }

    /// Returns once every adapter has started and the broker has processed their subscriptions
    /// (a probe round trip after them proves it: one connection's packets are handled in order).
    public func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while !adaptersStarted.load(ordering: .acquiring) {
            guard ContinuousClock.now < deadline else { throw MQTTError.timeout }
            try await Task.sleep(for: .milliseconds(10))
        }
        _ = try await probe.roundTrip(timeout: max(.milliseconds(100), deadline - ContinuousClock.now))
    }

    private func shutDown() async {
        logger.info("shutting down")
        for adapter in adapters.reversed() { await adapter.stop() }
        // Requests still running get their answer journalled before the store closes.
        await context.router.drain(timeout: .seconds(5))
        do {
            try await context.mqtt.publishAcknowledged(
                context.topics.bridge.state, BridgeStatePayload.offline, retain: true, timeout: .seconds(2))
        } catch {
            logger.warning("could not publish offline before disconnecting: \(error)")
        }
        // The intake connection first: what it still receives is stored, unprocessed, for the next start.
        await context.intakeMQTT.stop()
        await context.mqtt.stop()
        context.store.close()
    }

    /// After every (re)connect: `online`, info and every retained state the broker may have lost.
    private func followConnection() async {
        for await event in context.mqtt.events {
            switch event {
            case .connected:
                logger.info("connected to the broker at \(context.config.mqtt.host):\(context.config.mqtt.port)")
                await announce()
            case .refused(let reason):
                logger.error("the broker refused the connection: \(reason)")
            case .disconnected(let reason) where context.mqtt.isStopping:
                logger.info("disconnected from the broker: \(reason)")
            case .disconnected(let reason):
                logger.warning("disconnected from the broker: \(reason)")
            }
        }
    }

    private func announce() async {
        let mqtt = context.mqtt
        do {
            try mqtt.publish(context.topics.bridge.state, BridgeStatePayload.online, retain: true)
            try mqtt.publish(context.topics.bridge.info, JSONCoding.encode(info), retain: true)
            let current = Set(adapters.map { context.topics.bridge.adapter($0.name) })
            let adapterPrefix = context.topics.bridge.adapter("")
            let discovery = context.homeAssistant
            let discoveryPrefix = discovery.topics.deviceConfigPrefix(instance: discovery.instance)
            // A page at a time, each acknowledged before the next: 10,000 locks' states need not
            // sit in memory, nor in libmosquitto's queue, all at once. Discovery configs are left
            // out: discovery republishes its own, in step with its withdrawals.
            try await context.store.retained.forEach(excluding: discoveryPrefix) { page in
                var republished: [(topic: String, payload: Data)] = []
                for (topic, payload) in page {
                    // An adapter that is no longer configured must not linger as `connected`.
                    if topic.hasPrefix(adapterPrefix) && !current.contains(topic) {
                        try await context.clearState(topic)
                        continue
                    }
                    republished.append((topic, payload))
                }
                do {
                    try await mqtt.acknowledging { try republished.map { try mqtt.publish($0.topic, $0.payload, retain: true) }.last }
                } catch MQTTError.timeout {
                    // The broker went away again; the rest stays queued for the next connect.
                }
            }
            await discovery.republish()
        } catch {
            logger.error("cannot republish the bridge state: \(error)")
        }
        await publishHealth()
    }

    private var info: BridgeInfo {
        BridgeInfo(
            version: GatehouseVersion.string, instance: context.config.instance,
            clientId: context.config.mqtt.clientId,
            adapters: adapters.map(\.name), startedAt: Timestamp.rfc3339(startedAt, in: context.timeZone),
            config: context.config.redactedSummary())
    }

    private func every(_ interval: Duration, _ work: @Sendable () async -> Void) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            await work()
        }
    }

    private func purgeJournal() async {
        do {
            let removed = try await context.store.journal.purge()
            if removed > 0 { logger.debug("purged \(removed) expired journal entries") }
            // A redelivery comes within the session's expiry; claims are kept twice as long (a day at least).
            let keep = max(context.config.mqtt.sessionExpiry * 2, .seconds(86_400))
            try await context.store.intake.purgeClaims(olderThan: Date().addingTimeInterval(-keep.storeSeconds))
            try await DuplicateWindow.purge(context.store)
        } catch {
            logger.error("journal purge failed: \(error)")
        }
    }
}

struct BridgeInfo: Codable, Sendable {
    var version: String
    var instance: String
    var clientId: String
    var adapters: [String]
    var startedAt: String
    var config: [String: String]
}
