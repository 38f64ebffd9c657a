import Foundation
import Synchronization

/// Checks the broker for real: publishes a probe to a topic only this bridge subscribes to and
/// waits for it to come back.
final class BrokerProbe: Sendable {
    let topic: String
    private let client: MQTTClient
    private let waiting = Mutex<[String: CheckedContinuation<Void, Never>]>([:])

    init(topic: String, client: MQTTClient) {
        self.topic = topic
        self.client = client
    }

    /// Called by the dispatcher for messages on `topic`.
    func received(_ message: MQTTMessage) {
        let token = String(decoding: message.payload, as: UTF8.self)
        waiting.withLock { $0.removeValue(forKey: token) }?.resume()
    }

    /// The round-trip time, or throws when the probe did not return within `timeout`.
    func roundTrip(timeout: Duration) async throws -> Duration {
        let token = UUID().uuidString
        let start = ContinuousClock.now
        try await withDeadline(timeout, onTimeout: { MQTTError.timeout }) { [self] in
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                waiting.withLock { $0[token] = continuation }
                do {
                    try client.publish(topic, Data(token.utf8), qos: .atLeastOnce)
                } catch {
                    // Leave the waiter: the deadline reports the failure.
                }
            }
        }
        return ContinuousClock.now - start
    }
}
