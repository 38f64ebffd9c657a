import Foundation

/// A fresh directory for tests that reopen a store file; removed by `remove()`.
struct StoreTestDirectory {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("gatehouse-store-test-\(UUID().uuidString)", isDirectory: true)

    /// Path of a database file inside the directory.
    var databasePath: String { url.appendingPathComponent("db/store.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A fixed instant, so time-based assertions are exact.
let storeTestEpoch = Date(timeIntervalSince1970: 1_750_000_000)

extension String {
    var storeData: Data { Data(utf8) }
}

/// Outbox depth as `[pending, failed]`, which (unlike a tuple) `#expect` can compare and print.
func storeDepthCounts(_ depth: (pending: Int, failed: Int)) -> [Int] { [depth.pending, depth.failed] }
