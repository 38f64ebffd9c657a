import Foundation

/// Gives a request that repeats an identical one the same `transaction`, so the router answers it
/// from the journal instead of running it again (a second card). For callers whose requests carry
/// no id of their own: the OZLocks facade (a PMS retrying a POST after a timeout), FIAS records
/// without DA/TI.
///
/// The window slides: each repeat within `window` of the previous one extends it, so a PMS that
/// retries every 50 s of a 60 s window never gets a second card; fixed clock buckets would split a
/// pair of repeats a second apart across a boundary. Kept in the store (adapter cursors), so a
/// restart between two repeats does not forget the first. One actor per process: two identical
/// requests at once get the same transaction.
public actor DuplicateWindow {
    private let cursors: AdapterCursors
    private let scope: String
    private let window: Duration

    private struct Seen: Codable {
        var transaction: String
        var at: Double
    }

    public init(store: Store, scope: String, window: Duration) {
        cursors = store.cursors
        self.scope = scope
        self.window = window
    }

    /// The transaction of the identical request seen within the window (extending it), else a new
    /// one (`<prefix>-<uuid>`). A store that cannot be read or written gives a new one: the request
    /// then runs, as it would without this window.
    public func transaction(for identity: String, prefix: String) async -> String {
        let key = "\(scope).\(Self.fnv1a(identity))"
        let now = Date().timeIntervalSince1970
        var seen: Seen?
        if let data = try? await cursors.value(adapter: "duplicates", key: key) {
            seen = try? JSONDecoder().decode(Seen.self, from: data)
        }
        let transaction: String
        if let seen, now - seen.at <= window.storeSeconds, now >= seen.at {
            transaction = seen.transaction
        } else {
            transaction = "\(prefix)-\(UUID().uuidString.lowercased())"
        }
        if let data = try? JSONEncoder().encode(Seen(transaction: transaction, at: now)) {
            try? await cursors.set(adapter: "duplicates", key: key, value: data)
        }
        return transaction
    }

    /// Forgets identities of every scope not seen for a day, the longest window allowed (hourly,
    /// from the bridge); returns how many.
    @discardableResult
    public static func purge(_ store: Store, now: Date = Date()) async throws -> Int {
        var removed = 0
        for (key, data) in try await store.cursors.values(adapter: "duplicates", prefix: "") {
            guard let seen = try? JSONDecoder().decode(Seen.self, from: data), now.timeIntervalSince1970 - seen.at > 86_400
            else { continue }
            try await store.cursors.remove(adapter: "duplicates", key: key)
            removed += 1
        }
        return removed
    }

    /// FNV-1a, 64 bits: a short stable key for an identity made of request fields.
    public static func fnv1a(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}
