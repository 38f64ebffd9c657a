import Foundation
import Logging
import Metrics
import Synchronization
import Topics

/// What the core offers an adapter: topics, the store, publishing, routes and subscriptions.
public final class BridgeContext: Sendable {
    public let topics: TopicTree
    public let config: GatehouseConfig
    public let store: Store
    public let mqtt: MQTTClient
    /// The connection events are consumed on (`consume`), stored before they are acknowledged.
    public let intakeMQTT: MQTTClient
    public let router: RequestRouter
    public let dispatcher: MessageDispatcher
    public let logger: Logger
    /// Home Assistant discovery: adapters announce their devices here.
    public let homeAssistant: HomeAssistantDiscovery
    private let adapterStates = Mutex<[String: AdapterStatus]>([:])
    /// Adapters that have not yet reported a first state other than `connecting`; nil before the
    /// bridge starts them. When it empties, `firstStates` yields once (the bridge then publishes
    /// its health again, instead of leaving "connecting" retained until the next interval).
    private let awaitingFirstState = Mutex<Set<String>?>(nil)
    let firstStates: AsyncStream<Void>
    private let firstStatesSink: AsyncStream<Void>.Continuation
    private let commandsDropped = Counter(label: "gatehouse_commands_dropped_total")

    init(
        topics: TopicTree, config: GatehouseConfig, store: Store, mqtt: MQTTClient, intakeMQTT: MQTTClient,
        router: RequestRouter, dispatcher: MessageDispatcher, logger: Logger
    ) {
        self.topics = topics
        self.config = config
        self.store = store
        self.mqtt = mqtt
        self.intakeMQTT = intakeMQTT
        self.router = router
        self.dispatcher = dispatcher
        self.logger = logger
        homeAssistant = HomeAssistantDiscovery(
            config: config, bridgeState: topics.bridge.state, store: store, mqtt: mqtt, logger: logger)
        (firstStates, firstStatesSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Lists `names` as `connecting` (so the first health lists every adapter) and waits for
    /// each one's first real state.
    func awaitFirstStates(of names: [String]) async {
        awaitingFirstState.withLock { $0 = Set(names) }
        for name in names where adapterStatuses[name] == nil { await setAdapterState(name, .connecting) }
    }

    public var timeZone: TimeZone { config.site.timeZone }

    /// Serves a request topic filter. Subscribed through the shared group when one is configured,
    /// and with Retain As Published so a retained request is recognised (and refused) when it arrives live.
    ///
    /// Subscribed at QoS 0: the session is persistent (events must wait at the broker while the
    /// bridge restarts), but a request must not. A broker keeps no QoS 0 messages for an absent
    /// client (mosquitto's `queue_qos0_messages false`), so a command published while Gatehouse is
    /// down is never executed minutes later; its requester gets no answer and retries with the
    /// same transaction, which the journal answers if the first one did run.
    public func serve(_ route: RequestRoute) {
        router.register(route)
        mqtt.subscribe(
            TopicFilter.shared(group: config.mqtt.sharedGroup, route.filter.filter), qos: .atMostOnce,
            retainAsPublished: true)
    }

    /// Receives every message on `filter`, in order. `retainAsPublished` keeps the retain flag of
    /// live messages (MQTT 5), so a handler of events can refuse retained ones as they arrive.
    public func subscribe(
        _ filter: String, qos: MQTTQoS = .atLeastOnce, retainAsPublished: Bool = false,
        _ handler: @escaping MessageDispatcher.Handler
    ) {
        dispatcher.on(filter, handler)
        mqtt.subscribe(filter, qos: qos, retainAsPublished: retainAsPublished)
    }

    /// Consumes the events field devices publish on `filter` (recognitions, crossings, alarms,
    /// sensor states): each is on disk before its PUBACK leaves, and `handler` gets it from the
    /// store in arrival order, also after a crash or restart. Call from `GatehouseAdapter.prepare`,
    /// before the connection resumes the session. `retainAsPublished` as for `subscribe`.
    public func consume(
        _ filter: String, retainAsPublished: Bool = false, _ handler: @escaping MessageDispatcher.EventHandler
    ) {
        dispatcher.consume(filter, handler)
        intakeMQTT.subscribe(filter, qos: .atLeastOnce, retainAsPublished: retainAsPublished)
    }

    /// Like `subscribe`, but `handler` runs on the MQTT network thread as each message arrives, ahead
    /// of everything else: for a handler that only hands the message on (resumes whoever waits for
    /// a reply), where a trip through the dispatcher's task would only add a thread hop.
    public func subscribeOnArrival(
        _ filter: String, qos: MQTTQoS = .atLeastOnce, _ handler: @escaping MessageDispatcher.QuickHandler
    ) {
        dispatcher.onArrival(filter, handler)
        mqtt.subscribe(filter, qos: qos)
    }

    /// Publishes a retained state when it differs from the last one, and remembers it in the store so
    /// it can be republished after the broker lost it.
    @discardableResult
    public func publishState(_ topic: String, _ payload: Data) async throws -> Bool {
        guard try await store.retained.put(topic: topic, payload: payload) else { return false }
        try mqtt.publish(topic, payload, qos: .atLeastOnce, retain: true)
        return true
    }

    @discardableResult
    public func publishState<T: Encodable>(_ topic: String, _ value: T) async throws -> Bool {
        try await publishState(topic, JSONCoding.encode(value))
    }

    /// Removes a retained state from the broker and the store.
    public func clearState(_ topic: String) async throws {
        try await store.retained.remove(topic: topic)
        try mqtt.publish(topic, Data(), qos: .atLeastOnce, retain: true)
    }

    /// Publishes a non-retained message (events, commands to field devices).
    public func publishEvent<T: Encodable>(_ topic: String, _ value: T, qos: MQTTQoS = .atLeastOnce) throws {
        try publishEvent(topic, payload: JSONCoding.encode(value), qos: qos)
    }

    /// An event already in JSON, for hot paths that write their payload by hand.
    public func publishEvent(_ topic: String, payload: Data, qos: MQTTQoS = .atLeastOnce) throws {
        try mqtt.publish(topic, payload, qos: qos, retain: false)
    }

    /// Publishes a command a field device acts on (a barrier's open, a gate decision) with an MQTT 5
    /// Message Expiry of `lifetime`, after which the broker drops it. Never queued while
    /// disconnected: libmosquitto would send it after the reconnect, and a barrier would open
    /// minutes after it was asked to. Then it throws `MQTTError.notConnected` (logged, counted in
    /// `gatehouse_commands_dropped_total`).
    public func publishCommand(_ topic: String, payload: Data, lifetime: Duration) throws {
        guard mqtt.isConnected else {
            commandsDropped.increment()
            logger.warning("command on \(topic) dropped: not connected to the broker, and a late command must not act")
            throw MQTTError.notConnected
        }
        let expiry = UInt32(clamping: max(1, lifetime.components.seconds))
        try mqtt.publish(topic, payload, qos: .atLeastOnce, retain: false, properties: MQTTProperties(messageExpiry: expiry))
    }

    /// Shows an adapter's upstream link on `gatehouse/bridge/adapters/<name>`.
    public func setAdapterState(_ name: String, _ state: AdapterState, detail: String? = nil) async {
        // Called on every push and poll: the timestamp is made only when something changed.
        let status = adapterStates.withLock { states -> AdapterStatus? in
            if states[name]?.state == state && states[name]?.detail == detail { return nil }
            let status = AdapterStatus(state: state, since: Timestamp.rfc3339(Date(), in: timeZone), detail: detail)
            states[name] = status
            return status
        }
        guard let status else { return }
        do {
            _ = try await publishState(topics.bridge.adapter(name), status)
        } catch {
            logger.error("cannot publish the state of adapter \(name): \(error)")
        }
        guard state != .connecting else { return }
        let allReported = awaitingFirstState.withLock { awaiting -> Bool in
            guard awaiting?.remove(name) != nil, awaiting?.isEmpty == true else { return false }
            return true
        }
        if allReported { firstStatesSink.yield() }
    }

    var adapterStatuses: [String: AdapterStatus] { adapterStates.withLock { $0 } }
}

/// JSON as Gatehouse writes it on MQTT: no escaped slashes, stable key order.
public enum JSONCoding {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return try encoder.encode(value)
    }
}
