import Bridge
import Foundation
import Synchronization
import Topics

/// Polls ReadState (and ReadLogLock) for every configured WR lock, spread over the interval with
/// bounded concurrency; publishes lock state and availability when they change and each new log
/// record once.
final class LockPoller: Sendable {
    private let adapter: OZLocksAdapter
    private let context: BridgeContext
    private let known = Mutex<[String: LockState]>([:])
    /// When each room's state was last published, so an unchanged one is refreshed (its
    /// `lastSeen` moves) every `lastSeenRefresh` instead of reading as a stalled poller.
    private let publishedAt = Mutex<[String: ContinuousClock.Instant]>([:])
    private let cycles = KeyedSerializer()
    private let logs: LockLogCursor

    init(adapter: OZLocksAdapter, context: BridgeContext) {
        self.adapter = adapter
        self.context = context
        logs = LockLogCursor(store: context.store)
    }

    private var rooms: [String] { adapter.settings.locks.filter { $0.series == .wr }.map(\.room) }

    /// The first pass runs at once (states are wanted right after start, concurrency still bounded);
    /// later passes spread the locks evenly over the interval.
    func run() async {
        var spread = false
        while !Task.isCancelled {
            let started = ContinuousClock.now
            await cycle(spread: spread)
            spread = true
            do { try await Task.sleep(until: started + adapter.settings.pollInterval) } catch { return }
        }
    }

    /// One pass over every lock; passes never overlap.
    func cycle(spread: Bool) async {
        guard let turn = try? await cycles.acquire("cycle", limit: 4) else { return }
        defer { cycles.release(turn) }
        let rooms = self.rooms
        guard !rooms.isEmpty else { return }
        let start = ContinuousClock.now
        // Spread in ticks of at least `tick`, not one timer per lock: a wake-up of the loop and of
        // the idle connections costs more than the call itself, so locks due in the same tick
        // share one (10,000 locks every 60 s: 166 locks each second, not one every 6 ms).
        let tick = Duration.seconds(1)
        let step = adapter.settings.pollInterval / rooms.count
        let perTick = max(1, Int((tick / step).rounded(.down)))
        let limit = adapter.settings.pollConcurrency
        await withTaskGroup(of: Void.self) { group in
            var inFlight = 0
            for (index, room) in rooms.enumerated() {
                if Task.isCancelled { break }
                if spread, index % perTick == 0 { try? await Task.sleep(until: start + step * index) }
                if inFlight >= limit {
                    await group.next()
                    inFlight -= 1
                }
                group.addTask { await self.poll(room) }
                inFlight += 1
            }
        }
    }

    /// One lock read back now (after an open or close), outside the polling pass.
    func refresh(_ room: String) async { await poll(room, logs: false) }

    private func poll(_ room: String, logs: Bool = true) async {
        let workstation = adapter.settings.workstation
        do {
            let state = try await adapter.readState(room: room, workstation: workstation)
            await publish(state, availability: "online")
            await context.setAdapterState(adapter.name, .connected)
            if logs, adapter.settings.pollLogs {
                let records = try await adapter.readLogRecords(room: room, workstation: workstation, showUnauthorized: true)
                try await publishNew(records, room: room)
            }
        } catch _ where Task.isCancelled {
            // Shutting down: the HTTP client is going away under the call; nothing to report.
        } catch let error as GatehouseError where error.code == .lockOffline {
            let last = known.withLock { $0[room] }
            var offline = last ?? LockState(room: room, series: "WR")
            offline.online = false
            offline.lastSeen = last?.lastSeen
            await publish(offline, availability: "offline")
        } catch let error as GatehouseError where error.code == .unauthorized || error.code == .upstreamUnavailable {
            await context.setAdapterState(adapter.name, .disconnected, detail: error.message)
        } catch let error as GatehouseError {
            adapter.logger.warning("polling room \(room): \(error.code.rawValue): \(error.message)")
        } catch {
            adapter.logger.error("polling room \(room) failed: \(error)")
        }
    }

    /// Publishes state and availability when anything but `lastSeen` changed, and an unchanged
    /// state again once `lastSeenRefresh` has passed since it was last published (at most one
    /// message per lock and refresh period for subscribers, however often the poller runs).
    private func publish(_ state: LockState, availability: String) async {
        let changed = known.withLock { known -> Bool in
            var previous = known[state.room]
            previous?.lastSeen = state.lastSeen
            known[state.room] = state
            return previous != state
        }
        let now = ContinuousClock.now
        let refresh = adapter.settings.lastSeenRefresh
        let due = publishedAt.withLock { published -> Bool in
            let stale = refresh > .zero && published[state.room].map { now - $0 >= refresh } == true
            guard changed || stale else { return false }
            published[state.room] = now
            return true
        }
        guard due else { return }
        let topics = context.topics.lock(state.room)
        do {
            try await context.publishState(topics.state, state)
            try await context.publishState(topics.availability, ["state": availability])
        } catch {
            adapter.logger.error("cannot publish the state of room \(state.room): \(error)")
        }
    }

    private func publishNew(_ records: [LockEvent], room: String) async throws {
        let fresh = try await logs.unpublished(records, room: room)
        let topic = context.topics.lock(room).event
        for event in fresh {
            try context.publishEvent(topic, event)
        }
        // Remembered after publishing: a crash in between repeats events rather than losing them.
        try await logs.markPublished(records, room: room)
    }
}
