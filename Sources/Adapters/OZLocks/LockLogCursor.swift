import Bridge
import Foundation
import Topics

/// Which lock-log records were already published, per room, kept in the store so a restart does
/// not publish them again. Records have minute precision, so the cursor keeps the newest minute and
/// the identities of the records seen in it.
struct LockLogCursor: Sendable {
    let store: Store

    private struct Mark: Codable {
        var at: String
        var seen: [String]
    }

    /// The records not yet published, oldest first. Without a cursor (first poll of a room) the
    /// current log becomes the baseline: history is not replayed as events.
    func unpublished(_ records: [LockEvent], room: String) async throws -> [LockEvent] {
        guard let data = try await store.cursors.value(adapter: "ozlocks", key: "log.\(room)"),
            let mark = try? JSONDecoder().decode(Mark.self, from: data)
        else {
            try await markPublished(records, room: room)
            return []
        }
        let markTime = Self.time(mark.at)
        return records
            .filter { Self.time($0.at) > markTime || ($0.at == mark.at && !mark.seen.contains(Self.identity($0))) }
            .sorted { Self.time($0.at) < Self.time($1.at) }
    }

    func markPublished(_ records: [LockEvent], room: String) async throws {
        let previous = try await store.cursors.value(adapter: "ozlocks", key: "log.\(room)")
            .flatMap { try? JSONDecoder().decode(Mark.self, from: $0) }
        guard let newest = (records.map(\.at) + [previous?.at].compactMap { $0 }).max(by: { Self.time($0) < Self.time($1) }) else {
            try await store.cursors.set(adapter: "ozlocks", key: "log.\(room)", value: JSONEncoder().encode(Mark(at: "", seen: [])))
            return
        }
        var seen = Set(records.filter { $0.at == newest }.map(Self.identity))
        if previous?.at == newest { seen.formUnion(previous?.seen ?? []) }
        try await store.cursors.set(
            adapter: "ozlocks", key: "log.\(room)", value: JSONEncoder().encode(Mark(at: newest, seen: seen.sorted())))
    }

    /// Compared as instants, not strings: offsets differ across a DST change.
    private static func time(_ text: String) -> Date { Timestamp.parseRFC3339(text) ?? .distantPast }

    private static func identity(_ event: LockEvent) -> String {
        "\(event.type)|\(event.at)|\(event.holderId ?? "")|\(event.holderName ?? "")"
    }
}
