import Foundation

extension VankePlatformSimulator {
    /// Good receivePlateNumber pushes, in arrival order, repeats kept (the supplier re-sends a refused plate).
    public var plateNumbers: [VankePush] { pushes(.receivePlateNumber) }
    /// Good receiveCrossGate pushes.
    public var crossings: [VankePush] { pushes(.receiveCrossGate) }
    /// Good receiveAbnormal pushes.
    public var abnormals: [VankePush] { pushes(.receiveAbnormal) }
    /// Pushes refused for a token, time, id, field or body problem.
    public var rejected: [VankeRejectedPush] { state.withLock { $0.rejected } }

    /// Requests that reached the endpoint (by its name, e.g. "receivePlateNumber"), whatever their outcome.
    public func calls(_ endpoint: String) -> Int { state.withLock { $0.calls[endpoint] ?? 0 } }

    /// Waits until `count` good pushes of the endpoint have arrived and returns the first `count` of
    /// them; throws `VankeWaitTimeout` (naming the endpoint) when they have not within `timeout`.
    public func waitForPushes(_ endpoint: String, count: Int, timeout: Duration = .seconds(10)) async throws -> [VankePush] {
        guard let known = VankePushEndpoint(rawValue: endpoint) else {
            throw VankeWaitTimeout(endpoint: endpoint, expected: count, arrived: 0)
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            let arrived = pushes(known)
            if arrived.count >= count { return Array(arrived.prefix(count)) }
            guard ContinuousClock.now < deadline else {
                throw VankeWaitTimeout(endpoint: endpoint, expected: count, arrived: arrived.count)
            }
            // Polling keeps the waiting free of lost-wakeup races; 10 ms is far below any push interval.
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Every receivePlateNumber for this plate is refused with this respDesc.
    public func deny(plate: String, reason: String = "车辆未缴费") {
        state.withLock { $0.rules[plate] = .deny(reason) }
    }

    /// The next `afterDenials` good receivePlateNumber pushes for this plate are refused, later ones allowed.
    public func allow(plate: String, afterDenials: Int) {
        state.withLock { $0.rules[plate] = .allowAfter(denialsLeft: max(0, afterDenials), reason: "车辆未缴费") }
    }

    /// Back to allowing every plate.
    public func clearRules() { state.withLock { $0.rules.removeAll() } }

    /// The misbehaviour of all three pushes (`endpoint` nil) or of one ("receiveAbnormal") from now
    /// on, for every call or for the next `count` calls of that scope; an endpoint's own fault wins.
    /// `.none` for all clears every fault. Held (hang) requests are released and answered as the
    /// fault then in force says.
    public func setFault(_ fault: VankeFault, on endpoint: String? = nil, count: Int? = nil) {
        let scope = endpoint.flatMap(VankePushEndpoint.init(rawValue:))
        precondition(endpoint == nil || scope != nil, "unknown push endpoint \(endpoint ?? "")")
        let held = state.withLock { state in
            state.faults.set(fault, on: scope, count: count)
            return state.releaseHung()
        }
        held.forEach { $0.resume() }
    }

    /// The fault in force for all three pushes.
    public var fault: VankeFault { state.withLock { $0.faults.common } }

    /// Checks a strict platform makes beyond the spec's letter (see `VankeStrictness`).
    public func setStrictness(_ strictness: VankeStrictness) { state.withLock { $0.strictness = strictness } }

    /// Every image URL the platform opened, in order.
    public var imageFetches: [VankeImageFetch] { state.withLock { $0.imageFetches } }

    /// A stream of every push as it is answered, accepted or rejected, from now on.
    public func events() -> AsyncStream<VankeEvent> {
        let (stream, continuation) = AsyncStream<VankeEvent>.makeStream()
        let id = state.withLock { state in
            state.nextWatcherID += 1
            state.watchers[state.nextWatcherID] = continuation
            return state.nextWatcherID
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }

    func pushes(_ endpoint: VankePushEndpoint) -> [VankePush] {
        state.withLock { $0.pushes[endpoint] ?? [] }
    }

    /// The fault for this call once no hang holds it; nil when the request is to be dropped (the
    /// server stopped since `stops` was read, or the request was cancelled, while it was held). A
    /// hang holds the call until the next fault change or stop, then the fault then in force applies.
    func fault(for endpoint: VankePushEndpoint, stops: Int) async -> VankeFault? {
        while true {
            let (fault, generation) = state.withLock { ($0.faults.take(for: endpoint), $0.faults.generation) }
            if fault != .hang { return fault }
            let id = state.withLock { state in
                state.nextHungID += 1
                return state.nextHungID
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (held: CheckedContinuation<Void, Never>) in
                    // Decided under the lock: a release either came before (seen here) or finds us listed.
                    let parked = state.withLock { state in
                        guard state.faults.generation == generation, state.stops == stops, !Task.isCancelled else { return false }
                        state.hung[id] = held
                        return true
                    }
                    if !parked { held.resume() }
                }
            } onCancel: {
                state.withLock { $0.hung.removeValue(forKey: id) }?.resume()
            }
            let stopped = state.withLock { $0.stops != stops }
            if stopped || Task.isCancelled { return nil }
        }
    }
}
