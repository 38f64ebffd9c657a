import Bridge
import Foundation
import Logging
import Testing

@testable import Vanke

@Suite("Vanke: failed records and pictures are purged after their retention")
struct VankeRetentionTests {
    @Test("failed recognitions and crossings past failedPushRetention go; newer ones and failed abnormals stay")
    func purgesFailedPushes() async throws {
        let store = try Store.temporary()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var settings = VankeSettings()
        settings.failedPushRetention = .seconds(30 * 86_400)
        func fail(_ stream: String, daysAgo: Double) async throws {
            let id = try await store.outbox.enqueue(stream: VankeStreams.gate, key: "G1", payload: Data("{}".utf8), now: now)
            try await store.outbox.deadLetter(
                id: id, error: "platform down", stream: stream, now: now.addingTimeInterval(-daysAgo * 86_400))
        }
        try await fail(VankeStreams.failedRecognitions, daysAgo: 31)
        try await fail(VankeStreams.failedRecognitions, daysAgo: 29)
        try await fail(VankeStreams.failedCrossings, daysAgo: 45)
        try await fail(VankeStreams.abnormal, daysAgo: 45)
        try await store.pool.write { db in
            try store.images.put(id: "old", contentType: "image/jpeg", data: Data([1]), now: now.addingTimeInterval(-31 * 86_400), in: db)
            try store.images.put(id: "new", contentType: "image/jpeg", data: Data([2]), now: now.addingTimeInterval(-86_400), in: db)
        }

        await VankeAdapter.purge(store, settings: settings, now: now, logger: Logger(label: "test"))

        #expect(try await store.outbox.deadLetterCount(stream: VankeStreams.failedRecognitions) == 1)
        #expect(try await store.outbox.deadLetterCount(stream: VankeStreams.failedCrossings) == 0)
        #expect(try await store.outbox.deadLetterCount(stream: VankeStreams.abnormal) == 1)
        #expect(try await store.images.get(id: "old") == nil)
        #expect(try await store.images.get(id: "new")?.data == Data([2]))
    }

    @Test("failedPushRetention is read from the config, within its range")
    func setting() throws {
        func read(_ retention: String) throws -> (VankeSettings, [String]) {
            let yaml = "appId: a\nappSecret: s\nparkingLotId: l\nfailedPushRetention: \(retention)\n"
            let root = ConfigSection(root: try ConfigNode.parse(yaml: yaml), environment: [:])
            return (VankeSettings(section: root), root.problemLog.problems.map(\.description))
        }
        let (good, none) = try read("90d")
        #expect(good.failedPushRetention == .seconds(90 * 86_400))
        #expect(none.isEmpty)
        let (_, problems) = try read("1m")
        #expect(problems.contains { $0.contains("failedPushRetention") })
        #expect(VankeSettings().failedPushRetention == .seconds(30 * 86_400))
    }
}

@Suite("Vanke: a wall-clock step")
struct VankeClockStepTests {
    @Test("a push in flight is not handed out again when the wall clock jumps a day ahead")
    func leaseOutlivesAClockStep() async throws {
        let store = try Store.temporary()
        let id = try await store.outbox.enqueue(stream: "vanke.gate", key: "G1", payload: Data("{}".utf8))
        let now = Date()
        let first = try await store.outbox.lease(stream: "vanke.gate", limit: 10, leaseFor: VankePusher.leaseFor, now: now)
        #expect(first.map(\.id) == [id])
        let afterStep = try await store.outbox.lease(
            stream: "vanke.gate", limit: 10, leaseFor: VankePusher.leaseFor, now: now.addingTimeInterval(86_400))
        #expect(afterStep.isEmpty, "the clock step released a push still in flight")
    }
}
