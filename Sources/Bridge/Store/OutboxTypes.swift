import Foundation
import GRDB

/// A pending outbox entry handed out by `Outbox.lease`.
public struct OutboxEntry: Sendable, Equatable, Identifiable {
    /// Row id; increases with enqueue order.
    public let id: Int64
    /// Named stream, e.g. "vanke.push".
    public let stream: String
    /// Ordering key within the stream (e.g. a gate): entries with one key are delivered one by one, in order.
    public let key: String
    /// Opaque payload, as enqueued.
    public let payload: Data
    /// Failed attempts so far.
    public let attempts: Int
    /// When the entry was enqueued.
    public let enqueuedAt: Date

    init(row: Row) {
        id = row["id"]
        stream = row["stream"]
        key = row["key"]
        payload = row["payload"]
        attempts = row["attempts"]
        enqueuedAt = Date(timeIntervalSince1970: row["enqueuedAt"])
    }
}

/// What `Outbox.retry` did with a failed entry.
public enum OutboxRetryOutcome: Sendable, Equatable {
    /// The entry will be leased again from `next` on.
    case scheduled(next: Date)
    /// The entry ran out of attempts and moved to the dead letters.
    case deadLettered
}

/// An entry that exhausted its attempts (a "failed push").
public struct OutboxDeadLetter: Sendable, Equatable, Identifiable {
    /// Dead-letter id (not the former outbox id).
    public let id: Int64
    /// Stream the entry was enqueued on.
    public let stream: String
    /// Ordering key the entry had.
    public let key: String
    /// Payload as enqueued.
    public let payload: Data
    /// Attempts made before giving up.
    public let attempts: Int
    /// Error of the last attempt.
    public let lastError: String
    /// When the entry was originally enqueued (≈ when the event happened).
    public let enqueuedAt: Date
    /// When it was given up.
    public let failedAt: Date

    init(row: Row) {
        id = row["id"]
        stream = row["stream"]
        key = row["key"]
        payload = row["payload"]
        attempts = row["attempts"]
        lastError = row["lastError"]
        enqueuedAt = Date(timeIntervalSince1970: row["enqueuedAt"])
        failedAt = Date(timeIntervalSince1970: row["failedAt"])
    }
}
