import Foundation
import Logging
import ServiceLifecycle
import Topics

/// Feeds the operator console: a broker connection of its own, subscribed to `ConsoleTopics`,
/// whose messages go to the `ConsoleHub`; and, while a browser watches, the store's outbox figures
/// every `statusInterval`.
///
/// Why a connection of its own rather than `BridgeContext.subscribe`: the broker sends a client
/// one copy per matching subscription (mosquitto 2.0 does), and the console's filters overlap the
/// adapters' (`parking/+/places/+` covers the parking adapter's `parking/<lot>/places/+`), so the
/// adapters would see such messages twice. A separate connection also keeps the console off the
/// bridge's dispatcher and its back-pressure: it subscribes with QoS 0, so should its reader ever
/// fall behind, its own inbound buffer drops messages instead of stalling a socket. It has no
/// Last Will: its end says nothing about the bridge.
///
/// Run by the HTTP application, so the console exists exactly when the listener does.
final class ConsoleFeed: Service, Sendable {
    let hub: ConsoleHub
    let client: MQTTClient?
    private let context: BridgeContext
    private let logger: Logger
    static let statusInterval: Duration = .seconds(2)
    static let heartbeatInterval: Duration = .seconds(15)

    init(context: BridgeContext, logger: Logger) {
        self.context = context
        self.logger = logger
        hub = ConsoleHub(logTopic: context.topics.bridge.log, timeZone: context.timeZone)
        var options = MQTTOptions(config: context.config, topics: context.topics)
        options.clientID = "\(context.config.mqtt.clientId)-console"
        options.will = nil
        options.cleanStart = true
        options.sessionExpiry = .zero
        options.inboundCapacity = 1000
        // The MQTT layer's own label keeps its complaints off `bridge/log`, as for the bridge's connection.
        var mqttLogger = Logger(label: "gatehouse.mqtt")
        mqttLogger.logLevel = logger.logLevel
        do {
            client = try MQTTClient(options: options, logger: mqttLogger)
        } catch {
            logger.error("the operator console has no broker connection: \(error)")
            client = nil
        }
    }

    func run() async throws {
        guard let client else {
            try? await gracefulShutdown()
            hub.close()
            return
        }
        for filter in ConsoleTopics.filters(context.topics) { client.subscribe(filter, qos: .atMostOnce) }
        client.start()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [hub] in
                while let batch = await client.nextBatch() {
                    for message in batch { hub.receive(message) }
                }
            }
            group.addTask { await self.tick() }
            try? await gracefulShutdown()
            hub.close()
            await client.stop()
            group.cancelAll()
        }
    }

    /// Re-reads the status now (a browser that connects gets current figures at once).
    func refreshStatus() async {
        hub.update(await ConsoleStatus.read(context: context, console: client))
    }

    private func tick() async {
        var sinceHeartbeat: Duration = .zero
        while !Task.isCancelled {
            do { try await Task.sleep(for: Self.statusInterval) } catch { return }
            guard hub.clientCount > 0 else { continue }
            await refreshStatus()
            sinceHeartbeat += Self.statusInterval
            if sinceHeartbeat >= Self.heartbeatInterval {
                sinceHeartbeat = .zero
                hub.heartbeat()
            }
        }
    }
}
