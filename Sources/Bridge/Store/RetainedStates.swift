import Foundation
import GRDB

/// Last known payload of each retained topic (lock, place, device, KKT states), so they can be
/// republished after a broker loss and answered from queries without asking the device.
public struct RetainedStates: Sendable {
    let database: StoreDatabase
    var pool: DatabasePool { database.pool }

    /// Stores the payload; returns whether it differs from the one stored before.
    @discardableResult
    public func put(topic: String, payload: Data) async throws -> Bool {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO retainedState (topic, payload) VALUES (?, ?)
                    ON CONFLICT (topic) DO UPDATE SET payload = excluded.payload
                    WHERE payload IS NOT excluded.payload
                    """,
                arguments: [topic, payload]
            )
            return db.changesCount > 0
        }
    }

    /// Stores many payloads in one transaction (thousands of discovery configs at start).
    public func put(_ states: [(topic: String, payload: Data)]) async throws {
        guard !states.isEmpty else { return }
        try await pool.write { db in
            for state in states {
                try db.run(
                    sql: """
                        INSERT INTO retainedState (topic, payload) VALUES (?, ?)
                        ON CONFLICT (topic) DO UPDATE SET payload = excluded.payload
                        WHERE payload IS NOT excluded.payload
                        """,
                    arguments: [state.topic, state.payload])
            }
        }
    }

    /// Forgets many topics' states in one transaction.
    public func remove(topics: [String]) async throws {
        guard !topics.isEmpty else { return }
        try await pool.write { db in
            for topic in topics { try db.run(sql: "DELETE FROM retainedState WHERE topic = ?", arguments: [topic]) }
        }
    }

    /// Forgets the topic's state; returns whether there was one.
    @discardableResult
    public func remove(topic: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM retainedState WHERE topic = ?", arguments: [topic])
            return db.changesCount > 0
        }
    }

    /// The stored payload of the topic, if any.
    public func payload(topic: String) async throws -> Data? {
        try await pool.read { db in
            try Data.fetchOne(db, sql: "SELECT payload FROM retainedState WHERE topic = ?", arguments: [topic])
        }
    }

    /// All stored states, or those whose topic starts with `prefix`, ordered by topic.
    public func all(matching prefix: String? = nil) async throws -> [(topic: String, payload: Data)] {
        var all: [(topic: String, payload: Data)] = []
        try await forEach(matching: prefix) { all += $0 }
        return all
    }

    /// The stored states whose topic starts with `prefix` (all without one) and not with
    /// `excluded`, in pages of `pageSize` ordered by topic: thousands of discovery configs need
    /// not sit in memory at once, nor be read by someone who skips them.
    public func forEach(
        matching prefix: String? = nil, excluding excluded: String? = nil, pageSize: Int = 500,
        _ body: ([(topic: String, payload: Data)]) async throws -> Void
    ) async throws {
        var after = ""
        while true {
            let page = try await pool.read { [after] db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT topic, payload FROM retainedState
                        WHERE topic > ?1 AND substr(topic, 1, length(?2)) = ?2
                          AND (?4 IS NULL OR substr(topic, 1, length(?4)) != ?4)
                        ORDER BY topic LIMIT ?3
                        """,
                    arguments: [after, prefix ?? "", pageSize, excluded]
                ).map { (topic: $0["topic"] as String, payload: $0["payload"] as Data) }
            }
            guard let last = page.last else { return }
            try await body(page)
            if page.count < pageSize { return }
            after = last.topic
        }
    }
}
