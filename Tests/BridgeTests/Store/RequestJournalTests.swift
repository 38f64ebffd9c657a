import Foundation
import Testing
@testable import Bridge

@Suite("Request journal")
struct RequestJournalTests {
    let topic = "gatehouse/encoders/1/request/issue-card"

    @Test func missThenHitWithinRetentionThenExpired() async throws {
        let journal = try Store.temporary().journal
        #expect(try await journal.response(topic: topic, transaction: "t1", now: storeTestEpoch) == nil)

        try await journal.record(topic: topic, transaction: "t1", response: "ok".storeData, at: storeTestEpoch)
        #expect(try await journal.response(topic: topic, transaction: "t1", now: storeTestEpoch) == "ok".storeData)
        #expect(try await journal.response(topic: topic, transaction: "t2", now: storeTestEpoch) == nil)
        #expect(try await journal.response(topic: "other", transaction: "t1", now: storeTestEpoch) == nil)

        let almostDay = storeTestEpoch.addingTimeInterval(24 * 3600 - 1)
        let day = storeTestEpoch.addingTimeInterval(24 * 3600)
        #expect(try await journal.response(topic: topic, transaction: "t1", now: almostDay) == "ok".storeData)
        #expect(try await journal.response(topic: topic, transaction: "t1", now: day) == nil)
    }

    @Test func firstRecordWinsUntilItExpires() async throws {
        let journal = try Store.temporary().journal
        let first = try await journal.recordOrExisting(topic: topic, transaction: "t", response: "A".storeData, at: storeTestEpoch)
        let second = try await journal.recordOrExisting(
            topic: topic, transaction: "t", response: "B".storeData, at: storeTestEpoch.addingTimeInterval(1))
        #expect(first == "A".storeData)
        #expect(second == "A".storeData)

        let later = storeTestEpoch.addingTimeInterval(25 * 3600)
        let afterExpiry = try await journal.recordOrExisting(topic: topic, transaction: "t", response: "C".storeData, at: later)
        #expect(afterExpiry == "C".storeData)
    }

    @Test func purgeRemovesOnlyExpiredEntries() async throws {
        let journal = try Store.temporary().journal
        try await journal.record(topic: topic, transaction: "old", response: "1".storeData, at: storeTestEpoch)
        try await journal.record(
            topic: topic, transaction: "new", response: "2".storeData, at: storeTestEpoch.addingTimeInterval(3600))
        let now = storeTestEpoch.addingTimeInterval(24 * 3600 + 1)

        #expect(try await journal.purge(now: now) == 1)
        #expect(try await journal.purge(now: now) == 0)
        #expect(try await journal.response(topic: topic, transaction: "new", now: now) == "2".storeData)
        // Purged, not just hidden: an older clock no longer finds it either.
        #expect(try await journal.response(topic: topic, transaction: "old", now: storeTestEpoch) == nil)
    }

    @Test func concurrentClaimsLetExactlyOneDeliveryRunTheHandler() async throws {
        let journal = try Store.temporary().journal
        let outcomes = try await withThrowingTaskGroup(of: JournalClaim.self) { group in
            for _ in 0..<8 {
                group.addTask { try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .claimed }.count == 1)
        #expect(outcomes.filter { $0 == .inProgress }.count == 7)
    }

    @Test func claimAfterRecordReturnsTheAnswer() async throws {
        let journal = try Store.temporary().journal
        #expect(try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch) == .claimed)
        #expect(try await journal.response(topic: topic, transaction: "t", now: storeTestEpoch) == nil)
        try await journal.record(topic: topic, transaction: "t", response: "done".storeData, at: storeTestEpoch)
        #expect(try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch) == .completed("done".storeData))
        // An expired answer no longer blocks the handler.
        let later = storeTestEpoch.addingTimeInterval(24 * 3600)
        #expect(try await journal.claim(topic: topic, transaction: "t", now: later) == .claimed)
    }

    @Test("a wall-clock step of a day does not make a running claim look abandoned")
    func wallClockStepKeepsTheClaim() async throws {
        let journal = try Store.temporary().journal
        #expect(try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch) == .claimed)
        #expect(try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch.addingTimeInterval(86_400)) == .inProgress)
    }

    @Test("a claim times out on the boot clock, and the new claim restarts it")
    func abandonedClaimCanBeReclaimedAfterTimeout() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try Store(path: directory.appendingPathComponent("s.sqlite").path, claimTimeout: .milliseconds(300))
        defer { store.close() }
        #expect(try await store.journal.claim(topic: topic, transaction: "t") == .claimed)
        #expect(try await store.journal.claim(topic: topic, transaction: "t") == .inProgress)
        try await Task.sleep(for: .milliseconds(400))  // the claim's holder is silent for longer than the timeout
        #expect(try await store.journal.claim(topic: topic, transaction: "t") == .claimed)
        #expect(try await store.journal.claim(topic: topic, transaction: "t") == .inProgress)
    }

    @Test("a claim made before the machine rebooted is abandoned: its holder is gone")
    func claimOfAnEarlierBootIsAbandoned() async throws {
        let store = try Store.temporary()
        #expect(try await store.journal.claim(topic: topic, transaction: "t") == .claimed)
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE requestJournal SET claimBoot = 'an-earlier-boot'")
        }
        #expect(try await store.journal.claim(topic: topic, transaction: "t") == .claimed)
    }

    @Test func releasedClaimCanBeClaimedAgainButAnswersSurviveRelease() async throws {
        let journal = try Store.temporary().journal
        #expect(try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch) == .claimed)
        try await journal.release(topic: topic, transaction: "t")
        #expect(try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch) == .claimed)

        try await journal.record(topic: topic, transaction: "t", response: "x".storeData, at: storeTestEpoch)
        try await journal.release(topic: topic, transaction: "t")
        #expect(try await journal.claim(topic: topic, transaction: "t", now: storeTestEpoch) == .completed("x".storeData))
    }
}
