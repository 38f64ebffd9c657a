import OFD
import Bridge
import Foundation
import Simulators
import TestSupport
import Topics

/// The operator simulator, a bridge running the OFD adapter against it, and an MQTT client.
final class OFDHarness: Sendable {
    static let inn = "0182021620"
    static let password = "p@ss-Ofd-\(UUID().uuidString.prefix(4))"
    let operator_: OFDSimulator
    let running: RunningBridge
    let adapter: OFDAdapter
    let client: MessageCollector
    let log: CapturedLog
    var base: String { running.config.mqtt.baseTopic }

    static func rnm(_ n: Int) -> String {
        let digits = String(5_792_715_046_200 + n)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// `tune` changes the adapter's settings after the harness's own.
    static func start(
        timeout: Duration = .seconds(3), configure: (OFDSimulator) -> Void = { _ in }, tune: (inout OFDSettings) -> Void = { _ in }
    ) async throws -> OFDHarness {
        let simulator = OFDSimulator(login: "partner", password: password)
        configure(simulator)
        let port = try await simulator.start()
        var settings = OFDSettings()
        settings.url = "http://127.0.0.1:\(port)"
        settings.login = Secret("partner")
        settings.password = Secret(password)
        settings.inns = [inn]
        settings.syncInterval = .seconds(3600)
        settings.followInterval = .seconds(3600)
        settings.timeout = timeout
        settings.retryDelay = .milliseconds(50)
        tune(&settings)
        let log = CapturedLog()
        let adapter = OFDAdapter(settings: settings, logger: log.logger("gatehouse.adapter.ofd"))
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.site.timeZone = TimeZone(identifier: "Europe/Moscow")!
        let running = try await RunningBridge(config: config, adapters: [adapter])
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(config.mqtt.baseTopic)/#"])
        await adapter.syncNow()  // after the first automatic sync: a known starting point
        return OFDHarness(operator_: simulator, running: running, adapter: adapter, client: client, log: log)
    }

    private init(operator_: OFDSimulator, running: RunningBridge, adapter: OFDAdapter, client: MessageCollector, log: CapturedLog) {
        self.operator_ = operator_
        self.running = running
        self.adapter = adapter
        self.client = client
        self.log = log
    }

    func request(_ op: String, _ payload: String) async throws -> JSONValue {
        let mark = client.mark()
        try client.publish("\(base)/ofd/request/\(op)", payload)
        return try JSONValue.parse(try await client.next(on: "\(base)/ofd/response/\(op)", after: mark, timeout: .seconds(10)).payload)
    }

    func kkt(_ rnm: String) -> String { "\(base)/ofd/kkts/\(rnm)" }

    func stop() async {
        await client.stop()
        await running.stop()
        await operator_.stop()
    }
}
