import Synchronization

/// One health check shared by every caller within `maxAge`: `/healthz` is open to anyone, and a
/// full check probes the broker and each adapter's vendor, so a caller looping on it must not
/// multiply those probes. Callers arriving while a check runs wait for that check.
final class HealthCheckCache: Sendable {
    private struct State {
        var last: (result: HealthCheckResult, at: ContinuousClock.Instant)?
        var running: Task<HealthCheckResult, Never>?
    }

    private let maxAge: Duration
    private let check: @Sendable () async -> HealthCheckResult
    private let state = Mutex(State())

    init(maxAge: Duration, check: @escaping @Sendable () async -> HealthCheckResult) {
        self.maxAge = maxAge
        self.check = check
    }

    func result() async -> HealthCheckResult {
        let found = state.withLock { state -> Result<HealthCheckResult, Never>? in
            if state.running == nil, let last = state.last, ContinuousClock.now - last.at < maxAge { return .success(last.result) }
            return nil
        }
        if case .success(let fresh) = found { return fresh }
        let task = state.withLock { state -> Task<HealthCheckResult, Never> in
            if let running = state.running { return running }
            let task = Task { [check] in await check() }
            state.running = task
            return task
        }
        let result = await task.value
        state.withLock { state in
            if state.running == task {
                state.running = nil
                state.last = (result, .now)
            }
        }
        return result
    }
}
