import Foundation
import GRDB

/// Durable queue of deliveries to external systems, in named streams.
///
/// Within a stream, entries with the same key are delivered strictly one after another in
/// enqueue order: only the oldest pending entry of a key is ever leased. A lease expires, so an
/// entry held by a crashed process is delivered again after restart (at-least-once).
public struct Outbox: Sendable {
    let database: StoreDatabase
    var pool: DatabasePool { database.pool }

    /// Enqueues a payload; it is on disk when this returns. Returns the entry id.
    @discardableResult
    public func enqueue(stream: String, key: String, payload: Data, now: Date = Date()) async throws -> Int64 {
        try await pool.write { db in
            try enqueue(stream: stream, key: key, payload: payload, now: now, in: db)
        }
    }

    /// Enqueues inside the caller's write transaction, so it commits or rolls back with the caller's changes.
    @discardableResult
    public func enqueue(stream: String, key: String, payload: Data, now: Date = Date(), in db: Database) throws -> Int64 {
        let seconds = now.timeIntervalSince1970
        try db.run(
            sql: "INSERT INTO outbox (stream, key, payload, enqueuedAt, nextAttemptAt) VALUES (?, ?, ?, ?, ?)",
            arguments: [stream, key, payload, seconds, seconds]
        )
        return db.lastInsertedRowID
    }

    /// Leases up to `limit` due entries of the stream, at most one per key (the key's oldest), oldest first.
    public func lease(stream: String, limit: Int, leaseFor: Duration, now: Date = Date()) async throws -> [OutboxEntry] {
        try await pool.write { db in try lease(stream: stream, limit: limit, leaseFor: leaseFor, now: now, in: db) }
    }

    /// Leases inside the caller's write transaction (e.g. together with new entries and acks, one commit).
    public func lease(stream: String, limit: Int, leaseFor: Duration, now: Date = Date(), in db: Database) throws -> [OutboxEntry] {
        guard limit > 0 else { return [] }
        let nowSeconds = now.timeIntervalSince1970
        let until = nowSeconds + leaseFor.storeSeconds
        let rows = try db.rows(sql: Self.leaseSQL, arguments: [stream, nowSeconds, limit])
        // The scan runs in id order on outbox_stream_order (named, so the planner cannot go back
        // to sorting the whole stream) and "no earlier entry of the key" is an index probe
        // (outbox_stream_key), so it stops after `limit` heads: a lease costs the same with a
        // backlog of 20,000 as with none.
        let entries = rows.map(OutboxEntry.init(row:))
        for entry in entries {
            try db.run(sql: "UPDATE outbox SET leasedUntil = ? WHERE id = ?", arguments: [until, entry.id])
        }
        return entries
    }

    /// The due heads of a stream (no earlier entry of their key), oldest first.
    static let leaseSQL = """
        SELECT id, stream, key, payload, attempts, enqueuedAt FROM outbox AS entry INDEXED BY outbox_stream_order
        WHERE stream = ?1 AND nextAttemptAt <= ?2 AND (leasedUntil IS NULL OR leasedUntil <= ?2)
          AND NOT EXISTS (
            SELECT 1 FROM outbox AS earlier
            WHERE earlier.stream = entry.stream AND earlier.key = entry.key AND earlier.id < entry.id)
        ORDER BY id LIMIT ?3
        """

    /// The entries of a key that are not being delivered now (no lease), oldest first: the ones a
    /// newer event may make pointless.
    public func waiting(stream: String, key: String, in db: Database) throws -> [OutboxEntry] {
        try db.rows(
            sql: "SELECT id, stream, key, payload, attempts, enqueuedAt FROM outbox WHERE stream = ? AND key = ? AND leasedUntil IS NULL ORDER BY id",
            arguments: [stream, key]
        ).map(OutboxEntry.init(row:))
    }

    /// Removes an entry inside the caller's write transaction; returns false if it was already gone.
    @discardableResult
    public func ack(id: Int64, in db: Database) throws -> Bool {
        try db.run(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id])
        return db.changesCount > 0
    }

    /// Removes a delivered entry; returns false if it was already gone.
    @discardableResult
    public func ack(id: Int64) async throws -> Bool {
        try await pool.write { db in try ack(id: id, in: db) }
    }

    /// Records a failed attempt: schedules the next one after `backoff(attempts)`, or moves the
    /// entry to the dead letters once it has failed `maxAttempts` times.
    /// `deadLetterStream` files the dead letter under another stream name (e.g. one per kind of
    /// push, so each kind's failed records can be paged through on their own).
    public func retry(
        id: Int64, error: String, backoff: @escaping @Sendable (_ attempt: Int) -> Duration,
        maxAttempts: Int, deadLetterStream: String? = nil, now: Date = Date()
    ) async throws -> OutboxRetryOutcome {
        try await pool.write { db in
            guard
                let outcome = try retry(
                    id: id, error: error, backoff: backoff, maxAttempts: maxAttempts, deadLetterStream: deadLetterStream,
                    now: now, in: db)
            else { throw StoreError.outboxEntryNotFound(id) }
            return outcome
        }
    }

    /// `retry` inside the caller's write transaction; nil when the entry is gone.
    public func retry(
        id: Int64, error: String, backoff: (_ attempt: Int) -> Duration, maxAttempts: Int,
        deadLetterStream: String? = nil, now: Date = Date(), in db: Database
    ) throws -> OutboxRetryOutcome? {
        let nowSeconds = now.timeIntervalSince1970
        guard let previous = try Int.fetchOne(db.cachedStatement(sql: "SELECT attempts FROM outbox WHERE id = ?"), arguments: [id])
        else { return nil }
        let attempts = previous + 1
        if attempts >= maxAttempts {
            try Self.moveToDeadLetters(
                id: id, attempts: attempts, error: error, stream: deadLetterStream, at: nowSeconds, in: db)
            return .deadLettered
        }
        let next = nowSeconds + backoff(attempts).storeSeconds
        try db.run(
            sql: "UPDATE outbox SET attempts = ?, lastError = ?, nextAttemptAt = ?, leasedUntil = NULL WHERE id = ?",
            arguments: [attempts, error, next, id]
        )
        return .scheduled(next: Date(timeIntervalSince1970: next))
    }

    /// Postpones an entry to `at` without counting a failed attempt (e.g. a periodic re-send).
    /// `resetAttempts` starts the count of consecutive failures again (the receiver did answer).
    public func reschedule(id: Int64, at: Date, resetAttempts: Bool = false) async throws {
        try await pool.write { db in
            guard try reschedule(id: id, at: at, resetAttempts: resetAttempts, in: db) else {
                throw StoreError.outboxEntryNotFound(id)
            }
        }
    }

    /// `reschedule` inside the caller's write transaction; false when the entry is gone.
    @discardableResult
    public func reschedule(id: Int64, at: Date, resetAttempts: Bool = false, in db: Database) throws -> Bool {
        try db.run(
            sql: "UPDATE outbox SET nextAttemptAt = ?, leasedUntil = NULL"
                + (resetAttempts ? ", attempts = 0" : "") + " WHERE id = ?",
            arguments: [at.timeIntervalSince1970, id]
        )
        return db.changesCount > 0
    }

    /// Moves an entry to the dead letters at once, e.g. one whose delivery is in doubt.
    public func deadLetter(id: Int64, error: String, stream: String? = nil, now: Date = Date()) async throws {
        try await pool.write { db in try deadLetter(id: id, error: error, stream: stream, now: now, in: db) }
    }

    /// The same inside a caller's transaction.
    public func deadLetter(id: Int64, error: String, stream: String? = nil, now: Date = Date(), in db: Database) throws {
        guard let attempts = try Int.fetchOne(db, sql: "SELECT attempts FROM outbox WHERE id = ?", arguments: [id])
        else { throw StoreError.outboxEntryNotFound(id) }
        try Self.moveToDeadLetters(id: id, attempts: attempts, error: error, stream: stream, at: now.timeIntervalSince1970, in: db)
    }

    /// Entries of the stream that still carry a lease: called before this process leases anything,
    /// these are the ones a previous process was delivering when it died. Their leases are
    /// cleared, so they are due again unless the caller dead-letters them.
    public func takeOverLeases(stream: String) async throws -> [OutboxEntry] {
        try await pool.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, stream, key, payload, attempts, enqueuedAt FROM outbox
                    WHERE stream = ? AND leasedUntil IS NOT NULL ORDER BY id
                    """,
                arguments: [stream])
            try db.run(sql: "UPDATE outbox SET leasedUntil = NULL WHERE stream = ?", arguments: [stream])
            return rows.map(OutboxEntry.init(row:))
        }
    }

    private static func moveToDeadLetters(
        id: Int64, attempts: Int, error: String, stream: String?, at seconds: Double, in db: Database
    ) throws {
        try db.run(
            sql: """
                INSERT INTO outboxFailed (stream, key, payload, attempts, lastError, enqueuedAt, failedAt)
                SELECT COALESCE(?, stream), key, payload, ?, ?, enqueuedAt, ? FROM outbox WHERE id = ?
                """,
            arguments: [stream, attempts, error, seconds, id]
        )
        try db.run(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id])
    }

    /// Drops every pending entry of a key (e.g. superseded by a newer event); returns how many.
    @discardableResult
    public func discard(stream: String, key: String) async throws -> Int {
        try await pool.write { db in
            try db.run(sql: "DELETE FROM outbox WHERE stream = ? AND key = ?", arguments: [stream, key])
            return db.changesCount
        }
    }
}
