import Foundation
import Metrics
import Topics

extension GatehouseBridge {
    /// Runs every check for real: broker round trip, store write/read, each adapter's upstream.
    public func checkHealth() async -> HealthCheckResult {
        async let broker = checkBroker()
        async let store = checkStore()
        var adapterChecks: [String: HealthCheckResult.Check] = [:]
        for adapter in adapters {
            let health = await adapter.healthCheck()
            adapterChecks[adapter.name] = .init(ok: health.healthy, detail: health.detail, latencyMs: nil)
        }
        let (b, s) = await (broker, store)
        return HealthCheckResult(
            healthy: b.ok && s.ok && adapterChecks.values.allSatisfy(\.ok), broker: b, store: s, adapters: adapterChecks)
    }

    private func checkBroker() async -> HealthCheckResult.Check {
        let mqtt = context.config.mqtt
        guard context.mqtt.isConnected else {
            // No probe can come back: say at once why the connection is down.
            let why = context.mqtt.lastFailure.map { ": \($0.reason)" } ?? ""
            return .init(ok: false, detail: "not connected to the broker at \(mqtt.host):\(mqtt.port)\(why)", latencyMs: nil)
        }
        do {
            let elapsed = try await probe.roundTrip(timeout: .seconds(2))
            return .init(ok: true, detail: nil, latencyMs: elapsed.timeInterval * 1000)
        } catch {
            return .init(ok: false, detail: "no round trip through the broker within 2 s", latencyMs: nil)
        }
    }

    private func checkStore() async -> HealthCheckResult.Check {
        let start = ContinuousClock.now
        do {
            try await context.store.checkHealth()
            return .init(ok: true, detail: nil, latencyMs: (ContinuousClock.now - start).timeInterval * 1000)
        } catch {
            return .init(ok: false, detail: "store check failed: \(error)", latencyMs: nil)
        }
    }

    private func mqttHealth(connected: Bool) -> HealthReport.MQTT {
        let failure = context.mqtt.lastFailure
        return HealthReport.MQTT(
            connected: connected, broker: "\(context.config.mqtt.host):\(context.config.mqtt.port)",
            reconnects: context.mqtt.reconnectCount, lastError: failure?.reason,
            lastErrorAt: failure.map { Timestamp.rfc3339($0.at, in: context.timeZone) })
    }

    func registerBridgeRequests() {
        context.serve(
            RequestRoute(context.topics.bridge.request("health-check")) { [self] _ in
                let result = await self.checkHealth()
                return try JSONValue(encoding: result)
            })
    }

    /// The periodic `gatehouse/bridge/health` message (retained), with figures read now.
    func publishHealth() async {
        let depth = (try? await context.store.outbox.depth()) ?? (pending: -1, failed: -1)
        let statuses = context.adapterStatuses
        let connected = context.mqtt.isConnected
        let report = HealthReport(
            healthy: connected && depth.pending >= 0 && statuses.values.allSatisfy { $0.state != .disconnected },
            adapters: statuses,
            mqtt: mqttHealth(connected: connected),
            outbox: .init(pending: depth.pending, failed: depth.failed),
            process: .init(rssBytes: ProcessStats.residentBytes, uptimeSeconds: Int(Date().timeIntervalSince(startedAt))),
            at: Timestamp.rfc3339(Date(), in: context.timeZone))
        do {
            try context.mqtt.publish(context.topics.bridge.health, JSONCoding.encode(report), retain: true)
        } catch {
            logger.warning("cannot publish health: \(error)")
        }
    }
}

extension GatehouseBridge {
    /// Updates the gauges that are read rather than counted (outbox depth, connection).
    public func refreshGauges() async {
        if let depth = try? await context.store.outbox.depth() {
            Gauge(label: "gatehouse_outbox_pending").record(depth.pending)
            Gauge(label: "gatehouse_outbox_failed").record(depth.failed)
        }
        Gauge(label: "gatehouse_mqtt_connected").record(context.mqtt.isConnected ? 1 : 0)
    }
}
