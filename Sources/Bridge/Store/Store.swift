import Foundation
import GRDB
import Logging

/// The bridge's single SQLite database: request journal, retained states and outbox.
public final class Store: Sendable {
    /// The underlying connection pool, for callers that need their own transaction (e.g. `Outbox.enqueue(in:)`).
    public let pool: DatabasePool
    /// Path of the database file.
    public let path: String
    /// Request journal: transaction → response, for idempotent request handling.
    public let journal: RequestJournal
    /// Last known retained states, for republishing and queries.
    public let retained: RetainedStates
    /// Durable outbox of pushes to external systems.
    public let outbox: Outbox
    /// Who issued which key for which room.
    public let keyAudit: KeyAudit
    /// Per-adapter bookmarks (e.g. lock-log records already published).
    public let cursors: AdapterCursors
    /// Pictures from field devices, served over HTTP.
    public let images: ImageStore
    /// Events from field devices, stored before they are acknowledged to the broker.
    public let intake: EventIntake

    private let logger: Logger

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public convenience init(
        path: String,
        journalRetention: Duration = .seconds(24 * 3600),
        claimTimeout: Duration = .seconds(5 * 60),
        logger: Logger = Logger(label: "gatehouse.store")
    ) throws {
        try self.init(
            path: path, journalRetention: journalRetention, claimTimeout: claimTimeout,
            logger: logger, ownedDirectory: nil
        )
    }

    private init(
        path: String, journalRetention: Duration, claimTimeout: Duration,
        logger: Logger, ownedDirectory: URL?
    ) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        var config = Configuration()
        config.label = "gatehouse.store"
        // Another process (a second instance, the CLI, sqlite3) may hold the write lock briefly.
        config.busyMode = .timeout(5)
        config.prepareDatabase { db in
            // In WAL mode NORMAL survives a process crash but may lose the last commits on power
            // loss; FULL syncs the WAL on every commit, so an acknowledged write is on disk.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // DatabasePool always opens the file in WAL mode.
        let pool = try DatabasePool(path: path, configuration: config)
        // GRDB's WAL setup resets the writer to NORMAL after prepareDatabase; the writer
        // connection lives as long as the pool, so setting it once here sticks.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try StoreMigrations.migrator.migrateChecked(pool)

        let database = StoreDatabase(pool: pool, ownedDirectory: ownedDirectory)
        self.pool = pool
        self.path = path
        self.logger = logger
        self.journal = RequestJournal(database: database, retention: journalRetention, claimTimeout: claimTimeout)
        self.retained = RetainedStates(database: database)
        self.outbox = Outbox(database: database)
        self.keyAudit = KeyAudit(database: database)
        self.cursors = AdapterCursors(database: database)
        self.images = ImageStore(database: database)
        self.intake = EventIntake(database: database)
    }

    /// A store in a fresh temporary directory (WAL needs a real file), removed once the store and
    /// its journal, retained states and outbox are all released.
    public static func temporary() throws -> Store {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("gatehouse-store-\(UUID().uuidString)", isDirectory: true)
        return try Store(
            path: directory.appendingPathComponent("store.sqlite").path,
            journalRetention: .seconds(24 * 3600), claimTimeout: .seconds(5 * 60),
            logger: Logger(label: "gatehouse.store"), ownedDirectory: directory
        )
    }

    /// Proves the database is usable: writes a heartbeat and reads it back through a reader connection.
    public func checkHealth() async throws {
        let token = UUID().uuidString
        try await pool.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO storeHealth (id, token, checkedAt) VALUES (1, ?, ?)",
                arguments: [token, Date().timeIntervalSince1970]
            )
        }
        let stored = try await pool.read { db in
            try String.fetchOne(db, sql: "SELECT token FROM storeHealth WHERE id = 1")
        }
        guard stored == token else { throw StoreError.healthCheckMismatch }
    }

    /// Closes all connections; later calls on this store fail.
    public func close() {
        do {
            try pool.close()
        } catch {
            logger.error("closing store failed", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}

/// The pool shared by the store's parts; the last part released deletes a temporary store's files.
final class StoreDatabase: Sendable {
    let pool: DatabasePool
    private let ownedDirectory: URL?

    init(pool: DatabasePool, ownedDirectory: URL?) {
        self.pool = pool
        self.ownedDirectory = ownedDirectory
    }

    deinit {
        if let ownedDirectory {
            try? pool.close()
            try? FileManager.default.removeItem(at: ownedDirectory)
        }
    }
}

/// Errors raised by the store itself (SQLite errors surface as GRDB's `DatabaseError`).
public enum StoreError: Error, Equatable, Sendable {
    /// The file was migrated by a newer Gatehouse; refusing to run against an unknown schema.
    case schemaTooNew(unknownMigrations: [String])
    /// The health check read back something other than what it wrote.
    case healthCheckMismatch
    /// No pending outbox entry has this id (already acked, dead-lettered or never existed).
    case outboxEntryNotFound(Int64)
    /// No dead letter has this id.
    case deadLetterNotFound(Int64)
}

extension Duration {
    /// The duration in (fractional) seconds, as stored in the database.
    var storeSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
