import Foundation
import GRDB

/// Dead letters (failed pushes) and queue depth.
extension Outbox {
    /// Dead letters of the stream enqueued within `from...to` (either bound optional), oldest first.
    public func deadLetters(
        stream: String, from: Date? = nil, to: Date? = nil, limit: Int = 100, offset: Int = 0
    ) async throws -> [OutboxDeadLetter] {
        let filter = Self.deadLetterFilter(stream: stream, from: from, to: to)
        return try await pool.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM outboxFailed WHERE \(filter.sql) ORDER BY enqueuedAt, id LIMIT ? OFFSET ?",
                arguments: filter.arguments + [limit, offset]
            ).map(OutboxDeadLetter.init(row:))
        }
    }

    /// Number of dead letters `deadLetters` would page through.
    public func deadLetterCount(stream: String, from: Date? = nil, to: Date? = nil) async throws -> Int {
        let filter = Self.deadLetterFilter(stream: stream, from: from, to: to)
        return try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outboxFailed WHERE \(filter.sql)", arguments: filter.arguments) ?? 0
        }
    }

    /// Moves a dead letter back to pending with fresh attempts, behind the key's pending entries.
    /// Returns the new outbox id.
    @discardableResult
    public func requeue(deadLetterID: Int64, now: Date = Date()) async throws -> Int64 {
        try await pool.write { db in
            guard try Self.requeue(where: "id = ?", arguments: [deadLetterID], now: now, in: db) == 1 else {
                throw StoreError.deadLetterNotFound(deadLetterID)
            }
            return db.lastInsertedRowID
        }
    }

    /// Requeues every dead letter of the stream (e.g. when the receiver answers again); returns how many.
    @discardableResult
    public func requeueAll(stream: String, now: Date = Date()) async throws -> Int {
        try await pool.write { db in
            try Self.requeue(where: "stream = ?", arguments: [stream], now: now, in: db)
        }
    }

    /// Forgets the stream's dead letters that failed before `date`; returns how many.
    @discardableResult
    public func purgeDeadLetters(stream: String, failedBefore date: Date) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM outboxFailed WHERE stream = ? AND failedAt < ?",
                arguments: [stream, date.timeIntervalSince1970])
            return db.changesCount
        }
    }

    /// Pending and dead-lettered entries, overall or of one stream.
    public func depth(stream: String? = nil) async throws -> (pending: Int, failed: Int) {
        try await pool.read { db in
            let filter = stream == nil ? "" : " WHERE stream = ?"
            let arguments: StatementArguments = stream.map { [$0] } ?? []
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox" + filter, arguments: arguments) ?? 0
            let failed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outboxFailed" + filter, arguments: arguments) ?? 0
            return (pending: pending, failed: failed)
        }
    }

    /// Depth of every stream that has pending or dead-lettered entries.
    public func depthByStream() async throws -> [String: (pending: Int, failed: Int)] {
        try await pool.read { db in
            var result: [String: (pending: Int, failed: Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT stream, COUNT(*) AS n FROM outbox GROUP BY stream") {
                result[row["stream"], default: (pending: 0, failed: 0)].pending = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT stream, COUNT(*) AS n FROM outboxFailed GROUP BY stream") {
                result[row["stream"], default: (pending: 0, failed: 0)].failed = row["n"]
            }
            return result
        }
    }

    private static func deadLetterFilter(
        stream: String, from: Date?, to: Date?
    ) -> (sql: String, arguments: StatementArguments) {
        var sql = "stream = ?"
        var arguments: StatementArguments = [stream]
        if let from {
            sql += " AND enqueuedAt >= ?"
            arguments += [from.timeIntervalSince1970]
        }
        if let to {
            sql += " AND enqueuedAt <= ?"
            arguments += [to.timeIntervalSince1970]
        }
        return (sql, arguments)
    }

    /// Moves the matching dead letters to the outbox (in dead-letter order); returns how many.
    private static func requeue(
        where condition: String, arguments: StatementArguments, now: Date, in db: Database
    ) throws -> Int {
        let seconds = now.timeIntervalSince1970
        try db.execute(
            sql: """
                INSERT INTO outbox (stream, key, payload, attempts, enqueuedAt, nextAttemptAt)
                SELECT stream, key, payload, 0, enqueuedAt, ? FROM outboxFailed WHERE \(condition) ORDER BY id
                """,
            arguments: [seconds] + arguments
        )
        let moved = db.changesCount
        try db.execute(sql: "DELETE FROM outboxFailed WHERE \(condition)", arguments: arguments)
        return moved
    }
}
