import Foundation
import Metrics
import Topics

/// Request counters and the latency histogram exported on `/metrics`.
struct RequestMetrics: Sendable {
    /// Operations of the contract; anything else is counted as `other`, so a client cannot
    /// create unbounded metric series by inventing topics.
    static let operations: Set<String> = [
        "issue-card", "read-card", "read-log", "open", "close", "read-state", "issue-code", "change-code",
        "check-out", "set", "health-check", "apply-code", "pay-status", "list-kkts", "force-open",
    ]

    private func label(_ operation: String) -> String { Self.operations.contains(operation) ? operation : "other" }

    func record(operation: String, envelope: ResponseEnvelope, since start: ContinuousClock.Instant) {
        if let error = envelope.error {
            record(operation: operation, error: error, since: start)
        } else {
            Counter(label: "gatehouse_requests_total", dimensions: [("operation", label(operation)), ("status", "ok")]).increment()
            observe(operation: operation, since: start)
        }
    }

    func record(operation: String, error: GatehouseError, since start: ContinuousClock.Instant) {
        Counter(label: "gatehouse_requests_total", dimensions: [("operation", label(operation)), ("status", "error")]).increment()
        Counter(label: "gatehouse_request_errors_total", dimensions: [("code", error.code.rawValue)]).increment()
        observe(operation: operation, since: start)
    }

    private func observe(operation: String, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        Timer(label: "gatehouse_request_duration_seconds", dimensions: [("operation", label(operation))])
            .recordNanoseconds(Int64(elapsed.components.seconds) * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
