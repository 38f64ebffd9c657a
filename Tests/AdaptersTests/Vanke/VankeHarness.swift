import Vanke
import Bridge
import Foundation
import Simulators
import TestSupport
import Topics

/// The platform simulator, a bridge running the Vanke adapter against it, and an MQTT client
/// playing the field devices.
final class VankeHarness: Sendable {
    static let appId = "99848791"
    static let secret = "eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo"
    static let lot = "lot-1"
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    let platform: VankePlatformSimulator
    let running: RunningBridge
    let adapter: VankeAdapter
    let client: MessageCollector
    let log: CapturedLog
    let supplierURL: String
    var base: String { running.config.mqtt.baseTopic }
    var parking: ParkingTopics { running.bridge.context.topics.parking(Self.lot) }

    static func start(
        withHTTP: Bool = false, broker: TestBroker = .shared, platform setUp: (VankePlatformSimulator) -> Void = { _ in },
        settings configure: (inout VankeSettings) -> Void = { _ in },
        bridge configureBridge: (inout GatehouseConfig) -> Void = { _ in }
    ) async throws -> VankeHarness {
        let platform = VankePlatformSimulator(appId: appId, appSecret: secret, parkingLotId: lot, timeZone: zone)
        if let recorder = ContractRecorder.shared {
            // For scripts/check-contract.py: every call to the supplier endpoints against docs/openapi/vanke-supplier.yaml.
            platform.onSupplierExchange { exchange in
                recorder.recordHTTP(
                    api: "vanke-supplier", method: "POST", path: exchange.path, status: exchange.answer.status,
                    request: exchange.request, response: exchange.answer.body, contentType: exchange.answer.contentType)
            }
        }
        setUp(platform)
        let port = try await platform.start()
        var settings = VankeSettings()
        settings.platformUrl = "http://127.0.0.1:\(port)"
        settings.appId = appId
        settings.appSecret = Secret(secret)
        settings.parkingLotId = lot
        settings.listen = ConfigHostPort(host: "127.0.0.1", port: 0)
        settings.timeout = .seconds(1)
        settings.retryDelay = .milliseconds(20)
        settings.retryDelayMax = .milliseconds(100)
        settings.repollInterval = .milliseconds(300)
        settings.imageBaseUrl = "http://gatehouse.test:8080"
        settings.devices = [
            .init(deviceNo: "DWWE10232", kind: .display, lane: "东二门01道"),
            .init(deviceNo: "CAM-01", kind: .recognizer, lane: "东二门01道"),
        ]
        configure(&settings)
        let log = CapturedLog()
        let adapter = VankeAdapter(settings: settings, logger: log.logger("gatehouse.adapter.vanke"))
        var config = RunningBridge.testConfig(port: broker.port)
        config.site.timeZone = zone
        configureBridge(&config)
        let running = try await RunningBridge(config: config, adapters: [adapter], withHTTP: withHTTP)
        let client = try await MessageCollector(port: broker.port, filters: ["\(config.mqtt.baseTopic)/#"])
        guard let supplierPort = await adapter.supplierPort() else { throw TestFailure("supplier endpoints did not start") }
        return VankeHarness(
            platform: platform, running: running, adapter: adapter, client: client, log: log,
            supplierURL: "http://127.0.0.1:\(supplierPort)")
    }

    private init(
        platform: VankePlatformSimulator, running: RunningBridge, adapter: VankeAdapter, client: MessageCollector,
        log: CapturedLog, supplierURL: String
    ) {
        self.platform = platform
        self.running = running
        self.adapter = adapter
        self.client = client
        self.log = log
        self.supplierURL = supplierURL
    }

    func recognize(_ gate: String, uuid: String, plate: String, extra: String = "") throws {
        try client.publish(
            parking.gate(gate).recognition, #"{"uuid":"\#(uuid)","plate":"\#(plate)","color":"blue"\#(extra)}"#)
    }

    func cross(_ gate: String, uuid: String, plate: String) throws {
        try client.publish(parking.gate(gate).crossing, #"{"uuid":"\#(uuid)","plate":"\#(plate)","color":"blue"}"#)
    }

    /// The next decision on the gate published after `mark`.
    func decision(_ gate: String, after mark: Int, timeout: Duration = .seconds(10)) async throws -> JSONValue {
        try JSONValue.parse(try await client.next(on: parking.gate(gate).decision, after: mark, timeout: timeout).payload)
    }

    func call(_ endpoint: String, _ fields: [String: VankeValue] = [:], credentials: VankeCallCredentials = .valid)
        async throws -> JSONValue
    {
        let answer = try await platform.callSupplier(supplierURL, endpoint, fields: fields, credentials: credentials)
        return try JSONValue.parse(answer.body)
    }

    /// What a newcomer receives on `topic`: proves the broker holds it retained.
    func retained(_ topic: String) async throws -> JSONValue {
        let late = try await MessageCollector(port: TestBroker.shared.port, filters: [topic])
        defer { Task { await late.stop() } }
        let message = try await late.next(on: topic)
        guard message.retain else { throw TestFailure("\(topic) is not retained") }
        return try JSONValue.parse(message.payload)
    }

    /// Calls the endpoint until `done` holds for its answer, failing loudly after `timeout`.
    func call(
        _ endpoint: String, _ fields: [String: VankeValue] = [:], timeout: Duration = .seconds(15),
        until done: (JSONValue) -> Bool
    ) async throws -> JSONValue {
        let deadline = ContinuousClock.now + timeout
        while true {
            let answer = try await call(endpoint, fields)
            if done(answer) { return answer }
            guard ContinuousClock.now < deadline else { throw TestFailure("\(endpoint) never answered as expected: \(answer)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func stop() async {
        await client.stop()
        await running.stop()
        await platform.stop()
    }
}
