import Bridge
import Foundation
import Synchronization
import Topics

/// A test client that records everything it receives and lets a test await a message with a
/// timeout that fails loudly.
public final class MessageCollector: Sendable {
    public let client: MQTTClient
    private let box = StateBox()
    private let reader: Task<Void, Never>

    private final class StateBox: Sendable {
        let state = Mutex(State())
    }

    private struct State {
        var received: [MQTTMessage] = []
        var waiters: [(id: UUID, filter: TopicFilter, after: Int, continuation: CheckedContinuation<MQTTMessage?, Never>)] = []
    }

    /// Connects a client to the broker and subscribes to `filters`.
    /// `persistent`: a session the broker keeps (and queues for) while the client is away, as a
    /// field device that must not miss a command would have.
    public init(
        port: Int, filters: [String], protocolVersion: MQTTProtocolVersion = .v5, clientID: String? = nil,
        persistent: Bool = false
    ) async throws {
        client = try MQTTClient(
            options: MQTTOptions(
                port: port, clientID: clientID ?? "test-\(UUID().uuidString.prefix(8))", protocolVersion: protocolVersion,
                cleanStart: !persistent, sessionExpiry: persistent ? .seconds(300) : .zero, reconnectMaxDelay: .seconds(1)))
        let box = self.box
        let client = self.client
        let recorder = ContractRecorder.shared
        reader = Task {
            while let batch = await client.nextBatch() {
                for message in batch {
                    recorder?.record(message)
                    let ready = box.state.withLock { s -> [CheckedContinuation<MQTTMessage?, Never>] in
                        s.received.append(message)
                        let index = s.received.count - 1
                        let matched = s.waiters.filter { $0.filter.matches(message.topic) && index >= $0.after }
                        s.waiters.removeAll { w in matched.contains { $0.id == w.id } }
                        return matched.map(\.continuation)
                    }
                    ready.forEach { $0.resume(returning: message) }
                }
            }
        }
        for filter in filters { client.subscribe(filter, qos: .atLeastOnce) }
        client.start()
        try await client.waitUntilConnected(timeout: .seconds(10))
    }

    /// Everything received so far on topics matching `filter`.
    public func received(on filter: String) -> [MQTTMessage] {
        guard let f = TopicFilter(filter) else { return [] }
        return box.state.withLock { $0.received.filter { f.matches($0.topic) } }
    }

    /// The first message on `filter` received after `mark` (see `mark()`), waiting up to `timeout`.
    public func next(on filter: String, after mark: Int = 0, timeout: Duration = .seconds(5)) async throws -> MQTTMessage {
        guard let f = TopicFilter(filter) else { throw TestFailure("invalid filter \(filter)") }
        let id = UUID()
        let result: MQTTMessage? = await withTaskGroup(of: MQTTMessage?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let existing = self.box.state.withLock { s -> MQTTMessage? in
                        if let hit = s.received.enumerated().first(where: { $0.offset >= mark && f.matches($0.element.topic) }) {
                            return hit.element
                        }
                        s.waiters.append((id, f, mark, continuation))
                        return nil
                    }
                    if let existing { continuation.resume(returning: existing) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                let waiter = self.box.state.withLock { s -> CheckedContinuation<MQTTMessage?, Never>? in
                    guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.waiters.remove(at: index).continuation
                }
                waiter?.resume(returning: nil)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let result else { throw TestFailure("no message on \(filter) within \(timeout)") }
        return result
    }

    /// Waits until at least `count` messages arrived on `filter` in total and returns them all.
    public func messages(on filter: String, count: Int, timeout: Duration = .seconds(5)) async throws -> [MQTTMessage] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let position = mark()
            let got = received(on: filter)
            if got.count >= count { return got }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw TestFailure("only \(got.count) of \(count) messages on \(filter)") }
            _ = try await next(on: filter, after: position, timeout: left)
        }
    }

    /// A position in the received list; pass it to `next(on:after:)` to wait only for newer messages.
    public func mark() -> Int { box.state.withLock { $0.received.count } }

    public func publish(_ topic: String, _ payload: String, retain: Bool = false, properties: MQTTProperties = .init()) throws {
        try client.publish(topic, Data(payload.utf8), qos: .atLeastOnce, retain: retain, properties: properties)
    }

    public func stop() async {
        await client.stop()
        reader.cancel()
    }
}
