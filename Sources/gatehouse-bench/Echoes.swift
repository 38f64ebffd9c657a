import Bridge
import Foundation
import Logging
import ServiceLifecycle
import Topics

/// The answering side through the real router: a `GatehouseBridge` in this process, configured like
/// the tests' bridge (own base topic, temporary store, no HTTP), serving one echo route.
final class RouterEcho: Sendable {
    let bridge: GatehouseBridge
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(broker: BrokerAddress, baseTopic: String, storePath: String) async throws {
        var config = GatehouseConfig()
        config.instance = "bench"
        config.mqtt.url = "mqtt://\(broker.host):\(broker.port)"
        config.mqtt.host = broker.host
        config.mqtt.port = broker.port
        config.mqtt.clientId = "gatehouse-\(baseTopic)"
        config.mqtt.baseTopic = baseTopic
        config.mqtt.reconnect.maxDelay = .seconds(1)
        config.store.path = storePath
        config.http.listen.port = 0
        config.health.interval = .seconds(3600)
        var logger = Logger(label: "gatehouse.bench")
        logger.logLevel = .warning
        bridge = try GatehouseBridge(config: config, adapters: [], logger: logger)
        // The handler echoes the request's JSON as the response data.
        bridge.context.serve(RequestRoute("\(baseTopic)/bench/+/request/echo") { request in
            try request.decode(JSONValue.self)
        })
        group = ServiceGroup(services: [bridge], logger: logger)
        task = Task { [group] in try await group.run() }
        try await bridge.context.mqtt.waitUntilConnected(timeout: .seconds(10))
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// The baseline without the router: a plain client that republishes each request to its Response
/// Topic with the same Correlation Data and an envelope of the same shape, so the difference to
/// `RouterEcho` is the router's own cost.
final class PlainEcho: Sendable {
    let client: MQTTClient

    init(broker: BrokerAddress, requestTopic: String) throws {
        client = try MQTTClient(
            options: MQTTOptions(
                host: broker.host, port: broker.port, clientID: "bench-plain-echo-\(UUID().uuidString.prefix(8))",
                inboundCapacity: 1_000_000))
        client.subscribe(requestTopic, qos: .atLeastOnce)
    }

    func start() async throws {
        client.start()
        try await client.waitUntilConnected(timeout: .seconds(10))
        Task { await self.answer() }
    }

    func stop() async { await client.stop() }

    private func answer() async {
        let head = Data(#"{"status":"ok","data":"#.utf8)
        while let batch = await client.nextBatch() {
            for request in batch {
                guard let responseTopic = request.properties.responseTopic else { continue }
                var body = head
                body.append(request.payload)
                body.append(UInt8(ascii: "}"))
                _ = try? client.publish(
                    responseTopic, body, qos: .atLeastOnce,
                    properties: MQTTProperties(
                        correlationData: request.properties.correlationData, contentType: "application/json"))
            }
        }
    }
}
