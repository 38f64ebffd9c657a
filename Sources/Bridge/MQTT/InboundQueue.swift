import Dispatch
import Foundation
import Logging
import Metrics
import Synchronization

/// Hands messages from libmosquitto's network thread to one Swift consumer.
///
/// The network thread never waits on Swift concurrency: while there is room it appends and returns.
/// When the buffer is full a QoS 0 message is dropped (counted and logged) and a QoS 1/2 message
/// makes the network thread wait for room, which stops reading from the socket and lets the broker
/// queue instead: back-pressure rather than loss.
final class InboundQueue: Sendable {
    private struct State {
        var pending: [MQTTMessage] = []
        var consumer: CheckedContinuation<[MQTTMessage]?, Never>?
        var producerWaiting = false
        var finished = false
    }

    private let state = Mutex(State())
    private let room = DispatchSemaphore(value: 0)
    private let capacity: Int
    private let logger: Logger
    private let dropped = Counter(label: "gatehouse_mqtt_inbound_dropped_total", dimensions: [("qos", "0")])
    private let stalls = Counter(label: "gatehouse_mqtt_inbound_backpressure_total")

    init(capacity: Int, logger: Logger) {
        self.capacity = max(1, capacity)
        self.logger = logger
    }

    /// Called on libmosquitto's thread only.
    func push(_ message: MQTTMessage) {
        while true {
            enum Outcome { case handedOver(CheckedContinuation<[MQTTMessage]?, Never>), queued, drop, wait, closed }
            let outcome: Outcome = state.withLock { s in
                if s.finished { return .closed }
                if let consumer = s.consumer {
                    s.consumer = nil
                    return .handedOver(consumer)
                }
                if s.pending.count < capacity {
                    s.pending.append(message)
                    return .queued
                }
                if message.qos == .atMostOnce { return .drop }
                s.producerWaiting = true
                return .wait
            }
            switch outcome {
            case .handedOver(let consumer):
                consumer.resume(returning: [message])
                return
            case .queued, .closed:
                return
            case .drop:
                dropped.increment()
                logger.warning("inbound buffer full: dropped a QoS 0 message", metadata: ["topic": "\(message.topic)"])
                return
            case .wait:
                stalls.increment()
                logger.warning(
                    "inbound buffer full (\(capacity) messages): pausing reads from the broker until the bridge catches up")
                room.wait()
            }
        }
    }

    /// Everything queued so far, or waits for the next message; nil once finished and drained.
    func nextBatch() async -> [MQTTMessage]? {
        await withCheckedContinuation { (continuation: CheckedContinuation<[MQTTMessage]?, Never>) in
            enum Outcome { case batch([MQTTMessage], wakeProducer: Bool), end, parked }
            let outcome: Outcome = state.withLock { s in
                if !s.pending.isEmpty {
                    let batch = s.pending
                    s.pending.removeAll(keepingCapacity: true)
                    let wake = s.producerWaiting
                    s.producerWaiting = false
                    return .batch(batch, wakeProducer: wake)
                }
                if s.finished { return .end }
                s.consumer = continuation
                return .parked
            }
            switch outcome {
            case .batch(let batch, let wake):
                if wake { room.signal() }
                continuation.resume(returning: batch)
            case .end:
                continuation.resume(returning: nil)
            case .parked:
                break
            }
        }
    }

    /// Ends the stream: a parked consumer gets nil, a waiting producer is released.
    func finish() {
        let (consumer, wake): (CheckedContinuation<[MQTTMessage]?, Never>?, Bool) = state.withLock { s in
            s.finished = true
            let c = s.consumer
            s.consumer = nil
            let w = s.producerWaiting
            s.producerWaiting = false
            return (s.pending.isEmpty ? c : nil, w)
        }
        if wake { room.signal() }
        consumer?.resume(returning: nil)
    }
}
