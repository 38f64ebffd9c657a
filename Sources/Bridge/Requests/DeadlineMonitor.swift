import Foundation
import Synchronization

/// One clock for every request deadline: a background task wakes every `tick` and fires what
/// is due. Far cheaper per request than a sleeping task each, and timeouts are seconds anyway.
final class DeadlineMonitor: Sendable {
    static let shared = DeadlineMonitor()

    private struct Entry {
        let at: ContinuousClock.Instant
        let fire: @Sendable () -> Void
    }

    private let entries = Mutex<(next: UInt64, pending: [UInt64: Entry])>((0, [:]))
    private let tick: Duration
    private let loop = Mutex<Task<Void, Never>?>(nil)

    init(tick: Duration = .milliseconds(20)) {
        self.tick = tick
    }

    /// Calls `fire` once `at` has passed, unless cancelled first.
    func schedule(at: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> UInt64 {
        startIfNeeded()
        return entries.withLock { state in
            state.next += 1
            state.pending[state.next] = Entry(at: at, fire: fire)
            return state.next
        }
    }

    func cancel(_ token: UInt64) {
        _ = entries.withLock { $0.pending.removeValue(forKey: token) }
    }

    private func startIfNeeded() {
        loop.withLock { task in
            guard task == nil else { return }
            task = Task.detached { [weak self] in
                while let self, !Task.isCancelled {
                    try? await Task.sleep(for: self.tick)
                    self.fireDue()
                }
            }
        }
    }

    private func fireDue() {
        let now = ContinuousClock.now
        let due: [@Sendable () -> Void] = entries.withLock { state in
            let expired = state.pending.filter { $0.value.at <= now }
            for key in expired.keys { state.pending.removeValue(forKey: key) }
            return expired.values.map(\.fire)
        }
        due.forEach { $0() }
    }

    deinit { loop.withLock { $0 }?.cancel() }
}
