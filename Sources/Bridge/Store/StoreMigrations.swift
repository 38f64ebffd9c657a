import GRDB

/// Versioned schema. Never edit a registered migration: append a new one.
/// Times are stored as REAL seconds since 1970 so they compare numerically.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE storeHealth (
                    id INTEGER PRIMARY KEY,
                    token TEXT NOT NULL,
                    checkedAt REAL NOT NULL
                );

                -- response IS NULL while a delivery holds the claim; 'at' is the claim or record time.
                CREATE TABLE requestJournal (
                    topic TEXT NOT NULL,
                    txn TEXT NOT NULL,
                    response BLOB,
                    at REAL NOT NULL,
                    PRIMARY KEY (topic, txn)
                ) WITHOUT ROWID;
                CREATE INDEX requestJournal_at ON requestJournal(at);

                CREATE TABLE retainedState (
                    topic TEXT PRIMARY KEY NOT NULL,
                    payload BLOB NOT NULL
                ) WITHOUT ROWID;

                -- AUTOINCREMENT: ids never reused, so id order is enqueue order (per-key FIFO).
                CREATE TABLE outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    stream TEXT NOT NULL,
                    key TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    enqueuedAt REAL NOT NULL,
                    nextAttemptAt REAL NOT NULL,
                    leasedUntil REAL,
                    lastError TEXT
                );
                CREATE INDEX outbox_stream_key ON outbox(stream, key, id);

                CREATE TABLE outboxFailed (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    stream TEXT NOT NULL,
                    key TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    attempts INTEGER NOT NULL,
                    lastError TEXT NOT NULL,
                    enqueuedAt REAL NOT NULL,
                    failedAt REAL NOT NULL
                );
                CREATE INDEX outboxFailed_stream_enqueuedAt ON outboxFailed(stream, enqueuedAt);
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: """
                -- Who issued which key for which room, when, with what result. Never the lock code.
                CREATE TABLE keyAudit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at REAL NOT NULL,
                    adapter TEXT NOT NULL,
                    operation TEXT NOT NULL,
                    room TEXT,
                    guestId TEXT,
                    encoder TEXT,
                    workstation TEXT,
                    issuer TEXT,
                    cardUid TEXT,
                    result TEXT NOT NULL
                );
                CREATE INDEX keyAudit_at ON keyAudit(at);

                -- Small per-adapter bookmarks, e.g. the last lock-log record published per room.
                CREATE TABLE adapterCursor (
                    adapter TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL,
                    PRIMARY KEY (adapter, key)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: """
                -- Pictures field devices sent (plate photos), served at /images/<id>.jpg.
                CREATE TABLE image (
                    id TEXT PRIMARY KEY NOT NULL,
                    contentType TEXT NOT NULL,
                    data BLOB NOT NULL,
                    storedAt REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX image_storedAt ON image(storedAt);
                """)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: """
                -- A stream's entries in id order (an index holds the rowid after its columns), so
                -- the lease reads the oldest heads and stops at its limit. Without it SQLite took
                -- outbox_stream_key for `stream = ?` and sorted the whole stream on every lease:
                -- 28 ms with a 20,000-entry backlog, 0.05 ms with this index.
                CREATE INDEX outbox_stream_order ON outbox(stream);
                """)
        }
        migrator.registerMigration("v5") { db in
            try db.execute(sql: """
                -- Events from field devices, stored on the MQTT network thread before their PUBACK
                -- is written, removed once an adapter has made them its own. AUTOINCREMENT: ids
                -- never come back after the newest rows were removed, so a reader's cursor cannot
                -- skip a new row.
                CREATE TABLE intake (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    topic TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    qos INTEGER NOT NULL,
                    retain INTEGER NOT NULL,
                    receivedAt REAL NOT NULL
                );
                -- Events already taken (by uuid), so a redelivery is not processed twice.
                CREATE TABLE intakeSeen (
                    key TEXT PRIMARY KEY NOT NULL,
                    seenAt REAL NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX intakeSeen_seenAt ON intakeSeen(seenAt);
                """)
        }
        migrator.registerMigration("v6") { db in
            try db.execute(sql: """
                -- A claim's age on the boot clock (BootClock): a wall-clock step cannot make a claim
                -- still running look abandoned to another instance sharing this file.
                ALTER TABLE requestJournal ADD COLUMN claimBoot TEXT;
                ALTER TABLE requestJournal ADD COLUMN claimUptime REAL;
                """)
        }
        migrator.registerMigration("v7") { db in
            try db.execute(sql: """
                -- The size of an event that was over mqtt.maxPacketSize (its payload then holds only
                -- its uuid), so its consumer can still report it after a restart.
                ALTER TABLE intake ADD COLUMN oversize INTEGER;
                """)
        }
        return migrator
    }
}

extension DatabaseMigrator {
    /// Migrates, refusing a database that a newer version has migrated further.
    func migrateChecked(_ writer: some DatabaseWriter) throws {
        let known = Set(migrations)
        let applied = try writer.read { try appliedIdentifiers($0) }
        let unknown = applied.subtracting(known)
        guard unknown.isEmpty else { throw StoreError.schemaTooNew(unknownMigrations: unknown.sorted()) }
        try migrate(writer)
    }
}
