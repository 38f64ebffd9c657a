import Bridge
import Foundation
import TestSupport
import Testing
import Topics

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

@Suite("Bridge runtime: bridge topics, reconnects, health, HTTP")
struct BridgeRuntimeTests {
    private func json(_ message: MQTTMessage) throws -> JSONValue {
        try JSONValue.parse(message.payload)
    }

    @Test("a broker that lost everything gets online, info and the retained states back; requests work again")
    func republishAfterBrokerRestart() async throws {
        let broker = try TestBroker.start()
        defer { broker.stop() }
        let running = try await RunningBridge(config: RunningBridge.testConfig(port: broker.port))
        let base = running.config.mqtt.baseTopic
        let lockTopic = running.bridge.context.topics.lock("101").state
        let watcher = try await MessageCollector(port: broker.port, filters: ["\(base)/#"])
        _ = try await watcher.next(on: "\(base)/bridge/state")
        try await running.bridge.context.publishState(lockTopic, Data(#"{"room":"101","online":true}"#.utf8))
        _ = try await watcher.next(on: lockTopic)

        let mark = watcher.mark()
        try broker.restartEmpty()
        // mosquitto may deliver the bridge's Last Will while it shuts down; wait for `online` after that.
        var states: [JSONValue] = []
        var position = mark
        while states.last?["state"] != "online" {
            let message = try await watcher.next(on: "\(base)/bridge/state", after: position, timeout: .seconds(15))
            states.append(try json(message))
            position = watcher.mark()
        }
        _ = try await watcher.next(on: lockTopic, after: mark, timeout: .seconds(10))

        // A client arriving now finds the lock state retained again: the bridge republished it.
        let newcomer = try await MessageCollector(port: broker.port, filters: [lockTopic, "\(base)/bridge/info"])
        let state = try await newcomer.next(on: lockTopic, timeout: .seconds(10))
        #expect(state.retain)
        #expect(try json(state)["room"] == "101")
        _ = try await newcomer.next(on: "\(base)/bridge/info")

        // And the request topics are subscribed again.
        try newcomer.publish("\(base)/bridge/request/health-check", #"{"transaction":"after-restart"}"#)
        let answerWatcher = watcher.mark()
        let response = try await watcher.next(on: "\(base)/bridge/response/health-check", after: answerWatcher, timeout: .seconds(10))
        #expect(try json(response)["transaction"] == "after-restart")
        await newcomer.stop()
        await watcher.stop()
        await running.stop()
    }

    @Test("health-check really checks broker and store")
    func healthCheckRequest() async throws {
        let running = try await RunningBridge(config: RunningBridge.testConfig(port: TestBroker.shared.port))
        let base = running.config.mqtt.baseTopic
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/bridge/response/#"])
        try client.publish("\(base)/bridge/request/health-check", #"{"transaction":"h1"}"#)
        let response = try json(try await client.next(on: "\(base)/bridge/response/health-check"))
        #expect(response["status"] == "ok")
        let data = try #require(response["data"])
        #expect(data["healthy"] == true)
        #expect(data["broker"]?["ok"] == true)
        #expect((data["broker"]?["latencyMs"]?.doubleValue ?? -1) >= 0)
        #expect(data["store"]?["ok"] == true)
        await client.stop()
        await running.stop()
    }

    @Test("the health check fails when the store is gone")
    func healthCheckSeesBrokenStore() async throws {
        let running = try await RunningBridge(config: RunningBridge.testConfig(port: TestBroker.shared.port))
        running.bridge.context.store.close()
        let result = await running.bridge.checkHealth()
        #expect(!result.healthy)
        #expect(result.failing == ["store"])
        await running.stop()
    }

    /// For the contract check against docs/openapi/bridge.yaml.
    static func record(_ path: String, _ body: Data, _ response: URLResponse) {
        guard let http = response as? HTTPURLResponse else { return }
        ContractRecorder.shared?.recordHTTP(
            api: "bridge", method: "GET", path: path, status: http.statusCode, request: Data(), response: body,
            contentType: http.value(forHTTPHeaderField: "Content-Type"))
    }

    @Test("/healthz answers 200 with the checks; /metrics speaks Prometheus and counts requests")
    func httpEndpoints() async throws {
        let running = try await RunningBridge(config: RunningBridge.testConfig(port: TestBroker.shared.port), withHTTP: true)
        let port = try #require(running.httpPort)
        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        Self.record("/healthz", body, response)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(try JSONValue.parse(body)["healthy"] == true)

        let base = running.config.mqtt.baseTopic
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/bridge/response/#"])
        try client.publish("\(base)/bridge/request/health-check", "{}")
        _ = try await client.next(on: "\(base)/bridge/response/health-check")
        let (metrics, metricsResponse) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        Self.record("/metrics", metrics, metricsResponse)
        #expect((metricsResponse as? HTTPURLResponse)?.statusCode == 200)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains("gatehouse_requests_total"))
        #expect(text.contains("gatehouse_request_duration_seconds_bucket"))
        #expect(text.contains("gatehouse_outbox_pending"))
        await client.stop()
        await running.stop()
    }

    @Test("with an API key, /metrics needs it (constant-time check) while /healthz stays open")
    func httpAPIKey() async throws {
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.http.apiKey = Secret("k-123")
        let running = try await RunningBridge(config: config, withHTTP: true)
        let port = try #require(running.httpPort)
        let url = URL(string: "http://127.0.0.1:\(port)/metrics")!
        let (deniedBody, denied) = try await URLSession.shared.data(from: url)
        Self.record("/metrics", deniedBody, denied)
        #expect((denied as? HTTPURLResponse)?.statusCode == 401)
        var request = URLRequest(url: url)
        request.setValue("k-123", forHTTPHeaderField: "X-API-Key")
        let (_, allowed) = try await URLSession.shared.data(for: request)
        #expect((allowed as? HTTPURLResponse)?.statusCode == 200)
        let (_, health) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect((health as? HTTPURLResponse)?.statusCode == 200)
        await running.stop()
    }
}
