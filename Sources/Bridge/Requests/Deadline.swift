import Foundation
import Synchronization

/// Runs `operation` but stops waiting for it after `timeout` (checked by the shared deadline
/// monitor, to a tick's precision). The operation is then cancelled and
/// left to finish on its own: a vendor call that ignores cancellation cannot hold the answer back.
func withDeadline<T: Sendable>(
    _ timeout: Duration, onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace()
    let monitor = DeadlineMonitor.shared
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let token = monitor.schedule(at: .now + timeout) {
            guard let (work, _) = race.finish() else { return }
            work?.cancel()
            continuation.resume(throwing: onTimeout())
        }
        // Starts on this thread, up to the operation's first suspension: enqueueing it as a new
        // task cost a thread hop on every request.
        let work = Task.immediate {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            guard race.finish() != nil else { return }
            monitor.cancel(token)
            continuation.resume(with: result)
        }
        race.arm(work: work)
    }
}

/// Who finished first: the operation or the timer. Only the winner resumes the continuation.
private final class DeadlineRace: Sendable {
    private struct State {
        var finished = false
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }
    private let state = Mutex(State())

    func arm(work: Task<Void, Never>) {
        state.withLock { $0.work = work }
    }

    /// The other tasks to cancel if this caller won, nil if the race was already decided.
    func finish() -> (work: Task<Void, Never>?, timer: Task<Void, Never>?)? {
        state.withLock { s in
            if s.finished { return nil }
            s.finished = true
            return (s.work, s.timer)
        }
    }
}
