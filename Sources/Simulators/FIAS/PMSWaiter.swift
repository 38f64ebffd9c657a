/// Someone awaiting a condition on the simulator's state (a record, the link coming alive).
struct PMSWaiter: Sendable {
    typealias Result = [String: String]

    let id: Int
    /// The result once the condition holds (it may take a record), nil until then.
    let match: @Sendable (inout PMSState) -> Result?
    let continuation: CheckedContinuation<Result, any Error>
}

extension PMSState {
    /// Removes the waiters whose condition now holds; the caller resumes them outside the lock.
    mutating func satisfiedWaiters() -> [(PMSWaiter, PMSWaiter.Result)] {
        let pending = waiters
        waiters = []
        var satisfied = [(PMSWaiter, PMSWaiter.Result)]()
        for waiter in pending {
            if let result = waiter.match(&self) { satisfied.append((waiter, result)) }
            else { waiters.append(waiter) }
        }
        return satisfied
    }

    mutating func removeWaiter(_ id: Int) -> PMSWaiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index)
    }
}

extension PMSSimulator {
    /// Waits until `match` yields a result, at most `timeout`.
    func wait(for what: String, timeout: Duration, _ match: @escaping @Sendable (inout PMSState) -> PMSWaiter.Result?)
        async throws -> PMSWaiter.Result {
        try await withThrowingTaskGroup(of: PMSWaiter.Result.self) { group in
            group.addTask { try await self.waitIndefinitely(match) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw PMSSimulatorError.timeout(what)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func waitIndefinitely(_ match: @escaping @Sendable (inout PMSState) -> PMSWaiter.Result?)
        async throws -> PMSWaiter.Result {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let settled: Result<PMSWaiter.Result, any Error>? = state.withLock { state in
                    // Checked under the lock: a cancellation either came before (seen here) or
                    // finds the waiter registered below.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let result = match(&state) { return .success(result) }
                    state.waiters.append(PMSWaiter(id: id, match: match, continuation: continuation))
                    return nil
                }
                if let settled { continuation.resume(with: settled) }
            }
        } onCancel: {
            state.withLock { $0.removeWaiter(id) }?.continuation.resume(throwing: CancellationError())
        }
    }
}
