import CMosquitto
import Foundation
import Logging
import Metrics
import Synchronization

/// An MQTT 3.1.1/5 client over libmosquitto.
///
/// A thread of Gatehouse's own drives libmosquitto (`MQTTNetworkLoop`): it connects and reconnects
/// with capped exponential back-off, re-subscribes after every connect, stores durable events
/// before acknowledging them, and hands the other messages to Swift concurrency. `publish` is
/// thread-safe in libmosquitto (the client is marked threaded), so it may be called from any task.
public final class MQTTClient: Sendable {
    public let options: MQTTOptions
    /// Immutable for the client's lifetime; destroyed only in `deinit`, after the loop has stopped.
    private let mosquitto: MosquittoHandle
    private var handle: OpaquePointer { mosquitto.pointer }
    private let context: MQTTCallbackContext
    private let userdata: Unmanaged<MQTTCallbackContext>
    private let logger: Logger
    private let loop: MQTTNetworkLoop
    private let messagesOut = Counter(label: "gatehouse_mqtt_messages_out_total")

    public init(options: MQTTOptions, logger: Logger = Logger(label: "gatehouse.mqtt")) throws {
        _ = MQTTLibrary.initialised
        self.options = options
        self.logger = logger
        let context = MQTTCallbackContext(
            inboundCapacity: options.inboundCapacity, protocolVersion: options.protocolVersion,
            maxPayloadBytes: options.maxPacketSize, logger: logger)
        self.context = context
        userdata = Unmanaged.passRetained(context)
        guard let handle = mosquitto_new(options.clientID, options.cleanStart, userdata.toOpaque()) else {
            userdata.release()
            throw MQTTError.library(code: -1, message: "mosquitto_new failed (client id '\(options.clientID)')")
        }
        self.mosquitto = MosquittoHandle(pointer: handle)
        loop = MQTTNetworkLoop(handle: mosquitto, context: context, options: options, logger: logger)
        do {
            try configure()
        } catch {
            mosquitto_destroy(handle)
            userdata.release()
            throw error
        }
    }

    deinit {
        loop.stopAndWait()
        mosquitto_destroy(handle)
        context.finish()
        userdata.release()
    }

    private func configure() throws(MQTTError) {
        // Our own thread drives the connection: libmosquitto queues every packet for it to write.
        try check(mosquitto_threaded_set(handle, true))
        let version = options.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version))
        // Without TCP_NODELAY a QoS 1 round trip waits on Nagle's algorithm (88 ms instead of 0.15 ms).
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1))
        if let username = options.username {
            try check(mosquitto_username_pw_set(handle, username, options.password))
        }
        if let tls = options.tls { try MQTTTLSSetup.apply(tls, to: handle) }
        if let will = options.will {
            let rc = will.payload.withUnsafeBytes { raw in
                mosquitto_will_set_v5(
                    handle, will.topic, Int32(raw.count), raw.baseAddress, will.qos.rawValue, will.retain, nil)
            }
            try check(rc)
        }
        mosquitto_connect_v5_callback_set(handle, mqttOnConnect)
        mosquitto_disconnect_v5_callback_set(handle, mqttOnDisconnect)
        mosquitto_message_v5_callback_set(handle, mqttOnMessage)
        mosquitto_publish_v5_callback_set(handle, mqttOnPublish)
        mosquitto_subscribe_v5_callback_set(handle, mqttOnSubscribe)
    }

    private func check(_ rc: Int32) throws(MQTTError) {
        guard rc != MOSQ_ERR_SUCCESS.rawValue else { return }
        throw MQTTError.library(code: rc, message: String(cString: mosquitto_strerror(rc)))
    }

    private func check(_ rc: mosq_err_t) throws(MQTTError) { try check(Int32(rc.rawValue)) }

    // MARK: connection

    /// Connection events in order: connected, refused, disconnected. One consumer.
    public var events: AsyncStream<MQTTConnectionEvent> { context.events }

    public var isConnected: Bool { context.connected.load(ordering: .acquiring) }

    /// True once `stop()` was called: a disconnect now is the one we asked for.
    public var isStopping: Bool { loop.isStopping }

    /// Why the last connection attempt failed (nil if none has): kept after a later success.
    public var lastFailure: MQTTConnectFailure? { context.lastFailure.withLock { $0 } }

    /// Reconnects since the first connection.
    public var reconnectCount: Int { context.reconnectCount.load(ordering: .relaxed) }

    /// Starts connecting in the background and returns at once. The first connect and every later
    /// one are retried with back-off until `stop()`.
    public func start() { loop.start() }

    /// Waits until the client is connected, or throws `MQTTError.timeout`.
    public func waitUntilConnected(timeout: Duration) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.context.waitUntilConnected() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw MQTTError.timeout
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// Waits until the client is connected and the broker acknowledged every subscription, or
    /// throws `MQTTError.timeout`: from then on no message published on them can miss this client.
    public func waitUntilSubscribed(timeout: Duration) async throws {
        // Polled: it is asked once, at start-up, and a SUBACK wait must not outlive its timeout.
        let deadline = ContinuousClock.now + timeout
        while !context.isSubscribed {
            guard ContinuousClock.now < deadline else { throw MQTTError.timeout }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Disconnects cleanly (no Last Will), stops the network thread and ends `messages`.
    public func stop() async {
        await loop.stop()
        context.connected.store(false, ordering: .releasing)
        context.finish()
    }

    // MARK: messages

    /// The next messages received, as many as are waiting; nil after `stop()`.
    public func nextBatch() async -> [MQTTMessage]? { await context.inbound.nextBatch() }

    /// `handler` sees every message first, on the network thread, and says where it goes: handled
    /// there (`nextBatch` never sees it), queued for `nextBatch`, or durable (stored by
    /// `storeDurably` before its PUBACK is written). It must not block or wait: it may only hand
    /// the message on (start a task, resume a continuation). One handler per client.
    public func handleOnArrival(_ handler: @escaping @Sendable (MQTTMessage) -> MessageRoute) {
        context.arrival.withLock { $0 = ArrivalHandler(handle: handler) }
    }

    /// Where durable messages go: `store` runs on the network thread with every durable message
    /// read in one pass and must have them on disk when it returns; their PUBACKs are written
    /// only then. When it throws, the connection is dropped unacknowledged and the broker sends
    /// them again after the reconnect (a persistent session keeps them meanwhile).
    public func storeDurably(_ store: @escaping @Sendable ([MQTTMessage]) throws -> Void) {
        context.durableStore.withLock { $0 = DurableStore(store: store) }
    }

    /// Subscribes now if connected, and again after every reconnect.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce, retainAsPublished: Bool = false) {
        let subscription = MQTTSubscription(filter: filter, qos: qos, retainAsPublished: retainAsPublished)
        context.subscriptions.withLock { $0[filter] = subscription }
        if context.connected.load(ordering: .sequentiallyConsistent) {
            context.sendSubscribe(handle, subscription)
            loop.wake()
        }
    }

    public func unsubscribe(_ filter: String) {
        context.subscriptions.withLock { _ = $0.removeValue(forKey: filter) }
        _ = context.gate.queuing { mosquitto_unsubscribe(handle, nil, filter) }
        loop.wake()
    }

    /// Queues a message for sending and returns its message id.
    ///
    /// While disconnected, QoS 1/2 messages stay queued in libmosquitto and go out after the
    /// reconnect (so this does not throw for them); QoS 0 messages throw `notConnected`.
    @discardableResult
    public func publish(
        _ topic: String, _ payload: Data, qos: MQTTQoS = .atLeastOnce, retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) throws(MQTTError) -> Int32 {
        if payload.count > options.maxPacketSize { throw .payloadTooLarge(payload.count) }
        var mid: Int32 = 0
        func queue() -> Int32 {
            if options.protocolVersion == .v5 && !properties.isEmpty {
                var list = MQTTPropertyList.make(properties)
                defer { mosquitto_property_free_all(&list) }
                return payload.withUnsafeBytes { raw in
                    mosquitto_publish_v5(handle, &mid, topic, Int32(raw.count), raw.baseAddress, qos.rawValue, retain, list)
                }
            }
            return payload.withUnsafeBytes { raw in
                mosquitto_publish(handle, &mid, topic, Int32(raw.count), raw.baseAddress, qos.rawValue, retain)
            }
        }
        // QoS 0 is refused while a connect runs, as while disconnected; QoS 1/2 waits for CONNECT.
        guard let rc = qos == .atMostOnce ? context.gate.unlessConnecting(queue) : context.gate.queuing(queue) else {
            throw .notConnected
        }
        switch rc {
        case MOSQ_ERR_SUCCESS.rawValue:
            break
        case MOSQ_ERR_NO_CONN.rawValue where qos != .atMostOnce:
            break  // queued for after the reconnect; a retry would duplicate it
        case MOSQ_ERR_NO_CONN.rawValue:
            throw .notConnected
        case MOSQ_ERR_INVAL.rawValue:
            throw .invalidTopic(topic)
        case MOSQ_ERR_OVERSIZE_PACKET.rawValue, MOSQ_ERR_PAYLOAD_SIZE.rawValue:
            throw .payloadTooLarge(payload.count)
        default:
            throw .library(code: rc, message: String(cString: mosquitto_strerror(rc)))
        }
        messagesOut.increment()
        loop.wake()
        return mid
    }

    /// Publishes and waits for the broker's acknowledgement (QoS 1/2), e.g. before disconnecting.
    public func publishAcknowledged(
        _ topic: String, _ payload: Data, qos: MQTTQoS = .atLeastOnce, retain: Bool = false,
        properties: MQTTProperties = MQTTProperties(), timeout: Duration = .seconds(5)
    ) async throws {
        try await acknowledging(timeout: timeout) {
            let mid = try publish(topic, payload, qos: qos, retain: retain, properties: properties)
            return qos == .atMostOnce ? nil : mid
        }
    }

    /// Runs `publishing`, which queues messages and returns the id of the one to wait for (nil:
    /// none), then waits for the broker's acknowledgement of that message. Lets a burst of
    /// thousands of publishes go out in steps instead of all sitting in libmosquitto's queue.
    /// Returns the MQTT 5 reason code of the PUBACK (0 success, 16 no matching subscribers; 0
    /// with 3.1.1 and when nothing was waited for).
    @discardableResult
    public func acknowledging(timeout: Duration = .seconds(5), _ publishing: () throws -> Int32?) async throws -> Int32 {
        context.acks.withLock { $0.expecting += 1 }
        defer {
            context.acks.withLock { acks in
                acks.expecting -= 1
                if acks.expecting == 0 { acks.early.removeAll() }
            }
        }
        guard let mid = try publishing() else { return 0 }
        let context = self.context
        let timer = Task {
            try await Task.sleep(for: timeout)
            context.acks.withLock { $0.waiters.removeValue(forKey: mid) }?.resume(throwing: MQTTError.timeout)
        }
        defer { timer.cancel() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            let alreadyAcknowledged = context.acks.withLock { state -> Int32? in
                if let reason = state.early.removeValue(forKey: mid) { return reason }
                state.waiters[mid] = continuation
                return nil
            }
            if let alreadyAcknowledged { continuation.resume(returning: alreadyAcknowledged) }
        }
    }
}

/// `mosquitto_lib_init` must run once per process before any client exists.
enum MQTTLibrary {
    static let initialised: Bool = {
        mosquitto_lib_init()
        return true
    }()
}
