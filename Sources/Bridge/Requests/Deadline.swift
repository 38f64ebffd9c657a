import Foundation
import Synchronization

/// Runs `operation` but stops waiting for it after `timeout`. The operation is then cancelled and
/// left to finish on its own: a vendor call that ignores cancellation cannot hold the answer back.
func withDeadline<T: Sendable>(
    _ timeout: Duration, onTimeout: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace()
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let work = Task {
            let result: Result<T, any Error>
            do { result = .success(try await operation()) } catch { result = .failure(error) }
            guard let (_, timer) = race.finish() else { return }
            timer?.cancel()
            continuation.resume(with: result)
        }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            guard let (work, _) = race.finish() else { return }
            work?.cancel()
            continuation.resume(throwing: onTimeout())
        }
        race.arm(work: work, timer: timer)
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

    func arm(work: Task<Void, Never>, timer: Task<Void, Never>) {
        let finished = state.withLock { s in
            s.work = work
            s.timer = timer
            return s.finished
        }
        if finished { timer.cancel() }
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
