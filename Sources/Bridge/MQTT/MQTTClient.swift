import CMosquitto
import Foundation
import Logging
import Metrics
import Synchronization

/// An MQTT 3.1.1/5 client over libmosquitto.
///
/// libmosquitto runs its network loop on its own thread (`mosquitto_loop_start`) and reconnects with
/// capped exponential back-off; this type adds what it lacks: retrying the first connect,
/// re-subscribing after every connect, and handing messages to Swift concurrency. `publish` is
/// thread-safe in libmosquitto, so it may be called from any task.
public final class MQTTClient: Sendable {
    public let options: MQTTOptions
    /// Immutable for the client's lifetime; destroyed only in `deinit`, after the loop has stopped.
    private let mosquitto: MosquittoHandle
    private var handle: OpaquePointer { mosquitto.pointer }
    private let context: MQTTCallbackContext
    private let userdata: Unmanaged<MQTTCallbackContext>
    private let logger: Logger
    private let lifecycle = Mutex(Lifecycle.idle)
    private let messagesOut = Counter(label: "gatehouse_mqtt_messages_out_total")

    private enum Lifecycle { case idle, connecting, running, stopped }

    public init(options: MQTTOptions, logger: Logger = Logger(label: "gatehouse.mqtt")) throws {
        _ = MQTTLibrary.initialised
        self.options = options
        self.logger = logger
        let context = MQTTCallbackContext(
            inboundCapacity: options.inboundCapacity, protocolVersion: options.protocolVersion, logger: logger)
        self.context = context
        userdata = Unmanaged.passRetained(context)
        guard let handle = mosquitto_new(options.clientID, options.cleanStart, userdata.toOpaque()) else {
            userdata.release()
            throw MQTTError.library(code: -1, message: "mosquitto_new failed (client id '\(options.clientID)')")
        }
        self.mosquitto = MosquittoHandle(pointer: handle)
        do {
            try configure()
        } catch {
            mosquitto_destroy(handle)
            userdata.release()
            throw error
        }
    }

    deinit {
        mosquitto_disconnect(handle)
        mosquitto_loop_stop(handle, true)
        mosquitto_destroy(handle)
        context.finish()
        userdata.release()
    }

    private func configure() throws(MQTTError) {
        context.onRefused.withLock { $0 = RefusalHandler { [weak self] in self?.reconnectAfterRefusal() } }
        let version = options.protocolVersion == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311
        try check(mosquitto_int_option(handle, MOSQ_OPT_PROTOCOL_VERSION, version))
        // Without TCP_NODELAY a QoS 1 round trip waits on Nagle's algorithm (88 ms instead of 0.15 ms).
        try check(mosquitto_int_option(handle, MOSQ_OPT_TCP_NODELAY, 1))
        if let username = options.username {
            try check(mosquitto_username_pw_set(handle, username, options.password))
        }
        if let tls = options.tls {
            if tls.caFile == nil {
                try check(mosquitto_int_option(handle, MOSQ_OPT_TLS_USE_OS_CERTS, 1))
            }
            try check(mosquitto_tls_set(handle, tls.caFile, nil, tls.certFile, tls.keyFile, nil))
            if tls.insecure {
                try check(mosquitto_tls_opts_set(handle, 0, nil, nil))  // SSL_VERIFY_NONE
                try check(mosquitto_tls_insecure_set(handle, true))
            }
        }
        if let will = options.will {
            let rc = will.payload.withUnsafeBytes { raw in
                mosquitto_will_set_v5(
                    handle, will.topic, Int32(raw.count), raw.baseAddress, will.qos.rawValue, will.retain, nil)
            }
            try check(rc)
        }
        try check(
            mosquitto_reconnect_delay_set(
                handle, UInt32(max(1, options.reconnectMinDelay.wholeSeconds)),
                UInt32(max(1, options.reconnectMaxDelay.wholeSeconds)), true))
        mosquitto_connect_v5_callback_set(handle, mqttOnConnect)
        mosquitto_disconnect_v5_callback_set(handle, mqttOnDisconnect)
        mosquitto_message_v5_callback_set(handle, mqttOnMessage)
        mosquitto_publish_v5_callback_set(handle, mqttOnPublish)
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
    public var isStopping: Bool { lifecycle.withLock { if case .stopped = $0 { true } else { false } } }

    /// Reconnects since the first connection.
    public var reconnectCount: Int { context.reconnectCount.load(ordering: .relaxed) }

    /// Starts connecting in the background and returns at once. The first connect is retried with
    /// back-off until it succeeds (libmosquitto does not retry it); later drops reconnect by themselves.
    public func start() {
        let shouldStart = lifecycle.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .connecting
            return true
        }
        guard shouldStart else { return }
        // The connect call blocks on DNS and TCP, so it runs on a thread of its own, not in the task pool.
        Thread.detachNewThread { [self] in self.connectUntilConnected() }
    }

    private func connectUntilConnected() {
        var delay = options.reconnectMinDelay
        while true {
            guard lifecycle.withLock({ if case .connecting = $0 { true } else { false } }) else { return }
            let rc = connectOnce()
            if rc == MOSQ_ERR_SUCCESS.rawValue {
                let started = lifecycle.withLock { state -> Bool in
                    guard case .connecting = state else { return false }
                    state = .running
                    return true
                }
                if started { mosquitto_loop_start(handle) }
                return
            }
            logger.warning(
                "cannot reach the broker at \(options.host):\(options.port): \(String(cString: mosquitto_strerror(rc))); retrying in \(delay)"
            )
            Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            delay = min(delay * 2, options.reconnectMaxDelay)
        }
    }

    /// libmosquitto 2.0 treats an MQTT 5 refusal (reason code ≥ 128, e.g. a wrong password) as a
    /// protocol error: its network thread ends and never reconnects (3.1.1 refusals it retries
    /// itself). Without this the bridge would stay up, disconnected, until restarted by hand.
    /// Called on the network thread, which cannot join itself: the restart runs on a thread of its own.
    private func reconnectAfterRefusal() {
        guard options.protocolVersion == .v5 else { return }
        let restart = lifecycle.withLock { state -> Bool in
            guard case .running = state else { return false }
            state = .connecting
            return true
        }
        guard restart else { return }
        let refusals = context.refusalsInARow.load(ordering: .relaxed)
        var delay = options.reconnectMinDelay
        for _ in 1..<max(1, min(refusals, 16)) { delay = min(delay * 2, options.reconnectMaxDelay) }
        logger.warning("the broker refused the connection; connecting again in \(delay)")
        Thread.detachNewThread { [self, delay] in
            // The network thread returns right after the refusal callback; wait for it to end.
            mosquitto_loop_stop(handle, false)
            Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            connectUntilConnected()
        }
    }

    private func connectOnce() -> Int32 {
        let keepAlive = Int32(max(5, options.keepAlive.wholeSeconds))
        guard options.protocolVersion == .v5 else {
            return mosquitto_connect(handle, options.host, Int32(options.port), keepAlive)
        }
        var properties: OpaquePointer? = nil
        defer { mosquitto_property_free_all(&properties) }
        let expiry = UInt32(clamping: options.sessionExpiry.wholeSeconds)
        if expiry > 0 {
            mosquitto_property_add_int32(&properties, MQTTPropertyList.id(MQTT_PROP_SESSION_EXPIRY_INTERVAL), expiry)
        }
        mosquitto_property_add_int32(
            &properties, MQTTPropertyList.id(MQTT_PROP_MAXIMUM_PACKET_SIZE), UInt32(clamping: options.maxPacketSize))
        return mosquitto_connect_bind_v5(handle, options.host, Int32(options.port), keepAlive, nil, properties)
    }

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

    /// Disconnects cleanly (no Last Will), stops the network thread and ends `messages`.
    public func stop() async {
        let wasRunning = lifecycle.withLock { state -> Bool in
            defer { state = .stopped }
            if case .running = state { return true }
            return false
        }
        if wasRunning {
            mosquitto_disconnect(handle)
            // loop_stop joins the network thread: keep that wait off the task pool.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread { [mosquitto] in
                    mosquitto_loop_stop(mosquitto.pointer, false)
                    done.resume()
                }
            }
        }
        context.connected.store(false, ordering: .releasing)
        context.finish()
    }

    // MARK: messages

    /// The next messages received, as many as are waiting; nil after `stop()`.
    public func nextBatch() async -> [MQTTMessage]? { await context.inbound.nextBatch() }

    /// `handler` sees every message first, on libmosquitto's network thread; returning true means
    /// it was handled there and `nextBatch` never sees it. It must not block or wait: it may only
    /// hand the message on (start a task, resume a continuation). One handler per client.
    public func handleOnArrival(_ handler: @escaping @Sendable (MQTTMessage) -> Bool) {
        context.arrival.withLock { $0 = ArrivalHandler(handle: handler) }
    }

    /// Subscribes now if connected, and again after every reconnect.
    public func subscribe(_ filter: String, qos: MQTTQoS = .atLeastOnce, retainAsPublished: Bool = false) {
        let subscription = MQTTSubscription(filter: filter, qos: qos, retainAsPublished: retainAsPublished)
        context.subscriptions.withLock { $0[filter] = subscription }
        if context.connected.load(ordering: .sequentiallyConsistent) { context.sendSubscribe(handle, subscription) }
    }

    public func unsubscribe(_ filter: String) {
        context.subscriptions.withLock { _ = $0.removeValue(forKey: filter) }
        mosquitto_unsubscribe(handle, nil, filter)
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
        var rc: Int32
        if options.protocolVersion == .v5 && !properties.isEmpty {
            var list = MQTTPropertyList.make(properties)
            defer { mosquitto_property_free_all(&list) }
            rc = payload.withUnsafeBytes { raw in
                mosquitto_publish_v5(handle, &mid, topic, Int32(raw.count), raw.baseAddress, qos.rawValue, retain, list)
            }
        } else {
            rc = payload.withUnsafeBytes { raw in
                mosquitto_publish(handle, &mid, topic, Int32(raw.count), raw.baseAddress, qos.rawValue, retain)
            }
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
    public func acknowledging(timeout: Duration = .seconds(5), _ publishing: () throws -> Int32?) async throws {
        context.acks.withLock { $0.expecting += 1 }
        defer {
            context.acks.withLock { acks in
                acks.expecting -= 1
                if acks.expecting == 0 { acks.early.removeAll() }
            }
        }
        guard let mid = try publishing() else { return }
        let context = self.context
        let timer = Task {
            try await Task.sleep(for: timeout)
            context.acks.withLock { $0.waiters.removeValue(forKey: mid) }?.resume(throwing: MQTTError.timeout)
        }
        defer { timer.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let alreadyAcknowledged = context.acks.withLock { state -> Bool in
                if state.early.remove(mid) != nil { return true }
                state.waiters[mid] = continuation
                return false
            }
            if alreadyAcknowledged { continuation.resume() }
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
