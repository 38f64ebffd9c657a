import OZLocks
import Bridge
import Foundation
import Simulators
import TestSupport
import Topics

/// A simulator, a bridge running the OZLocks adapter against it, and an MQTT client.
final class OZLocksHarness: Sendable {
    let simulator: OZLocksSimulator
    let running: RunningBridge
    let adapter: OZLocksAdapter
    let client: MessageCollector
    var base: String { running.config.mqtt.baseTopic }
    var topics: TopicTree { running.bridge.context.topics }
    static let apiKey = "sim-key-\(UUID().uuidString.prefix(6))"

    static func start(
        facade: Bool = false, timeout: Duration = .seconds(2), facadeTimeout: Duration = .seconds(5),
        settings configure: (inout OZLocksSettings) -> Void = { _ in }
    ) async throws -> OZLocksHarness {
        let simulator = OZLocksSimulator(
            apiKey: apiKey,
            rooms: [.init("101", series: .wr), .init("102", series: .h), .init("103", series: .wr)],
            encoders: ["001", "002"])
        let port = try await simulator.start()
        var settings = OZLocksSettings()
        settings.url = "http://127.0.0.1:\(port)"
        settings.apiKey = Secret(apiKey)
        settings.timeout = timeout
        settings.encoderTimeout = timeout
        settings.pollInterval = .seconds(3600)
        // 104 is configured here but unknown to the vendor.
        settings.locks = [
            .init(room: "101", series: .wr), .init(room: "102", series: .h), .init(room: "103", series: .wr),
            .init(room: "104", series: .wr),
        ]
        settings.encoders = ["001", "002"]
        if facade {
            settings.facade = .init(
                listen: ConfigHostPort(host: "127.0.0.1", port: 0), apiKeys: [Secret("facade-key")], timeout: facadeTimeout)
        }
        configure(&settings)
        let adapter = OZLocksAdapter(settings: settings)
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.site.timeZone = TimeZone(identifier: "Europe/Moscow")!
        let running = try await RunningBridge(config: config, adapters: [adapter])
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(config.mqtt.baseTopic)/#"])
        // The first polling pass runs at start; wait for it (pollNow queues behind it), so call
        // counts are quiet until the test acts (the next pass is an hour away).
        await adapter.pollNow()
        return OZLocksHarness(simulator: simulator, running: running, adapter: adapter, client: client)
    }

    private init(simulator: OZLocksSimulator, running: RunningBridge, adapter: OZLocksAdapter, client: MessageCollector) {
        self.simulator = simulator
        self.running = running
        self.adapter = adapter
        self.client = client
    }

    /// Publishes a request and returns the response envelope as JSON.
    func request(_ topic: String, _ payload: String, timeout: Duration = .seconds(10)) async throws -> JSONValue {
        let responseTopic = try require(TopicTree.responseTopic(forRequest: topic), "response topic")
        let mark = client.mark()
        try client.publish(topic, payload)
        return try JSONValue.parse(try await client.next(on: responseTopic, after: mark, timeout: timeout).payload)
    }

    func stop() async {
        await client.stop()
        await running.stop()
        await simulator.stop()
    }
}

/// `#require` outside a test body.
func require<T>(_ value: T?, _ what: String = "value") throws -> T {
    guard let value else { throw TestFailure("missing \(what)") }
    return value
}

extension JSONValue {
    var errorCode: String? { self["error"]?["code"]?.stringValue }
}
