import Bridge
import Foundation
import Synchronization
import Topics

/// Which lock-log records were already published, per room, kept in the store so a restart does
/// not publish them again. Records have minute precision, so the cursor keeps the newest minute and
/// the identities of the records seen in it.
///
/// The poller is the only writer of these cursors, so each is read from the store once and then
/// kept in memory: a steady poll with no new records touches neither SQLite nor JSON.
final class LockLogCursor: Sendable {
    private let store: Store
    private let marks = Mutex<[String: Mark]>([:])

    init(store: Store) { self.store = store }

    private struct Mark: Codable {
        var at: String
        var seen: [String]
        /// `at` as an instant; not stored.
        var time: Date { LockLogCursor.time(at) }
    }

    /// The records not yet published, oldest first. Without a cursor (first poll of a room) the
    /// current log becomes the baseline: history is not replayed as events.
    func unpublished(_ records: [LockEvent], room: String) async throws -> [LockEvent] {
        guard let mark = try await mark(room: room) else {
            try await markPublished(records, room: room)
            return []
        }
        let markTime = mark.time
        return records
            .map { (event: $0, time: Self.time($0.at)) }
            .filter { $0.time > markTime || ($0.event.at == mark.at && !mark.seen.contains(Self.identity($0.event))) }
            .sorted { $0.time < $1.time }
            .map(\.event)
    }

    func markPublished(_ records: [LockEvent], room: String) async throws {
        let previous = try await mark(room: room)
        let mark: Mark
        if let newest = (records.map(\.at) + [previous?.at].compactMap { $0 }).max(by: { Self.time($0) < Self.time($1) }) {
            var seen = Set(records.filter { $0.at == newest }.map(Self.identity))
            if previous?.at == newest { seen.formUnion(previous?.seen ?? []) }
            mark = Mark(at: newest, seen: seen.sorted())
        } else {
            mark = Mark(at: "", seen: [])
        }
        // Stored first: the memory never runs ahead of what a restart would find.
        try await store.cursors.set(adapter: "ozlocks", key: Self.key(room), value: JSONEncoder().encode(mark))
        marks.withLock { $0[room] = mark }
    }

    private func mark(room: String) async throws -> Mark? {
        if let mark = marks.withLock({ $0[room] }) { return mark }
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
