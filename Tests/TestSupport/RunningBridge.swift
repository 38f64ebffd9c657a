import Bridge
import Foundation
import Logging
import ServiceLifecycle

/// A bridge running in this process against a test broker, stopped with `stop()`.
public final class RunningBridge: Sendable {
    public let bridge: GatehouseBridge
    public let config: GatehouseConfig
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// A config for tests: the given broker, a fresh store, quick reconnects.
    public static func testConfig(port: Int, instance: String = "test") -> GatehouseConfig {
        var config = GatehouseConfig()
        config.instance = instance
        config.mqtt.port = port
        config.mqtt.url = "mqtt://127.0.0.1:\(port)"
        let unique = UUID().uuidString.prefix(8).lowercased()
        config.mqtt.clientId = "gatehouse-\(instance)-\(unique)"
        // A base topic of its own, so tests running in parallel on one broker never see each other.
        config.mqtt.baseTopic = "gh-\(unique)"
        config.mqtt.reconnect.maxDelay = .seconds(1)
        config.store.path = TestFiles.directory("store").appendingPathComponent("gatehouse.sqlite").path
        config.http.listen.port = 0
        config.health.interval = .seconds(3600)
        return config
    }

    public init(
        config: GatehouseConfig, adapters: [any GatehouseAdapter] = [],
        configure: @Sendable (GatehouseBridge) -> Void = { _ in }
    ) async throws {
        GatehouseMetrics.bootstrap()
        var logger = Logger(label: "gatehouse.test")
        logger.logLevel = .warning
        self.config = config
        bridge = try GatehouseBridge(config: config, adapters: adapters, logger: logger)
        configure(bridge)
        group = ServiceGroup(services: [bridge], logger: logger)
        task = Task { [group] in try await group.run() }
        try await bridge.context.mqtt.waitUntilConnected(timeout: .seconds(10))
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
