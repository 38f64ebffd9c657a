import Bridge
import Foundation
import Synchronization

/// The requesting side of the round-trip bench: publishes requests with a Response Topic and a
/// Correlation Data of (phase, sequence), and times every reply it gets back.
///
/// One task consumes the replies for the client's whole life and charges each to the phase that is
/// current; replies from an earlier phase are ignored. In a closed loop that task also sends the
/// next request, so sending and timing need no sharing beyond the phase's lock.
final class Requester: Sendable {
    let client: MQTTClient
    let replyTopic: String
    let payload: Data
    let qos: MQTTQoS
    private let phase = Mutex<RequestPhase?>(nil)
    private let nextPhaseID = Atomic<UInt32>(1)

    init(broker: BrokerAddress, replyTopic: String, payload: Data, qos: MQTTQoS) throws {
        client = try MQTTClient(
            options: MQTTOptions(
                host: broker.host, port: broker.port, clientID: "bench-requester-\(UUID().uuidString.prefix(8))",
                inboundCapacity: 1_000_000))
        self.replyTopic = replyTopic
        self.payload = payload
        self.qos = qos
        client.subscribe(replyTopic, qos: qos)
    }

    /// Connects and consumes replies until `stop()`.
    func start() async throws {
        client.start()
        try await client.waitUntilConnected(timeout: .seconds(10))
        Task { await self.consumeReplies() }
    }

    func stop() async { await client.stop() }

    // MARK: phases

    /// Makes `requestTopic` the current phase; replies of any earlier phase are ignored from now on.
    func begin(_ requestTopic: String, configure: (inout RequestPhase) -> Void = { _ in }) -> UInt32 {
        let id = nextPhaseID.add(1, ordering: .relaxed).oldValue
        var fresh = RequestPhase(id: id, requestTopic: requestTopic)
        configure(&fresh)
        phase.withLock { $0 = fresh }
        return id
    }

    /// Ends the current phase and returns it.
    func end() -> RequestPhase? { phase.withLock { p in defer { p = nil }; return p } }

    var received: Int { phase.withLock { $0?.received ?? 0 } }
    var sentCount: Int { phase.withLock { $0?.sentAt.count ?? 0 } }
    var lastReplyAt: UInt64 { phase.withLock { $0?.lastReplyAt ?? 0 } }

    func send(_ topic: String, phase id: UInt32, seq: UInt64) {
        var correlation = Data(count: 12)
        correlation.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: id.bigEndian, toByteOffset: 0, as: UInt32.self)
            raw.storeBytes(of: seq.bigEndian, toByteOffset: 4, as: UInt64.self)
        }
        do {
            try client.publish(
                topic, payload, qos: qos,
                properties: MQTTProperties(responseTopic: replyTopic, correlationData: correlation))
        } catch {
            Log.progress("request publish failed: \(error)")
        }
    }

    /// Closed loop: records the send time, then sends.
    func sendTimed(phase id: UInt32) {
        let sent: (String, UInt64)? = phase.withLock { current in
            guard let topic = current?.requestTopic, current?.id == id, let seq = current?.noteSent(at: Monotonic.now())
            else { return nil }
            return (topic, seq)
        }
        if let (topic, seq) = sent { send(topic, phase: id, seq: seq) }
    }

    private func consumeReplies() async {
        while let batch = await client.nextBatch() {
            var resend: [(String, UInt32, UInt64)] = []
            phase.withLock { current in
                for message in batch {
                    guard let (id, seq) = Self.correlation(message), id == current?.id else { continue }
                    if let next = current?.recordReply(seq: seq, at: Monotonic.now()), let topic = current?.requestTopic {
                        resend.append((topic, id, next))
                    }
                }
            }
            for (topic, id, seq) in resend { send(topic, phase: id, seq: seq) }
        }
    }

    private static func correlation(_ message: MQTTMessage) -> (UInt32, UInt64)? {
        guard let data = message.properties.correlationData, data.count == 12 else { return nil }
        return data.withUnsafeBytes { raw in
            (
                UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
            )
        }
    }
}
