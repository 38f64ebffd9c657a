import Foundation
import Topics

/// The periodic `gatehouse/bridge/health` payload.
struct HealthReport: Codable, Sendable {
    struct MQTT: Codable, Sendable {
        var connected: Bool
        var broker: String
        var reconnects: Int
        /// Why the last connection attempt failed, and when; left out if none has. Kept after a
        /// later success: a report published once the broker is back says what kept it away.
        var lastError: String?
        var lastErrorAt: String?
    }
    struct OutboxDepth: Codable, Sendable {
        var pending: Int
        var failed: Int
    }
    struct Process: Codable, Sendable {
        var rssBytes: Int
        var uptimeSeconds: Int
    }
    var healthy: Bool
    var adapters: [String: AdapterStatus]
    var mqtt: MQTT
    var outbox: OutboxDepth
    var process: Process
    var at: String
}

/// The answer to `gatehouse/bridge/request/health-check` and `/healthz`: each check really performed.
public struct HealthCheckResult: Codable, Sendable {
    public struct Check: Codable, Sendable {
        public var ok: Bool
        public var detail: String?
        public var latencyMs: Double?
    }
    public var healthy: Bool
    public var broker: Check
    public var store: Check
    public var adapters: [String: Check]

    /// Names of the failing checks, for `/healthz` 503 bodies and logs.
    public var failing: [String] {
        var names: [String] = []
        if !broker.ok { names.append("broker") }
        if !store.ok { names.append("store") }
        names += adapters.filter { !$0.value.ok }.map { "adapter:\($0.key)" }.sorted()
        return names
    }
}
