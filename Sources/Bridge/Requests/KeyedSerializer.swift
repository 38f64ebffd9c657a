import Synchronization
import Topics

/// Runs work one at a time per key, first come first served, with a bounded wait list per key.
///
/// "First come" is when a place is taken (`enqueue`), which is synchronous: a caller that takes
/// places in arrival order, then hands the waiting to tasks, keeps that order however the tasks
/// are scheduled.
public final class KeyedSerializer: Sendable {
    public init() {}

    /// A place in a key's line, from `enqueue`; `release` gives it up, whether it was served or not.
    public struct Ticket: Sendable, Hashable {
        public let key: String
        fileprivate let number: UInt64
    }

    private struct Lane {
        /// Places in order; the first holds the key.
        var line: [UInt64] = []
        /// Places whose owner waits to be first.
        var waiting: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private struct State {
        var lanes: [String: Lane] = [:]
        var issued: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Takes the next place for the key; throws `busy` when `limit` places already wait behind
    /// the one holding it.
    public func enqueue(_ key: String, limit: Int) throws(GatehouseError) -> Ticket {
        let number: UInt64? = state.withLock { state in
            var lane = state.lanes[key] ?? Lane()
            guard lane.line.count <= limit else { return nil }
            state.issued += 1
            lane.line.append(state.issued)
            state.lanes[key] = lane
            return state.issued
        }
        guard let number else { throw GatehouseError(.busy, "\(limit) requests are already waiting for \(key)") }
        return Ticket(key: key, number: number)
    }

    /// Returns once the ticket holds its key.
    public func wait(_ ticket: Ticket) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let first = state.withLock { state -> Bool in
                guard state.lanes[ticket.key]?.line.first != ticket.number else { return true }
                state.lanes[ticket.key]?.waiting[ticket.number] = continuation
                return false
            }
            if first { continuation.resume() }
        }
    }

    /// Gives the place up: the key passes to the next place once the holder leaves. Releasing a
    /// ticket twice is harmless.
    public func release(_ ticket: Ticket) {
        let next: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard var lane = state.lanes[ticket.key], let position = lane.line.firstIndex(of: ticket.number) else {
                return nil
            }
            lane.line.remove(at: position)
            lane.waiting[ticket.number] = nil
            guard let head = lane.line.first else {
                state.lanes[ticket.key] = nil
                return nil
            }
            let next = position == 0 ? lane.waiting.removeValue(forKey: head) : nil
            state.lanes[ticket.key] = lane
            return next
        }
        next?.resume()
    }

    /// Waits for the key; throws `busy` when `limit` requests already wait for it.
    public func acquire(_ key: String, limit: Int) async throws(GatehouseError) -> Ticket {
        let ticket = try enqueue(key, limit: limit)
        await wait(ticket)
        return ticket
    }

    /// How many requests hold or wait for the key.
    public func depth(_ key: String) -> Int {
        state.withLock { $0.lanes[key]?.line.count ?? 0 }
    }
}
