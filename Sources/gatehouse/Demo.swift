import OZLocks
import FIAS
import Vanke
import OFD
import ArgumentParser
import Bridge
import Foundation
import Logging
import Simulators
import Topics

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the embedded default: a local mosquitto (unless one is reachable), the simulators and every adapter, with a scripted scenario.")

    @Option(help: "mosquitto configuration to start when no broker answers on 127.0.0.1:1883.")
    var brokerConfig = "mosquitto.conf"
    @Option(help: "Where the demo keeps its SQLite store.") var store = "./data/demo.sqlite"
    @Option(help: "Stop by itself after this many seconds (0: run until Ctrl-C).") var seconds = 0
    @Flag(help: "Keep the previous run's store and retained messages (default: start clean).") var keepData = false

    func run() async throws {
        bootstrapLogging(level: .info)
        GatehouseMetrics.bootstrap()
        let logger = Logger(label: "gatehouse.demo")
        let broker = try await DemoBroker.ensureRunning(config: brokerConfig, logger: logger)
        defer { broker?.terminate() }
        var settings = try loadConfig(nil)
        settings.store.path = store
        settings.instance = "demo"
        settings.mqtt.clientId = "gatehouse-demo"
        settings.site.timeZone = TimeZone(identifier: "Europe/Moscow") ?? .gmt
        // A key of its own each run, so the console's request form works (it is read-only without
        // one) and nothing else on the machine can use it.
        let consoleKey = "demo-" + UUID().uuidString.prefix(8).lowercased()
        settings.http.apiKey = Secret(consoleKey)
        logger.info(
            "console: http://\(settings.http.listen.host):\(settings.http.listen.port)/ (any user name, password \(consoleKey)); API: curl -H 'X-API-Key: \(consoleKey)' http://\(settings.http.listen.host):\(settings.http.listen.port)/metrics")
        if keepData {
            logger.info("demo: keeping the previous run's store (\(store)) and retained messages (--keep-data)")
        } else {
            let reset = try await InstanceReset.run(settings)
            logger.info(
                "demo: starting clean: \(reset.storeRemoved ? "removed \(store)" : "no earlier store"), cleared \(reset.retainedCleared) retained message(s) of an earlier run (DEMO_ARGS=--keep-data keeps them)")
        }

        let ozlocks = DemoOZLocks()
        let ozlocksPort = try await ozlocks.simulator.start(port: DemoBroker.isListening(port: 8091) ? 0 : 8091)
        logger.info("OZLocks simulator on 127.0.0.1:\(ozlocksPort) (rooms 101 WR, 102 H, 103 WR; encoder 001)")
        let adapter = OZLocksAdapter(settings: ozlocks.settings(port: ozlocksPort))

        let pms = PMSSimulator()
        let pmsPort = try await pms.start(port: DemoBroker.isListening(port: 5010) ? 0 : 5010)
        logger.info("PMS (FIAS interface) simulator on 127.0.0.1:\(pmsPort)")
        var fiasSettings = FIASSettings()
        fiasSettings.port = pmsPort
        fiasSettings.keepAlive = .seconds(30)
        let fias = FIASAdapter(settings: fiasSettings)

        let operatorSimulator = OFDSimulator(login: "demo-partner", password: "demo-password")
        let seed = operatorSimulator.seedDemo()
        operatorSimulator.setPayOutcome(.waiting)  // so the demo shows the code followed to Payed
        let ofdPort = try await operatorSimulator.start(port: DemoBroker.isListening(port: 8095) ? 0 : 8095)
        logger.info("OFD.ru simulator on 127.0.0.1:\(ofdPort) (INN \(seed.inn), \(seed.rnms.count) registers)")
        var ofdSettings = OFDSettings()
        ofdSettings.url = "http://127.0.0.1:\(ofdPort)"
        ofdSettings.login = Secret("demo-partner")
        ofdSettings.password = Secret("demo-password")
        ofdSettings.inns = [seed.inn]
        ofdSettings.followInterval = .seconds(5)
        let ofd = OFDAdapter(settings: ofdSettings)

        let parking = DemoParking()
        let platformPort = try await parking.platform.start(port: DemoBroker.isListening(port: 8093) ? 0 : 8093)
        logger.info("Vanke parking platform simulator on 127.0.0.1:\(platformPort) (lot \(DemoParking.lot))")
        let vanke = VankeAdapter(
            settings: parking.settings(platformPort: platformPort, supplierPort: DemoBroker.isListening(port: 8094) ? 0 : 8094))

        let scenario = DemoScenario(
            settings: settings, ozlocks: ozlocks, adapter: adapter, pms: pms,
            fiscal: .init(simulator: operatorSimulator, adapter: ofd, seed: seed), parking: parking, vanke: vanke,
            seconds: seconds, logger: logger)
        try await runBridge(
            settings, logger: Logger(label: "gatehouse"), adapters: [adapter, fias, ofd, vanke], extraServices: [scenario])
        await parking.platform.stop()
        await ozlocks.simulator.stop()
        await pms.stop()
        await operatorSimulator.stop()
    }
}

/// The OZLocks side of the demo: a simulated integration server and the adapter's settings for it.
struct DemoOZLocks: Sendable {
    static let apiKey = "demo-ozlocks-key"
    static let facadeKey = "demo-facade-key"
    let simulator = OZLocksSimulator(
        apiKey: apiKey, rooms: [.init("101", series: .wr), .init("102", series: .h), .init("103", series: .wr)],
        encoders: ["001"])

    func settings(port: Int) -> OZLocksSettings {
        var settings = OZLocksSettings()
        settings.url = "http://127.0.0.1:\(port)"
        settings.apiKey = Secret(Self.apiKey)
        settings.locks = [.init(room: "101", series: .wr), .init(room: "102", series: .h), .init(room: "103", series: .wr)]
        settings.encoders = ["001"]
        settings.pollInterval = .seconds(10)
        settings.facade = .init(
            listen: ConfigHostPort(host: "127.0.0.1", port: DemoBroker.isListening(port: 8092) ? 0 : 8092),
            apiKeys: [Secret(Self.facadeKey)], timeout: .seconds(30))
        return settings
    }
}
