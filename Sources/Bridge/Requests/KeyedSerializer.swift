import Synchronization
import Topics

/// Runs work one at a time per key, first come first served, with a bounded wait list per key.
public final class KeyedSerializer: Sendable {
    public init() {}
    private struct Lane {
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    /// A key is present while something holds it; its lane lists who waits.
    private let lanes = Mutex<[String: Lane]>([:])

    /// Waits for the key; throws `busy` when `limit` requests already wait for it.
    public func acquire(_ key: String, limit: Int) async throws(GatehouseError) {
        enum Outcome { case acquired, full, wait }
        var outcome = Outcome.acquired
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            outcome = lanes.withLock { lanes in
                guard var lane = lanes[key] else {
                    lanes[key] = Lane()
                    return .acquired
                }
                guard lane.waiting.count < limit else { return .full }
                lane.waiting.append(continuation)
                lanes[key] = lane
                return .wait
            }
            if outcome != .wait { continuation.resume() }
        }
        if outcome == .full {
            throw GatehouseError(.busy, "\(limit) requests are already waiting for \(key)")
        }
    }

    /// Hands the key to the next waiter, or frees it.
    public func release(_ key: String) {
        let next: CheckedContinuation<Void, Never>? = lanes.withLock { lanes in
            guard var lane = lanes[key] else { return nil }
            if lane.waiting.isEmpty {
                lanes[key] = nil
                return nil
            }
            let first = lane.waiting.removeFirst()
            lanes[key] = lane
            return first
        }
        next?.resume()
    }

    /// How many requests hold or wait for the key.
    public func depth(_ key: String) -> Int {
        lanes.withLock { lanes in lanes[key].map { $0.waiting.count + 1 } ?? 0 }
    }
}
