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
        // Likewise a discovery prefix of its own: every test bridge announces itself as instance "test".
        config.homeAssistant.prefix = "ha-\(unique)"
        config.mqtt.reconnect.maxDelay = .seconds(1)
        config.store.path = TestFiles.directory("store").appendingPathComponent("gatehouse.sqlite").path
        config.http.listen.port = 0
        config.health.interval = .seconds(3600)
        return config
    }

    /// The HTTP listener's port when started `withHTTP`.
    public let httpPort: Int?

    public init(
        config: GatehouseConfig, adapters: [any GatehouseAdapter] = [], withHTTP: Bool = false,
        configure: @Sendable (GatehouseBridge) -> Void = { _ in }
    ) async throws {
        GatehouseMetrics.bootstrap()
        var logger = Logger(label: "gatehouse.test")
        logger.logLevel = .warning
        self.config = config
        bridge = try GatehouseBridge(config: config, adapters: adapters, logger: logger)
        configure(bridge)
        var services: [any Service] = [bridge]
        let (ports, portSink) = AsyncStream.makeStream(of: Int.self)
        if withHTTP {
            services.append(try BridgeHTTPServer.application(bridge: bridge, logger: logger) { port in portSink.yield(port) })
        }
        group = ServiceGroup(services: services, logger: logger)
        task = Task { [group] in try await group.run() }
        try await bridge.context.mqtt.waitUntilConnected(timeout: .seconds(10))
        try await bridge.waitUntilReady(timeout: .seconds(10))
        if withHTTP {
            var iterator = ports.makeAsyncIterator()
            httpPort = await iterator.next()
        } else {
            httpPort = nil
        }
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
