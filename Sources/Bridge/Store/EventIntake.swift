import Foundation
import GRDB

/// Events from field devices, on disk before the broker hears they arrived.
///
/// The MQTT network thread appends every event it read in one transaction and only then writes
/// the PUBACKs (`MQTTClient.storeDurably`); a reader delivers them in id order to their consumer,
/// which removes each one (`settle`) in the same transaction that makes its effect durable. So a
/// crash at any point either replays an event at the next start or has already kept its effect.
/// A broker redelivery (the PUBACK was lost with the connection) is a second row: consumers
/// recognise it by the event's uuid with `claim`.
public struct EventIntake: Sendable {
    let database: StoreDatabase

    /// One stored event.
    public struct Entry: Sendable {
        public var id: Int64
        public var message: MQTTMessage
    }

    /// Appends the messages in one transaction; blocks the calling thread until it is on disk.
    /// Called on the MQTT network thread, between reading the messages and acknowledging them.
    public func append(_ messages: [MQTTMessage]) throws {
        let now = Date().timeIntervalSince1970
        try database.pool.write { db in
            for message in messages {
                try db.run(
                    sql: "INSERT INTO intake (topic, payload, qos, retain, receivedAt, oversize) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [message.topic, message.payload, message.qos.rawValue, message.retain, now, message.oversize])
            }
        }
    }

    /// Up to `limit` events after `id`, oldest first.
    public func entries(after id: Int64, limit: Int) async throws -> [Entry] {
        try await database.pool.read { db in
            try db.rows(
                sql: "SELECT id, topic, payload, qos, retain, oversize FROM intake WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [id, limit]
            ).map { row in
                var message = MQTTMessage(
                    topic: row["topic"], payload: row["payload"],
                    qos: MQTTQoS(rawValue: row["qos"]) ?? .atLeastOnce, retain: row["retain"])
                message.oversize = row["oversize"]
                return Entry(id: row["id"], message: message)
            }
        }
    }

    /// Removes processed events in one transaction.
    public func settle(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await database.pool.write { db in
            for id in ids { try settle(id, in: db) }
        }
    }

    /// Removes a processed event inside the transaction that stores its effect.
    public func settle(_ id: Int64, in db: Database) throws {
        try db.run(sql: "DELETE FROM intake WHERE id = ?", arguments: [id])
    }

    /// True the first time `key` (an event's identity, e.g. `crossing:<uuid>`) is claimed; false for
    /// a redelivery of an event already taken. Inside the transaction that stores the effect.
    public func claim(_ key: String, in db: Database) throws -> Bool {
        try db.run(
            sql: "INSERT OR IGNORE INTO intakeSeen (key, seenAt) VALUES (?, ?)",
            arguments: [key, Date().timeIntervalSince1970])
        return db.changesCount > 0
    }

    /// True when `key` was claimed: a quick look before an event changes what is known in memory
    /// (the claim itself, in the effect's transaction, is what decides).
    public func isClaimed(_ key: String) async throws -> Bool {
        try await database.pool.read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM intakeSeen WHERE key = ?", arguments: [key]) ?? false
        }
    }

    /// Events claimed so far (each taken once), for measurements.
    public func claimCount() async throws -> Int {
        try await database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM intakeSeen") ?? 0 }
    }

    /// Forgets claims older than `date`: a redelivery comes within the broker session's expiry.
    @discardableResult
    public func purgeClaims(olderThan date: Date) async throws -> Int {
        try await database.pool.write { db in
            try db.execute(sql: "DELETE FROM intakeSeen WHERE seenAt < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }
}

/// A stored event handed to its consumer.
public struct IntakeEvent: Sendable {
    /// Its row in the intake: settle it with `EventIntake.settle(_:in:)` when handing it on.
    public var id: Int64
    public var message: MQTTMessage
}

/// What a consumer did with a stored event.
public enum IntakeDisposition: Sendable, Equatable {
    /// Done (processed, refused or ignored): the dispatcher removes it from the intake.
    case settled
    /// Taken over: the consumer removes it in the transaction that stores its effect, so a crash
    /// before that transaction replays it.
    case handedOn
}
