import CMosquitto
import Dispatch
import Foundation
import Glibc
import Logging
import Synchronization

/// libmosquitto driven by a thread of Gatehouse's own instead of `mosquitto_loop_start`.
///
/// libmosquitto queues the PUBACK of a QoS 1 message *before* it calls `on_message`, and its
/// threaded loop writes it right after the callback returns: an event handed to memory would be
/// acknowledged into memory. Here one pass is: wait with `poll()` on the socket and a wake-up
/// pipe; read until the socket is drained; store the durable events that were read (one
/// transaction, `MQTTCallbackContext.flushDurable`); only then write what is queued (those
/// PUBACKs, and publishes from other threads); then keep-alive. When the store fails, the
/// connection is dropped without writing, so the broker keeps the events and sends them again.
///
/// `poll()` also lifts libmosquitto's `select()` limit (descriptors below 1024), and a publish
/// from another thread wakes the loop with one pipe write per burst, not one per message.
final class MQTTNetworkLoop: Sendable {
    private enum State { case idle, running, stopping, stopped }

    private let mosquitto: MosquittoHandle
    var handle: OpaquePointer { mosquitto.pointer }
    let context: MQTTCallbackContext
    let options: MQTTOptions
    let logger: Logger
    /// A pipe: the loop polls its read end, `wake()` writes to the other.
    let wakeFD: Int32
    private let wakeWriteFD: Int32
    let wakePending = Atomic<Bool>(false)
    private let state = Mutex(State.idle)
    private let exited = DispatchSemaphore(value: 0)
    /// Messages read before their durable ones are stored and acknowledged: the broker sends at
    /// most its in-flight window (mosquitto: `max_inflight_messages`) unacknowledged anyway.
    let maxBatch = 1000
    /// From the TCP connect to the broker's CONNACK (TLS handshake included). libmosquitto's
    /// keep-alive would end a connection that never gets one only after `keepAlive` (30 s).
    let connectTimeout: Duration = .seconds(10)

    init(handle: MosquittoHandle, context: MQTTCallbackContext, options: MQTTOptions, logger: Logger) {
        mosquitto = handle
        self.context = context
        self.options = options
        self.logger = logger
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        }
        (wakeFD, wakeWriteFD) = (ends[0], ends[1])
    }

    deinit {
        if wakeFD >= 0 { close(wakeFD) }
        if wakeWriteFD >= 0 { close(wakeWriteFD) }
    }

    var isStopping: Bool { state.withLock { $0 == .stopping || $0 == .stopped } }

    var isRunning: Bool { state.withLock { $0 == .running } }

    /// Starts the thread; the first connect and every reconnect are retried with back-off.
    func start() {
        let start = state.withLock { state -> Bool in
            guard state == .idle else { return false }
            state = .running
            return true
        }
        guard start else { return }
        // Connecting blocks on DNS and TCP, and the loop blocks in poll(): a thread, not the task pool.
        Thread.detachNewThread { [self] in
            run()
            exited.signal()
        }
    }

    /// Disconnects cleanly (no Last Will) and waits, off the task pool, until the thread has ended.
    func stop() async {
        guard requestStop() else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { [self] in
                exited.wait()
                done.resume()
            }
        }
    }

    /// The same, blocking the caller (for `deinit`).
    func stopAndWait() {
        guard requestStop() else { return }
        exited.wait()
    }

    /// True when a running thread was asked to stop and must be waited for.
    private func requestStop() -> Bool {
        let wasRunning = state.withLock { state -> Bool in
            defer { if state != .stopping { state = .stopped } }
            guard state == .running else { return false }
            state = .stopping
            return true
        }
        if wasRunning { wake() }
        return wasRunning
    }

    /// Makes the loop write what other threads queued (publishes, subscribes).
    func wake() {
        guard !wakePending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var one: UInt8 = 1
        _ = write(wakeWriteFD, &one, 1)
    }

    // MARK: the thread

    private func run() {
        var delay = options.reconnectMinDelay
        while isRunning {
            _ = context.attemptErrors(reset: true)
            context.refusal.withLock { $0 = nil }
            context.verifyResult.store(0, ordering: .relaxed)
            // libmosquitto reports a failed TLS handshake only to its log callback. Off once the
            // broker has accepted: it would format a line for every packet.
            mosquitto_log_callback_set(handle, mqttOnLog)
            var evidence = MQTTConnectFailure.Evidence()
            var (rc, intruded) = context.gate.connect(connectOnce)
            // A packet another thread queued during the connect would go ahead of CONNECT (see
            // MQTTConnectGate): connect again at once, which drops it; a few times, then let the
            // broker judge.
            var again = 0
            while rc == MOSQ_ERR_SUCCESS.rawValue && intruded && again < 3 && isRunning {
                logger.debug("a packet was queued during the connect; connecting again before anything is sent")
                (rc, intruded) = context.gate.connect(connectOnce)
                again += 1
            }
            if rc == MOSQ_ERR_SUCCESS.rawValue {
                let accepted = serve(&evidence)
                guard isRunning else { break }
                if accepted {
                    // A session the broker accepted and later lost starts the back-off afresh.
                    delay = options.reconnectMinDelay
                    logger.warning("connecting to the broker again in \(delay)")
                } else {
                    report(evidence, retryingIn: delay)
                }
            } else {
                evidence.connectResult = rc
                report(evidence, retryingIn: delay)
            }
            pause(delay)
            delay = min(delay * 2, options.reconnectMaxDelay)
        }
        state.withLock { $0 = .stopped }
        context.connected.store(false, ordering: .releasing)
    }

    /// Logs why the attempt failed and keeps it for health reports.
    private func report(_ evidence: MQTTConnectFailure.Evidence, retryingIn delay: Duration) {
        var evidence = evidence
        evidence.libraryErrors = context.attemptErrors(reset: true)
        evidence.refusal = context.refusal.withLock { $0.take() }
        // Only when the connect call went through: an attempt that failed inside it may find the
        // SSL object of the attempt before it (libmosquitto frees that at the next connect).
        if options.tls != nil && evidence.connectResult == nil { observeVerification() }
        evidence.verifyResult = context.verifyResult.load(ordering: .relaxed)
        let failure = MQTTConnectFailure.diagnose(evidence, options: options)
        context.lastFailure.withLock { $0 = failure }
        let broker = "\(options.host):\(options.port)"
        if failure.isTLS {
            logger.error(
                "TLS handshake with the broker at \(broker) failed (client \(options.clientID)): \(failure.reason); retrying in \(delay)")
        } else {
            logger.warning(
                "connecting to the broker at \(broker) failed (client \(options.clientID)): \(failure.reason); retrying in \(delay)")
        }
    }

    func observeVerification() {
        MQTTTLSSetup.observeVerification(handle, context: context, userdata: Unmanaged.passUnretained(context).toOpaque())
    }

    private func connectOnce() -> Int32 {
        let keepAlive = Int32(max(5, options.keepAlive.wholeSeconds))
        guard options.tls == nil else { return MQTTTLSSetup.connect { connectCall(keepAlive: keepAlive) } }
        return connectCall(keepAlive: keepAlive)
    }

    private func connectCall(keepAlive: Int32) -> Int32 {
        guard options.protocolVersion == .v5 else {
            return mosquitto_connect(handle, options.host, Int32(options.port), keepAlive)
        }
        var properties: OpaquePointer? = nil
        defer { mosquitto_property_free_all(&properties) }
        let expiry = UInt32(clamping: options.sessionExpiry.wholeSeconds)
        if expiry > 0 {
            mosquitto_property_add_int32(&properties, MQTTPropertyList.id(MQTT_PROP_SESSION_EXPIRY_INTERVAL), expiry)
        }
        // Twice what is taken: a broker silently drops what exceeds the client's Maximum Packet
        // Size, so a message up to twice the limit still arrives and is reported as too large
        // (`MQTTMessage.oversize`) instead of vanishing. The broker's max_packet_size bounds the rest.
        mosquitto_property_add_int32(
            &properties, MQTTPropertyList.id(MQTT_PROP_MAXIMUM_PACKET_SIZE),
            UInt32(clamping: min(268_435_455, options.maxPacketSize * 2)))
        return mosquitto_connect_bind_v5(handle, options.host, Int32(options.port), keepAlive, nil, properties)
    }
}

