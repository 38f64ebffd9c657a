import Foundation
import GRDB
import Testing
@testable import Bridge

@Suite("Store")
struct StoreTests {
    @Test func opensInWALWithFullSynchronousOnEveryConnection() async throws {
        let store = try Store.temporary()
        let journalMode = try await store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(journalMode == "wal")
        // synchronous is per connection: check the writer and a reader. 2 = FULL.
        let writerSync = try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        let readerSync = try await store.pool.read { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(writerSync == 2)
        #expect(readerSync == 2)
        let busyTimeout = try await store.pool.write { try Int.fetchOne($0, sql: "PRAGMA busy_timeout") }
        #expect(busyTimeout == 5000)
    }

    @Test func createsParentDirectoryAndMigratesIdempotentlyOnReopen() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }

        let first = try Store(path: directory.databasePath)
        try await first.retained.put(topic: "gatehouse/locks/101/state", payload: "{}".storeData)
        let id = try await first.outbox.enqueue(stream: "s", key: "k", payload: "p".storeData, now: storeTestEpoch)
        first.close()

        for _ in 0..<2 {
            let reopened = try Store(path: directory.databasePath)
            let applied = try await reopened.pool.read { try StoreMigrations.migrator.appliedMigrations($0) }
            #expect(applied == StoreMigrations.migrator.migrations)
            #expect(try await reopened.retained.payload(topic: "gatehouse/locks/101/state") == "{}".storeData)
            let leased = try await reopened.outbox.lease(stream: "s", limit: 10, leaseFor: .seconds(1), now: storeTestEpoch)
            #expect(leased.map(\.id) == [id])
            try await reopened.outbox.reschedule(id: id, at: storeTestEpoch)
            reopened.close()
        }
    }

    @Test func refusesDatabaseMigratedByNewerVersion() async throws {
        let directory = StoreTestDirectory()
        defer { directory.remove() }
        let store = try Store(path: directory.databasePath)
        try await store.pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-future')") }
        store.close()

        #expect(throws: StoreError.schemaTooNew(unknownMigrations: ["v999-future"])) {
            _ = try Store(path: directory.databasePath)
        }
    }

    @Test func healthCheckRoundTripsAndFailsAfterClose() async throws {
        let store = try Store.temporary()
        try await store.checkHealth()
        try await store.checkHealth()
        store.close()
        await #expect(throws: (any Error).self) { try await store.checkHealth() }
    }

    @Test func temporaryStoreRemovesItsDirectoryWhenReleased() async throws {
        var store: Store? = try Store.temporary()
        let directory = URL(fileURLWithPath: try #require(store).path).deletingLastPathComponent()
        try await store?.checkHealth()
        #expect(FileManager.default.fileExists(atPath: directory.path))
        // A part outlives the store object and keeps the file usable.
        let outbox = try #require(store).outbox
        store = nil
        try await outbox.enqueue(stream: "s", key: "k", payload: Data())
        #expect(try await outbox.depth().pending == 1)
        #expect(FileManager.default.fileExists(atPath: directory.path))
        _ = consume outbox
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }
}
