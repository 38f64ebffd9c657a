import Bridge
import Foundation
import Synchronization
import TestSupport
import Testing
import Topics

/// The MQTT client's durable path against a real mosquitto: a durable message is acknowledged to
/// the broker only once its store returned, so a store that fails leaves it with the broker.
@Suite("Durable intake: stored before acknowledged")
struct DurableIntakeTests {
    let port = TestBroker.shared.port

    /// A client with a persistent session whose every message on `filter` is durable.
    private func durableClient(_ id: String, filter: String, store: @escaping @Sendable ([MQTTMessage]) throws -> Void) -> MQTTClient? {
        guard let filterValue = TopicFilter(filter) else { return nil }
        let client = try? MQTTClient(
            options: MQTTOptions(
                port: port, clientID: id, cleanStart: false, sessionExpiry: .seconds(300),
                reconnectMinDelay: .milliseconds(100), reconnectMaxDelay: .milliseconds(200)))
        client?.handleOnArrival { filterValue.matches($0.topic) ? .durable : .queue }
        client?.storeDurably(store)
        client?.subscribe(filter, qos: .atLeastOnce)
        return client
    }

    @Test("a store that fails gets no PUBACK: the broker delivers the messages again, none is lost")
    func failedStoreIsNotAcknowledged() async throws {
        let base = "durable-\(UUID().uuidString.prefix(8))"
        let stored = Mutex<[String]>([])
        let failuresLeft = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        let client = try #require(
            durableClient("\(base)-bridge", filter: "\(base)/#") { batch in
                // Armed below: the next two stores fail, as a full disk would.
                if failuresLeft.load(ordering: .relaxed) > 0 {
                    failuresLeft.subtract(1, ordering: .relaxed)
                    failures.add(1, ordering: .relaxed)
                    throw StoreFull()
                }
                stored.withLock { $0 += batch.map { String(decoding: $0.payload, as: UTF8.self) } }
            })
        client.start()
        try await client.waitUntilConnected(timeout: .seconds(10))
        let publisher = try await MessageCollector(port: port, filters: [])
        // The subscription is active once a message on it arrives (CONNACK comes before SUBACK).
        try await until("subscribed") {
            try await publisher.client.publishAcknowledged("\(base)/probe", Data("probe".utf8))
            try await Task.sleep(for: .milliseconds(50))
            return stored.withLock { $0.contains("probe") }
        }
        failuresLeft.store(2, ordering: .relaxed)
        for i in 0..<20 {
            try await publisher.client.publishAcknowledged("\(base)/crossing", Data("c\(i)".utf8))
        }
        let expected = Set((0..<20).map { "c\($0)" })
        try await until("every message stored", timeout: .seconds(20)) { Set(stored.withLock { $0 }).isSuperset(of: expected) }
        #expect(failures.load(ordering: .relaxed) == 2, "the failing store was not called twice")
        await client.stop()
        await publisher.stop()
    }

    @Test("messages published while the client is away wait in its session and are stored after it returns")
    func persistentSessionKeepsEvents() async throws {
        let base = "durable-\(UUID().uuidString.prefix(8))"
        let stored = Mutex<[String]>([])
        let record: @Sendable ([MQTTMessage]) throws -> Void = { batch in
            stored.withLock { $0 += batch.map { String(decoding: $0.payload, as: UTF8.self) } }
        }
        let first = try #require(durableClient("\(base)-bridge", filter: "\(base)/#", store: record))
        first.start()
        try await first.waitUntilConnected(timeout: .seconds(10))
        await first.stop()
        let publisher = try await MessageCollector(port: port, filters: [])
        for i in 0..<10 {
            try await publisher.client.publishAcknowledged("\(base)/crossing", Data("away-\(i)".utf8))
        }
        let second = try #require(durableClient("\(base)-bridge", filter: "\(base)/#", store: record))
        second.start()
        let deadline = ContinuousClock.now + .seconds(10)
        while stored.withLock({ $0.count }) < 10 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(stored.withLock { $0 } == (0..<10).map { "away-\($0)" })
        await second.stop()
        await publisher.stop()
    }
}

private struct StoreFull: Error {}
