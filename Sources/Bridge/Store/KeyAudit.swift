import Foundation
import GRDB

/// One key operation as audited: who issued which key for which room, and how it ended.
public struct KeyAuditEntry: Sendable, Equatable {
    public var at: Date
    public var adapter: String
    public var operation: String
    public var room: String?
    public var guestId: String?
    public var encoder: String?
    public var workstation: String?
    public var issuer: String?
    public var cardUid: String?
    /// `ok` or the error code.
    public var result: String

    public init(
        at: Date = Date(), adapter: String, operation: String, room: String?, guestId: String?, encoder: String?,
        workstation: String?, issuer: String?, cardUid: String? = nil, result: String
    ) {
        self.at = at
        self.adapter = adapter
        self.operation = operation
        self.room = room
        self.guestId = guestId
        self.encoder = encoder
        self.workstation = workstation
        self.issuer = issuer
        self.cardUid = cardUid
        self.result = result
    }
}

/// The key audit trail. Lock codes are never passed here, so they can never be stored.
public struct KeyAudit: Sendable {
    let database: StoreDatabase

    public func record(_ entry: KeyAuditEntry) async throws {
        try await database.pool.write { db in
            try db.run(
                sql: """
                    INSERT INTO keyAudit (at, adapter, operation, room, guestId, encoder, workstation, issuer, cardUid, result)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    entry.at.timeIntervalSince1970, entry.adapter, entry.operation, entry.room, entry.guestId,
                    entry.encoder, entry.workstation, entry.issuer, entry.cardUid, entry.result,
                ])
        }
    }

    /// The newest entries first.
    public func recent(limit: Int = 100, room: String? = nil) async throws -> [KeyAuditEntry] {
        try await database.pool.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM keyAudit WHERE (? IS NULL OR room = ?) ORDER BY id DESC LIMIT ?
                    """,
                arguments: [room, room, limit])
            return rows.map { row in
                KeyAuditEntry(
                    at: Date(timeIntervalSince1970: row["at"]), adapter: row["adapter"], operation: row["operation"],
                    room: row["room"], guestId: row["guestId"], encoder: row["encoder"],
                    workstation: row["workstation"], issuer: row["issuer"], cardUid: row["cardUid"],
                    result: row["result"])
            }
        }
    }
}

/// Small per-adapter bookmarks that must survive restarts.
public struct AdapterCursors: Sendable {
    let database: StoreDatabase

    public func value(adapter: String, key: String) async throws -> Data? {
        try await database.pool.read { db in
            try Data.fetchOne(
                db, sql: "SELECT value FROM adapterCursor WHERE adapter = ? AND key = ?", arguments: [adapter, key])
        }
    }

    public func set(adapter: String, key: String, value: Data) async throws {
        try await database.pool.write { db in try set(adapter: adapter, key: key, value: value, in: db) }
    }

    /// Sets a value inside the caller's write transaction.
    public func set(adapter: String, key: String, value: Data, in db: Database) throws {
        try db.run(
            sql: """
                INSERT INTO adapterCursor (adapter, key, value) VALUES (?, ?, ?)
                ON CONFLICT (adapter, key) DO UPDATE SET value = excluded.value
                """,
            arguments: [adapter, key, value])
    }

    public func remove(adapter: String, key: String) async throws {
        try await database.pool.write { db in try remove(adapter: adapter, key: key, in: db) }
    }

    /// Removes a value inside the caller's write transaction.
    public func remove(adapter: String, key: String, in db: Database) throws {
        try db.run(sql: "DELETE FROM adapterCursor WHERE adapter = ? AND key = ?", arguments: [adapter, key])
    }

    /// Every value of the adapter whose key starts with `prefix`, ordered by key.
    public func values(adapter: String, prefix: String) async throws -> [(key: String, value: Data)] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT key, value FROM adapterCursor
                    WHERE adapter = ?1 AND substr(key, 1, length(?2)) = ?2 ORDER BY key
                    """,
                arguments: [adapter, prefix]
            ).map { (key: $0["key"], value: $0["value"]) }
        }
    }
}
