import Bridge
import Foundation
import Logging
import ServiceLifecycle
import Topics

/// Shows the traffic like `mosquitto_sub -v -t 'gatehouse/#'` and plays a short script against the bridge.
struct DemoScenario: Service {
    let settings: GatehouseConfig
    let logger: Logger

    func run() async throws {
        let topics = TopicTree(base: settings.mqtt.baseTopic)
        let watcher = try MQTTClient(
            options: MQTTOptions(host: settings.mqtt.host, port: settings.mqtt.port, clientID: "gatehouse-demo-watcher"),
            logger: Logger(label: "gatehouse.demo.mqtt"))
        watcher.subscribe("\(settings.mqtt.baseTopic)/#")
        watcher.subscribe("\(settings.homeAssistant.prefix)/#")
        watcher.start()
        try await watcher.waitUntilConnected(timeout: .seconds(10))
        let printer = Task {
            while let batch = await watcher.nextBatch() {
                for message in batch {
                    let retained = message.retain ? " (retained)" : ""
                    show("\(message.topic)\(retained) \(String(decoding: message.payload.prefix(400), as: UTF8.self))")
                }
            }
        }
        try await Task.sleep(for: .seconds(1))
        show("--- demo: asking the bridge for a health check")
        let transaction = "demo-\(Int(Date().timeIntervalSince1970))"
        try watcher.publish(topics.bridge.request("health-check"), Data(#"{"transaction":"\#(transaction)"}"#.utf8))
        try? await gracefulShutdown()
        await watcher.stop()
        printer.cancel()
    }
}

/// One line to stdout, unbuffered, so it interleaves with the log lines in order.
func show(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
