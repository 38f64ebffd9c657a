import Foundation
import GRDB
import Hummingbird

// The HTTP listener and a WAL SQLite pool with one table, idle.
var configuration = Configuration()
configuration.journalMode = .wal
let pool = try DatabasePool(path: NSTemporaryDirectory() + "rss-floor-\(getpid()).sqlite", configuration: configuration)
try await pool.write { try $0.execute(sql: "CREATE TABLE IF NOT EXISTS entry(id INTEGER PRIMARY KEY, body BLOB)") }
let router = Router()
router.get("/healthz") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
try await app.runService()
