import CMosquitto
import Foundation
import Logging
import Metrics
import Synchronization

struct MQTTSubscription: Sendable, Equatable {
    var filter: String
    var qos: MQTTQoS
    var retainAsPublished: Bool
}

/// State shared between libmosquitto's network thread and Swift tasks. Every field is either
/// immutable, a `Mutex`, an `Atomic`, or itself `Sendable`, so the callbacks cannot race.
final class MQTTCallbackContext: Sendable {
    let inbound: InboundQueue
    let protocolVersion: MQTTProtocolVersion
    let logger: Logger
    let events: AsyncStream<MQTTConnectionEvent>
    private let eventSink: AsyncStream<MQTTConnectionEvent>.Continuation
    let subscriptions = Mutex<[String: MQTTSubscription]>([:])
    let connected = Atomic<Bool>(false)
    let everConnected = Atomic<Bool>(false)
    let reconnectCount = Atomic<Int>(0)
    let acks = Mutex(AckWaiters())
    /// Connections the broker accepted, so the network loop can tell an accepted session from a refusal.
    let acceptedConnects = Atomic<Int>(0)
    /// CONNACKs received, accepting or not: a connection that got one is past its TLS handshake.
    let connacks = Atomic<Int>(0)
    /// X509_V_ERR_* of the last verification of the broker's certificate (0: passed), see `MQTTTLSSetup`.
    let verifyResult = Atomic<Int>(0)
    /// The verification of libmosquitto's SSL_CTX is wrapped (once per client).
    let verificationObserved = Atomic<Bool>(false)
    /// The reason of the last CONNACK that refused, until the network loop reports it.
    let refusal = Mutex<String?>(nil)
    /// Stores durable messages before their PUBACKs are written (see `MQTTClient.storeDurably`).
    let durableStore = Mutex<DurableStore?>(nil)
    /// SUBSCRIBEs of this connection not yet acknowledged, and who waits for none to be left.
    let subacks = Mutex(Subacks())
    struct Subacks {
        var mids: Set<Int32> = []
        /// The subscriptions of a connection were sent (so an empty set means acknowledged).
        var acknowledgedOnce = false
    }
    /// Durable messages read since the last store; touched on the network thread only.
    private let durableBatch = Mutex<[MQTTMessage]>([])
    /// Sees every message on the network thread first; true means it was handled there and is not
    /// queued (see `MQTTClient.handleOnArrival`). In a struct: a closure that is a `Mutex`'s value
    /// itself gets re-wrapped in two reabstraction thunks on every `withLock`, so each call is
    /// slower than the last (it spun the network thread within seconds at 1000 msg/s;
    /// docs/performance.md, "Closures in a Mutex").
    let arrival = Mutex<ArrivalHandler?>(nil)
    private let connectionWaiters = Mutex<[UUID: CheckedContinuation<Void, Never>]>([:])
    /// Error lines libmosquitto logged during the current connection attempt (its only report of
    /// a failed TLS handshake); bounded, and collected only until the broker accepts.
    private let attemptLog = Mutex<[String]>([])
    /// Why the last connection attempt failed; kept after a later success, for bridge/health.
    let lastFailure = Mutex<MQTTConnectFailure?>(nil)
    /// Holds publish, subscribe and unsubscribe back while a connect runs (CONNECT goes first).
    let gate = MQTTConnectGate()
    private let reconnects = Counter(label: "gatehouse_mqtt_reconnects_total")
    private let messagesIn = Counter(label: "gatehouse_mqtt_messages_in_total")
    private let oversized = Counter(label: "gatehouse_mqtt_oversize_total")
    private let oversizeLog = LogThrottle(interval: .seconds(60))
    /// Larger payloads are taken as `oversize` (the broker may send up to twice this, see MQTTNetworkLoop).
    let maxPayloadBytes: Int

    init(inboundCapacity: Int, protocolVersion: MQTTProtocolVersion, maxPayloadBytes: Int, logger: Logger) {
        self.maxPayloadBytes = maxPayloadBytes
        self.inbound = InboundQueue(capacity: inboundCapacity, logger: logger)
        self.protocolVersion = protocolVersion
        self.logger = logger
        (events, eventSink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(256))
    }

    func subscribeOptions(_ subscription: MQTTSubscription) -> Int32 {
        guard protocolVersion == .v5, subscription.retainAsPublished else { return 0 }
        return Int32(MQTT_SUB_OPT_RETAIN_AS_PUBLISHED.rawValue)
    }

    func sendSubscribe(_ handle: OpaquePointer, _ subscription: MQTTSubscription) {
        var mid: Int32 = 0
        // Registered before the packet can go out, so its SUBACK always finds it.
        let rc = subacks.withLock { pending -> Int32 in
            let rc = gate.queuing {
                mosquitto_subscribe_v5(
                    handle, &mid, subscription.filter, subscription.qos.rawValue, subscribeOptions(subscription), nil)
            }
            if rc == MOSQ_ERR_SUCCESS.rawValue { pending.mids.insert(mid) }
            return rc
        }
        if rc != MOSQ_ERR_SUCCESS.rawValue && rc != MOSQ_ERR_NO_CONN.rawValue {
            logger.error("subscribe to \(subscription.filter) failed: \(String(cString: mosquitto_strerror(rc)))")
        }
    }

    /// A SUBACK.
    func didSubscribe(mid: Int32) {
        _ = subacks.withLock { $0.mids.remove(mid) }
    }

    /// Connected, and the broker acknowledged every subscription of this connection.
    var isSubscribed: Bool {
        connected.load(ordering: .acquiring) && subacks.withLock { $0.acknowledgedOnce && $0.mids.isEmpty }
    }

    // MARK: called on libmosquitto's thread

    func didConnect(_ handle: OpaquePointer, rc: Int32, flags: Int32) {
        connacks.add(1, ordering: .relaxed)
        guard rc == 0 else {
            let reason = String(cString: protocolVersion == .v5 ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc))
            // Logged by the network loop with the attempt (MQTTConnectFailure), once.
            refusal.withLock { $0 = reason }
            eventSink.yield(.refused(reason: reason))
            return
        }
        acceptedConnects.add(1, ordering: .relaxed)
        if everConnected.exchange(true, ordering: .relaxed) {
            reconnects.increment()
            reconnectCount.add(1, ordering: .relaxed)
        }
        // Connected first, then the snapshot: a subscribe() racing with this connect either lands
        // in the snapshot or sees `connected` and sends itself (a duplicate SUBSCRIBE is harmless,
        // a lost one is not). A clean session forgets subscriptions, so every connect subscribes again.
        subacks.withLock { $0.mids.removeAll() }
        connected.store(true, ordering: .sequentiallyConsistent)
        let all = subscriptions.withLock({ Array($0.values) })
        for subscription in all {
            sendSubscribe(handle, subscription)
        }
        subacks.withLock { $0.acknowledgedOnce = true }
        eventSink.yield(.connected(sessionPresent: flags & 1 == 1))
        let waiters = connectionWaiters.withLock { w in
            defer { w.removeAll() }
            return Array(w.values)
        }
        waiters.forEach { $0.resume() }
    }

    func didDisconnect(rc: Int32) {
        // A connection the broker never accepted is not "disconnected": the network loop reports
        // why the attempt failed, with what libmosquitto logged.
        guard connected.exchange(false, ordering: .acquiringAndReleasing) || rc == 0 else { return }
        let reason = rc == 0 ? "disconnected on request" : String(cString: mosquitto_strerror(rc))
        eventSink.yield(.disconnected(reason: reason))
    }

    func didReceive(_ message: UnsafePointer<mosquitto_message>, _ properties: OpaquePointer?) {
        let m = message.pointee
        let topic = String(cString: m.topic)
        let size = Int(m.payloadlen)
        let buffer = m.payload.map { UnsafeRawBufferPointer(start: $0, count: size) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        messagesIn.increment()
        var received = MQTTMessage(
            topic: topic, payload: Data(), qos: MQTTQoS(rawValue: m.qos) ?? .atMostOnce, retain: m.retain,
            properties: MQTTPropertyList.read(properties))
        if size > maxPayloadBytes {
            // Taken, not silently dropped: its consumer reports it (a recognition gets a decision
            // `too-large`); only its uuid is kept, found in the bytes without parsing them.
            received.oversize = size
            received.payload = OversizePayload.salvage(buffer)
            oversized.increment()
            if oversizeLog.allow(topic) {
                logger.warning("a message of \(size) bytes on \(topic) is over mqtt.maxPacketSize (\(maxPayloadBytes)): reported, not acted on")
            }
        } else {
            received.payload = Data(buffer)
        }
        switch arrival.withLock({ $0 })?.handle(received) ?? .queue {
        case .handled: return
        case .queue: inbound.push(received)
        case .durable: durableBatch.withLock { $0.append(received) }
        }
    }

    /// A line libmosquitto logged (only while a connection attempt runs: see `MQTTNetworkLoop`).
    func didLog(level: Int32, _ line: String) {
        guard level & Int32(MOSQ_LOG_ERR) != 0 else { return }
        attemptLog.withLock { lines in
            if lines.count < 16 { lines.append(line) }
        }
    }

    /// The error lines of the attempt so far; `reset` empties them for the next attempt.
    func attemptErrors(reset: Bool = false) -> [String] {
        attemptLog.withLock { lines in
            defer { if reset { lines.removeAll() } }
            return lines
        }
    }

    /// Durable messages read and not yet stored.
    var durableBacklog: Int { durableBatch.withLock { $0.count } }

    /// Stores the durable messages read so far; false when that failed (they must not be
    /// acknowledged). On the network thread, between reading and writing.
    func flushDurable() -> Bool {
        let batch = durableBatch.withLock { batch in defer { batch.removeAll(keepingCapacity: true) }; return batch }
        guard !batch.isEmpty else { return true }
        guard let store = durableStore.withLock({ $0 }) else {
            logger.error("\(batch.count) durable message(s) arrived with no store to keep them: dropped unacknowledged")
            return false
        }
        do {
            try store.store(batch)
            return true
        } catch {
            logger.error("cannot store \(batch.count) received event(s): \(error)")
            return false
        }
    }

    /// Forgets durable messages read on a connection that is dropped unacknowledged.
    func discardDurable() {
        durableBatch.withLock { $0.removeAll() }
    }

    func didPublish(mid: Int32, reasonCode: Int32) {
        let waiter: CheckedContinuation<Int32, any Error>? = acks.withLock { $0.acknowledged(mid, reason: reasonCode) }
        waiter?.resume(returning: reasonCode)
    }

    // MARK: called from Swift

    /// Returns once connected, or once the task is cancelled (`MQTTClient.waitUntilConnected`'s
    /// timeout cancels it: a waiter left behind would keep its task group from ever ending).
    func waitUntilConnected() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Under the lock, so a cancellation either finds the waiter or is seen here.
                let already = connectionWaiters.withLock { w -> Bool in
                    if connected.load(ordering: .acquiring) || Task.isCancelled { return true }
                    w[id] = continuation
                    return false
                }
                if already { continuation.resume() }
            }
        } onCancel: {
            connectionWaiters.withLock { $0.removeValue(forKey: id) }?.resume()
        }
    }

    func finish() {
        eventSink.finish()
        inbound.finish()
    }
}

/// What sees each message on the network thread before it is queued.
struct ArrivalHandler: Sendable {
    let handle: @Sendable (MQTTMessage) -> MessageRoute
}

/// Where a received message goes, decided on the network thread as it arrives.
public enum MessageRoute: Sendable {
    /// Handled on arrival (a request handed to the router, a reply someone awaits).
    case handled
    /// Queued in memory for `MQTTClient.nextBatch`.
    case queue
    /// An event: stored by the client's durable store before its PUBACK is written.
    case durable
}

/// Writes durable messages to disk, blocking the network thread until they are there. In a struct
/// for the reason `ArrivalHandler` is (a bare closure in a `Mutex` gains thunks on every call).
struct DurableStore: Sendable {
    let store: @Sendable ([MQTTMessage]) throws -> Void
}

/// Publishes whose PUBACK someone awaits. An acknowledgement can arrive before the publisher has
/// registered its waiter; it is remembered while anyone is waiting, then forgotten.
struct AckWaiters {
    var waiters: [Int32: CheckedContinuation<Int32, any Error>] = [:]
    /// Acknowledgements that came before their waiter: message id → MQTT 5 reason code.
    var early: [Int32: Int32] = [:]
    var expecting = 0

    mutating func acknowledged(_ mid: Int32, reason: Int32) -> CheckedContinuation<Int32, any Error>? {
        if let waiter = waiters.removeValue(forKey: mid) { return waiter }
        if expecting > 0 { early[mid] = reason }
        return nil
    }
}
