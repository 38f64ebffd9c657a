import Foundation
import GRDB

/// Outcome of trying to become the one delivery that runs a request's handler.
public enum JournalClaim: Sendable, Equatable {
    /// This caller runs the handler, then calls `record` (or `release` if it gives up).
    case claimed
    /// The request was already answered: republish this response.
    case completed(Data)
    /// Another delivery is running the handler right now.
    case inProgress
}

/// Journal of answered requests, keyed by request topic and transaction id, so a redelivered
/// or repeated request gets the same answer instead of running its handler again.
public struct RequestJournal: Sendable {
    let database: StoreDatabase
    var pool: DatabasePool { database.pool }
    /// How long an answer is kept and replayed.
    public let retention: Duration
    /// After this long an unanswered claim counts as abandoned (its holder crashed).
    public let claimTimeout: Duration

    /// The stored response for this request, if answered within the retention period.
    public func response(topic: String, transaction: String, now: Date = Date()) async throws -> Data? {
        let cutoff = now.timeIntervalSince1970 - retention.storeSeconds
        return try await pool.read { db in
            try Data.fetchOne(
                db,
                sql: "SELECT response FROM requestJournal WHERE topic = ? AND txn = ? AND response IS NOT NULL AND at > ?",
                arguments: [topic, transaction, cutoff]
            )
        }
    }

    /// Claims the request for this delivery unless it is answered or being answered.
    public func claim(topic: String, transaction: String, now: Date = Date()) async throws -> JournalClaim {
        let nowSeconds = now.timeIntervalSince1970
        let answerCutoff = nowSeconds - retention.storeSeconds
        let claimCutoff = nowSeconds - claimTimeout.storeSeconds
        return try await pool.write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT response, at, claimBoot, claimUptime FROM requestJournal WHERE topic = ? AND txn = ?",
                arguments: [topic, transaction]
            )
            if let row {
                let at: Double = row["at"]
                if let response: Data = row["response"] {
                    if at > answerCutoff { return .completed(response) }
                } else if Self.claimIsLive(row, wallCutoff: claimCutoff, timeout: claimTimeout) {
                    return .inProgress
                }
            }
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO requestJournal (topic, txn, response, at, claimBoot, claimUptime)
                    VALUES (?, ?, NULL, ?, ?, ?)
                    """,
                arguments: [topic, transaction, nowSeconds, BootClock.id, BootClock.now]
            )
            return .claimed
        }
    }

    /// A claim still held: timed on the boot clock when it was made in this boot (a wall-clock step
    /// changes nothing), on the wall clock only for claims of an older version; one made in an
    /// earlier boot is gone with its holder.
    private static func claimIsLive(_ row: Row, wallCutoff: Double, timeout: Duration) -> Bool {
        guard let boot: String = row["claimBoot"], let uptime: Double = row["claimUptime"], !BootClock.id.isEmpty else {
            let at: Double = row["at"]
            return at > wallCutoff
        }
        return boot == BootClock.id && BootClock.now - uptime < timeout.storeSeconds
    }

    /// Gives up a claim without an answer, so the next delivery may run the handler.
    public func release(topic: String, transaction: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "DELETE FROM requestJournal WHERE topic = ? AND txn = ? AND response IS NULL",
                arguments: [topic, transaction]
            )
        }
    }

    /// Records the answer; if another answer is already stored (and fresh), that one is kept.
    public func record(topic: String, transaction: String, response: Data, at: Date = Date()) async throws {
        _ = try await recordOrExisting(topic: topic, transaction: transaction, response: response, at: at)
    }

    /// Records the answer unless one is already stored, and returns the answer now in the journal.
    public func recordOrExisting(
        topic: String, transaction: String, response: Data, at: Date = Date()
    ) async throws -> Data {
        let atSeconds = at.timeIntervalSince1970
        let answerCutoff = atSeconds - retention.storeSeconds
        return try await pool.write { db in
            // First writer wins; a claim (NULL response) or an expired answer is overwritten.
            try db.execute(
                sql: """
                    INSERT INTO requestJournal (topic, txn, response, at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (topic, txn) DO UPDATE SET response = excluded.response, at = excluded.at
                    WHERE response IS NULL OR at <= ?
                    """,
                arguments: [topic, transaction, response, atSeconds, answerCutoff]
            )
            return try Data.fetchOne(
                db, sql: "SELECT response FROM requestJournal WHERE topic = ? AND txn = ?",
                arguments: [topic, transaction]
            ) ?? response
        }
    }

    /// Deletes answers older than the retention period (and claims that old); returns how many.
    @discardableResult
    public func purge(now: Date = Date()) async throws -> Int {
        let cutoff = now.timeIntervalSince1970 - retention.storeSeconds
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM requestJournal WHERE at <= ?", arguments: [cutoff])
            return db.changesCount
        }
    }
}
