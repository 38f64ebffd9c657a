import Foundation
import GRDB
import Testing
@testable import Bridge

@Suite("Outbox")
struct OutboxTests {
    let stream = "vanke.push"

    /// Leases everything due at `now` and returns the payloads as strings.
    func leasePayloads(_ outbox: Outbox, at now: Date = storeTestEpoch) async throws -> [String] {
        try await outbox.lease(stream: stream, limit: 10, leaseFor: .seconds(60), now: now)
            .map { String(decoding: $0.payload, as: UTF8.self) }
    }

    @Test func deliversEachKeyInOrderOneAtATime() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        var ids: [String: Int64] = [:]
        for (key, payload) in [("gateA", "a1"), ("gateB", "b1"), ("gateA", "a2"), ("gateB", "b2"), ("gateA", "a3")] {
            ids[payload] = try await outbox.enqueue(stream: stream, key: key, payload: payload.storeData, now: storeTestEpoch)
        }

        #expect(try await leasePayloads(outbox) == ["a1", "b1"])
        // a2 and b2 wait behind their leased heads.
        #expect(try await leasePayloads(outbox) == [])

        try await outbox.ack(id: try #require(ids["a1"]))
        #expect(try await leasePayloads(outbox) == ["a2"])
        try await outbox.ack(id: try #require(ids["b1"]))
        try await outbox.ack(id: try #require(ids["a2"]))
        #expect(try await leasePayloads(outbox) == ["b2", "a3"])
        try await outbox.ack(id: try #require(ids["b2"]))
        try await outbox.ack(id: try #require(ids["a3"]))
        #expect(try await leasePayloads(outbox) == [])
        #expect(storeDepthCounts(try await outbox.depth()) == [0, 0])
    }

    @Test func leaseReturnsEntryFieldsAndRespectsLimitAndStream() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        let id = try await outbox.enqueue(stream: stream, key: "k1", payload: "x".storeData, now: storeTestEpoch)
        try await outbox.enqueue(stream: stream, key: "k2", payload: "y".storeData, now: storeTestEpoch)
        try await outbox.enqueue(stream: "other", key: "k1", payload: "z".storeData, now: storeTestEpoch)

        let leased = try await outbox.lease(stream: stream, limit: 1, leaseFor: .seconds(60), now: storeTestEpoch)
        #expect(leased.count == 1)
        let entry = try #require(leased.first)
        #expect(entry.id == id)
        #expect(entry.stream == stream)
        #expect(entry.key == "k1")
        #expect(entry.payload == "x".storeData)
        #expect(entry.attempts == 0)
        #expect(entry.enqueuedAt == storeTestEpoch)
        #expect(try await leasePayloads(outbox) == ["y"])
    }

    @Test func entriesEnqueuedInTheFutureAreNotDueYet() async throws {
        let store = try Store.temporary()
        try await store.outbox.enqueue(stream: stream, key: "k", payload: "x".storeData, now: storeTestEpoch)
        #expect(try await leasePayloads(store.outbox, at: storeTestEpoch.addingTimeInterval(-1)) == [])
        #expect(try await leasePayloads(store.outbox, at: storeTestEpoch) == ["x"])
    }

    @Test func expiredLeaseIsHandedOutAgain() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        try await outbox.enqueue(stream: stream, key: "k", payload: "x".storeData, now: storeTestEpoch)
        let first = try await outbox.lease(stream: stream, limit: 10, leaseFor: .seconds(30), now: storeTestEpoch)
        #expect(first.count == 1)
        let stillHeld = try await outbox.lease(
            stream: stream, limit: 10, leaseFor: .seconds(30), now: storeTestEpoch.addingTimeInterval(29.9))
        #expect(stillHeld.isEmpty)
        let expired = try await outbox.lease(
            stream: stream, limit: 10, leaseFor: .seconds(30), now: storeTestEpoch.addingTimeInterval(30))
        #expect(expired.map(\.id) == first.map(\.id))
    }

    @Test func leasedButUnackedEntriesSurviveReopen() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.databasePath)
        for index in 0..<20 {
            try await store.outbox.enqueue(stream: stream, key: "k\(index)", payload: "\(index)".storeData, now: storeTestEpoch)
        }
        let leased = try await store.outbox.lease(stream: stream, limit: 5, leaseFor: .seconds(60), now: storeTestEpoch)
        #expect(leased.count == 5)
        store.close()

        let reopened = try Store(path: directory.databasePath)
        #expect(try await reopened.outbox.depth(stream: stream).pending == 20)
        let afterRestart = try await reopened.outbox.lease(
            stream: stream, limit: 100, leaseFor: .seconds(60), now: storeTestEpoch.addingTimeInterval(60))
        #expect(afterRestart.count == 20)
        reopened.close()
    }

    @Test func retryBacksOffThenDeadLettersAfterMaxAttempts() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        let id = try await outbox.enqueue(stream: stream, key: "gate", payload: "p".storeData, now: storeTestEpoch)
        let behind = try await outbox.enqueue(stream: stream, key: "gate", payload: "q".storeData, now: storeTestEpoch)
        let backoff: @Sendable (Int) -> Duration = { .seconds(1 << $0) }

        let first = try await outbox.retry(id: id, error: "timeout", backoff: backoff, maxAttempts: 3, now: storeTestEpoch)
        #expect(first == .scheduled(next: storeTestEpoch.addingTimeInterval(2)))
        // The failed head still blocks its key while it backs off.
        #expect(try await leasePayloads(outbox, at: storeTestEpoch.addingTimeInterval(1)) == [])
        let again = try await outbox.lease(
            stream: stream, limit: 10, leaseFor: .seconds(60), now: storeTestEpoch.addingTimeInterval(2))
        #expect(again.map(\.id) == [id])
        #expect(again.first?.attempts == 1)

        let secondAt = storeTestEpoch.addingTimeInterval(2)
        let second = try await outbox.retry(id: id, error: "timeout", backoff: backoff, maxAttempts: 3, now: secondAt)
        #expect(second == .scheduled(next: secondAt.addingTimeInterval(4)))

        let thirdAt = storeTestEpoch.addingTimeInterval(6)
        let third = try await outbox.retry(id: id, error: "HTTP 502", backoff: backoff, maxAttempts: 3, now: thirdAt)
        #expect(third == .deadLettered)
        #expect(storeDepthCounts(try await outbox.depth(stream: stream)) == [1, 1])

        let dead = try #require(try await outbox.deadLetters(stream: stream).first)
        #expect(dead.stream == stream)
        #expect(dead.key == "gate")
        #expect(dead.payload == "p".storeData)
        #expect(dead.attempts == 3)
        #expect(dead.lastError == "HTTP 502")
        #expect(dead.enqueuedAt == storeTestEpoch)
        #expect(dead.failedAt == thirdAt)

        // The dead letter no longer blocks its key.
        let next = try await outbox.lease(stream: stream, limit: 10, leaseFor: .seconds(60), now: thirdAt)
        #expect(next.map(\.id) == [behind])
        await #expect(throws: StoreError.outboxEntryNotFound(id)) {
            try await outbox.retry(id: id, error: "", backoff: backoff, maxAttempts: 3, now: thirdAt)
        }
    }

    @Test func requeueMovesDeadLetterBackWithFreshAttempts() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        let id = try await outbox.enqueue(stream: stream, key: "gate", payload: "p".storeData, now: storeTestEpoch)
        _ = try await outbox.retry(id: id, error: "down", backoff: { _ in .zero }, maxAttempts: 1, now: storeTestEpoch)
        let dead = try #require(try await outbox.deadLetters(stream: stream).first)

        let later = storeTestEpoch.addingTimeInterval(100)
        let newID = try await outbox.requeue(deadLetterID: dead.id, now: later)
        #expect(newID != id)
        #expect(storeDepthCounts(try await outbox.depth()) == [1, 0])
        #expect(try await leasePayloads(outbox, at: later.addingTimeInterval(-1)) == [])
        let entry = try #require(try await outbox.lease(stream: stream, limit: 10, leaseFor: .seconds(1), now: later).first)
        #expect(entry.id == newID)
        #expect(entry.attempts == 0)
        #expect(entry.enqueuedAt == storeTestEpoch)

        await #expect(throws: StoreError.deadLetterNotFound(dead.id)) {
            try await outbox.requeue(deadLetterID: dead.id, now: later)
        }
    }

    @Test func requeueAllRestoresOnlyThatStream() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        for (s, key) in [(stream, "a"), (stream, "b"), ("other", "a")] {
            let id = try await outbox.enqueue(stream: s, key: key, payload: key.storeData, now: storeTestEpoch)
            _ = try await outbox.retry(id: id, error: "e", backoff: { _ in .zero }, maxAttempts: 1, now: storeTestEpoch)
        }
        #expect(try await outbox.requeueAll(stream: stream, now: storeTestEpoch) == 2)
        #expect(storeDepthCounts(try await outbox.depth(stream: stream)) == [2, 0])
        #expect(storeDepthCounts(try await outbox.depth(stream: "other")) == [0, 1])
        #expect(try await leasePayloads(outbox) == ["a", "b"])
    }

    @Test func deadLettersPageAndFilterByEnqueueTime() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        for minute in 0..<5 {
            let at = storeTestEpoch.addingTimeInterval(Double(minute) * 60)
            let id = try await outbox.enqueue(stream: stream, key: "k\(minute)", payload: "\(minute)".storeData, now: at)
            _ = try await outbox.retry(id: id, error: "e", backoff: { _ in .zero }, maxAttempts: 1, now: at)
        }
        try await outbox.enqueue(stream: "other", key: "k", payload: Data(), now: storeTestEpoch)

        let from = storeTestEpoch.addingTimeInterval(60)
        let to = storeTestEpoch.addingTimeInterval(180)
        #expect(try await outbox.deadLetterCount(stream: stream) == 5)
        #expect(try await outbox.deadLetterCount(stream: stream, from: from, to: to) == 3)
        #expect(try await outbox.deadLetterCount(stream: stream, from: from) == 4)
        #expect(try await outbox.deadLetterCount(stream: "other") == 0)

        let page1 = try await outbox.deadLetters(stream: stream, from: from, to: to, limit: 2, offset: 0)
        let page2 = try await outbox.deadLetters(stream: stream, from: from, to: to, limit: 2, offset: 2)
        #expect(page1.map(\.key) == ["k1", "k2"])
        #expect(page2.map(\.key) == ["k3"])
    }

    @Test func depthCountsPerStream() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        try await outbox.enqueue(stream: "a", key: "1", payload: Data(), now: storeTestEpoch)
        try await outbox.enqueue(stream: "a", key: "1", payload: Data(), now: storeTestEpoch)
        let failing = try await outbox.enqueue(stream: "b", key: "1", payload: Data(), now: storeTestEpoch)
        try await outbox.enqueue(stream: "b", key: "2", payload: Data(), now: storeTestEpoch)
        _ = try await outbox.retry(id: failing, error: "e", backoff: { _ in .zero }, maxAttempts: 1, now: storeTestEpoch)

        #expect(storeDepthCounts(try await outbox.depth()) == [3, 1])
        #expect(storeDepthCounts(try await outbox.depth(stream: "a")) == [2, 0])
        #expect(storeDepthCounts(try await outbox.depth(stream: "b")) == [1, 1])
        #expect(try await outbox.depthByStream().mapValues(storeDepthCounts) == ["a": [2, 0], "b": [1, 1]])
    }

    @Test func enqueueInCallerTransactionCommitsOrRollsBackWithIt() async throws {
        struct Abort: Error {}
        let store = try Store.temporary()
        let outbox = store.outbox
        await #expect(throws: Abort.self) {
            try await store.pool.write { db in
                try outbox.enqueue(stream: stream, key: "k", payload: "lost".storeData, now: storeTestEpoch, in: db)
                throw Abort()
            }
        }
        #expect(try await outbox.depth().pending == 0)

        let id = try await store.pool.write { db in
            return try outbox.enqueue(stream: stream, key: "k", payload: "kept".storeData, now: storeTestEpoch, in: db)
        }
        let leased = try await outbox.lease(stream: stream, limit: 10, leaseFor: .seconds(1), now: storeTestEpoch)
        #expect(leased.map(\.id) == [id])
        #expect(leased.first?.payload == "kept".storeData)
    }

    @Test func purgeForgetsOnlyTheStreamsDeadLettersFailedBeforeTheCutoff() async throws {
        let store = try Store.temporary()
        let outbox = store.outbox
        func fail(_ payload: String, stream: String, at offset: TimeInterval) async throws {
            let id = try await outbox.enqueue(stream: self.stream, key: "gateA", payload: payload.storeData, now: storeTestEpoch)
            try await outbox.deadLetter(id: id, error: "down", stream: stream, now: storeTestEpoch.addingTimeInterval(offset))
        }
        try await fail("old", stream: "failed.a", at: 0)
        try await fail("new", stream: "failed.a", at: 3600)
        try await fail("other", stream: "failed.b", at: 0)

        let purged = try await outbox.purgeDeadLetters(stream: "failed.a", failedBefore: storeTestEpoch.addingTimeInterval(60))
        #expect(purged == 1)
        #expect(try await outbox.deadLetters(stream: "failed.a").map { String(decoding: $0.payload, as: UTF8.self) } == ["new"])
        #expect(try await outbox.deadLetterCount(stream: "failed.b") == 1)
    }

    /// A lease must read the oldest heads and stop at its limit: a plan that sorts the stream
    /// (a temp B-tree for ORDER BY) costs in proportion to the backlog on every cycle.
    @Test func leaseReadsTheStreamInIdOrderWithoutSortingIt() async throws {
        let store = try Store.temporary()
        for index in 0..<2000 {
            _ = try await store.outbox.enqueue(stream: stream, key: "gate\(index % 100)", payload: "p".storeData, now: storeTestEpoch)
        }
        try await store.pool.write { try $0.execute(sql: "ANALYZE") }
        let plan = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + Outbox.leaseSQL, arguments: [stream, 0.0, 8])
                .map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("outbox_stream_order") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
        // And the heads it leases are the oldest entry of each key, oldest first.
        let leased = try await store.outbox.lease(stream: stream, limit: 3, leaseFor: .seconds(60), now: storeTestEpoch)
        #expect(leased.map(\.key) == ["gate0", "gate1", "gate2"])
        #expect(leased.map(\.id) == leased.map(\.id).sorted())
    }
}
