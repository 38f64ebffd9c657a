import Foundation
import GRDB

/// Pictures field devices sent (a camera's plate photo), kept so a vendor can be given a URL a
/// browser opens instead of the picture itself. Ids are random UUIDs, never a device's own id,
/// so a URL cannot be guessed from a recognition.
public struct ImageStore: Sendable {
    let database: StoreDatabase

    /// Stores a picture inside the caller's write transaction.
    public func put(id: String, contentType: String, data: Data, now: Date = Date(), in db: Database) throws {
        try db.run(
            sql: "INSERT OR REPLACE INTO image (id, contentType, data, storedAt) VALUES (?, ?, ?, ?)",
            arguments: [id, contentType, data, now.timeIntervalSince1970])
    }

    public func get(id: String) async throws -> (contentType: String, data: Data)? {
        try await database.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT contentType, data FROM image WHERE id = ?", arguments: [id])
                .map { (contentType: $0["contentType"], data: $0["data"]) }
        }
    }

    /// Forgets pictures stored before `date`; returns how many.
    @discardableResult
    public func purge(olderThan date: Date) async throws -> Int {
        try await database.pool.write { db in
            try db.run(sql: "DELETE FROM image WHERE storedAt < ?", arguments: [date.timeIntervalSince1970])
            return db.changesCount
        }
    }
}
