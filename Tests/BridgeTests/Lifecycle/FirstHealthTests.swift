import Bridge
import Foundation
import TestSupport
import Testing
import Topics

/// An adapter that reports `connected` a moment after it starts, as a real one does once its
/// vendor answered.
private struct SlowToReportAdapter: GatehouseAdapter {
    let name: String
    let delay: Duration
    func start(_ bridge: BridgeContext) async throws {
        Task {
            try? await Task.sleep(for: delay)
            await bridge.setAdapterState(name, .connected, detail: "vendor answered")
        }
    }
    func stop() async {}
    func healthCheck() async -> AdapterHealth { AdapterHealth(healthy: true) }
}

@Suite("bridge/health after start")
struct FirstHealthTests {
    @Test("every adapter is listed from the first health, which is published again once all have reported")
    func republishedOnceAllReported() async throws {
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.health.interval = .seconds(3600)  // the periodic one would not come within the test
        let health = "\(config.mqtt.baseTopic)/bridge/health"
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: [health])
        let adapters: [any GatehouseAdapter] = [
            SlowToReportAdapter(name: "alpha", delay: .milliseconds(200)),
            SlowToReportAdapter(name: "beta", delay: .milliseconds(600)),
        ]
        let bridge = try await RunningBridge(config: config, adapters: adapters)
        let first = try JSONValue.parse(try await client.next(on: health, timeout: .seconds(10)).payload)
        #expect(first["adapters"]?["alpha"] != nil && first["adapters"]?["beta"] != nil, "not every adapter listed: \(first)")
        let second = try JSONValue.parse(try await client.next(on: health, after: 1, timeout: .seconds(10)).payload)
        #expect(second["adapters"]?["alpha"]?["state"] == "connected", "\(second)")
        #expect(second["adapters"]?["beta"]?["state"] == "connected", "\(second)")
        await client.stop()
        await bridge.stop()
    }
}
