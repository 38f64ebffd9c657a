import ArgumentParser
import Bridge
import Foundation
import Logging
import Topics

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the embedded default: a local mosquitto (unless one is reachable), the simulators and every adapter, with a scripted scenario.")

    @Option(help: "mosquitto configuration to start when no broker answers on 127.0.0.1:1883.")
    var brokerConfig = "mosquitto.conf"
    @Option(help: "Where the demo keeps its SQLite store.") var store = "./data/demo.sqlite"

    func run() async throws {
        bootstrapLogging(level: .info)
        GatehouseMetrics.bootstrap()
        let logger = Logger(label: "gatehouse.demo")
        let broker = try DemoBroker.ensureRunning(config: brokerConfig, logger: logger)
        defer { broker?.terminate() }
        var settings = try loadConfig(nil)
        settings.store.path = store
        settings.instance = "demo"
        settings.mqtt.clientId = "gatehouse-demo"
        let scenario = DemoScenario(settings: settings, logger: logger)
        try await runBridge(settings, logger: Logger(label: "gatehouse"), extraServices: [scenario])
    }
}
