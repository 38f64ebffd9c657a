import Hummingbird

// An HTTP listener with one route, idle.
let router = Router()
router.get("/healthz") { _, _ in "ok" }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
try await app.runService()
