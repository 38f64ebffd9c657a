import AsyncHTTPClient
import Foundation
import GRDB
import Hummingbird

// What the brief mandates for Gatehouse (GRDB, Hummingbird, AsyncHTTPClient), started and idle.
var configuration = Configuration()
configuration.journalMode = .wal
let pool = try DatabasePool(path: NSTemporaryDirectory() + "rss-floor-\(getpid()).sqlite", configuration: configuration)
try await pool.write { try $0.execute(sql: "CREATE TABLE IF NOT EXISTS entry(id INTEGER PRIMARY KEY, body BLOB)") }
let client = HTTPClient(eventLoopGroupProvider: .singleton)
let router = Router()
router.get("/healthz") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
try await app.runService()
try await client.shutdown()
