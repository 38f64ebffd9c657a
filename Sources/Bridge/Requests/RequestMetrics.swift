import Foundation
import Metrics
import Synchronization
import Topics

/// Request counters and the latency histogram exported on `/metrics`. Handles are created once
/// per operation and outcome: looking them up in the metrics factory on every request cost more
/// than the rest of the bookkeeping.
final class RequestMetrics: Sendable {
    /// Operations of the contract; anything else is counted as `other`, so a client cannot
    /// create unbounded metric series by inventing topics.
    static let operations: Set<String> = [
        "issue-card", "read-card", "read-log", "open", "close", "read-state", "issue-code", "change-code",
        "check-out", "set", "health-check", "apply-code", "pay-status", "list-kkts", "force-open",
    ]

    private struct Handles: Sendable {
        let ok: Counter
        let failed: Counter
        let duration: Timer
    }

    private let handles = Mutex<[String: Handles]>([:])
    private let errors = Mutex<[ErrorCode: Counter]>([:])

    private func handles(_ operation: String) -> Handles {
        let label = Self.operations.contains(operation) ? operation : "other"
        return handles.withLock { cache in
            if let found = cache[label] { return found }
            let made = Handles(
                ok: Counter(label: "gatehouse_requests_total", dimensions: [("operation", label), ("status", "ok")]),
                failed: Counter(label: "gatehouse_requests_total", dimensions: [("operation", label), ("status", "error")]),
                duration: Timer(label: "gatehouse_request_duration_seconds", dimensions: [("operation", label)]))
            cache[label] = made
            return made
        }
    }

    func record(operation: String, envelope: ResponseEnvelope, since start: ContinuousClock.Instant) {
        if let error = envelope.error {
            record(operation: operation, error: error, since: start)
        } else {
            let h = handles(operation)
            h.ok.increment()
            observe(h, since: start)
        }
    }

    func record(operation: String, error: GatehouseError, since start: ContinuousClock.Instant) {
        let h = handles(operation)
        h.failed.increment()
        errors.withLock { cache in
            if let counter = cache[error.code] { return counter }
            let counter = Counter(label: "gatehouse_request_errors_total", dimensions: [("code", error.code.rawValue)])
            cache[error.code] = counter
            return counter
        }.increment()
        observe(h, since: start)
    }

    private func observe(_ h: Handles, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        h.duration.recordNanoseconds(
            Int64(elapsed.components.seconds) * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
