import Bridge
import Foundation
import Synchronization
import Topics

/// Which lock-log records were already published, per room, kept in the store so a restart does
/// not publish them again.
///
/// The vendor answers a lock's log as a window of its latest records, with minute precision. A
/// record is known by its content (type, time, holder) and counted: the same card opening twice in
/// one minute is two records, not one. What the last answer held is remembered as counts per
/// record; a poll publishes each record beyond those counts, whatever its time — a WR lock that
/// comes back online delivers records older than the newest one already seen, and they are new.
///
/// The poller is the only writer of these cursors, so each is read from the store once and then
/// kept in memory: a steady poll with no new records touches neither SQLite nor JSON.
final class LockLogCursor: Sendable {
    private let store: Store
    private let marks = Mutex<[String: Mark]>([:])

    init(store: Store) { self.store = store }

    /// Records of the last answer, by identity, with how many times each appeared.
    private struct Mark: Codable, Equatable {
        var published: [String: Int]
    }

    /// The records not yet published, oldest first. Without a cursor (first poll of a room) the
    /// current log becomes the baseline: history is not replayed as events.
    func unpublished(_ records: [LockEvent], room: String) async throws -> [LockEvent] {
        guard let mark = try await mark(room: room) else {
            try await markPublished(records, room: room)
            return []
        }
        var remaining = mark.published
        var fresh: [LockEvent] = []
        for record in records {
            let identity = Self.identity(record)
            if let count = remaining[identity], count > 0 {
                remaining[identity] = count - 1
            } else {
                fresh.append(record)
            }
        }
        return fresh.sorted { Self.time($0.at) < Self.time($1.at) }
    }

    /// Remembers `records`, the whole current answer, as published.
    func markPublished(_ records: [LockEvent], room: String) async throws {
        var counts: [String: Int] = [:]
        for record in records { counts[Self.identity(record), default: 0] += 1 }
        let mark = Mark(published: counts)
        guard marks.withLock({ $0[room] }) != mark else { return }
        // Stored first: the memory never runs ahead of what a restart would find.
        try await store.cursors.set(adapter: "ozlocks", key: Self.key(room), value: JSONEncoder().encode(mark))
        marks.withLock { $0[room] = mark }
    }

    private func mark(room: String) async throws -> Mark? {
        if let mark = marks.withLock({ $0[room] }) { return mark }
        // A cursor of the earlier format (newest minute only) does not decode: a new baseline.
        guard let data = try await store.cursors.value(adapter: "ozlocks", key: Self.key(room)),
            let mark = try? JSONDecoder().decode(Mark.self, from: data)
        else { return nil }
        marks.withLock { $0[room] = mark }
        return mark
    }

    private static func key(_ room: String) -> String { "log.\(room)" }

    /// Compared as instants, not strings: offsets differ across a DST change.
    private static func time(_ text: String) -> Date { Timestamp.parseRFC3339(text) ?? .distantPast }

    private static func identity(_ event: LockEvent) -> String {
        "\(event.type)|\(event.at)|\(event.holderId ?? "")|\(event.holderName ?? "")"
    }
}
