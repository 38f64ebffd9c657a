import OZLocks
import AsyncHTTPClient
import Bridge
import Foundation
import NIOCore
import NIOHTTP1
import Simulators
import TestSupport
import Topics

/// The OZLocks simulator, a bridge running the OZLocks adapter against it with its HTTP listener
/// (and so the operator console) behind an API key.
final class ConsoleHarness: Sendable {
    let simulator: OZLocksSimulator
    let running: RunningBridge
    let adapter: OZLocksAdapter
    let httpPort: Int
    let apiKey = "console-key-\(UUID().uuidString.prefix(6))"
    var base: String { running.config.mqtt.baseTopic }
    var origin: String { "http://127.0.0.1:\(httpPort)" }

    init(handlerTimeout: Duration = .seconds(10), withKey: Bool = true) async throws {
        simulator = OZLocksSimulator(
            apiKey: "sim-key", rooms: [.init("101", series: .wr), .init("102", series: .h)], encoders: ["001"])
        let simulatorPort = try await simulator.start()
        var settings = OZLocksSettings()
        settings.url = "http://127.0.0.1:\(simulatorPort)"
        settings.apiKey = Secret("sim-key")
        // Polls only when the test asks (pollNow), so what the page shows follows the test's steps.
        settings.pollInterval = .seconds(3600)
        settings.locks = [.init(room: "101", series: .wr), .init(room: "102", series: .h)]
        settings.encoders = ["001"]
        adapter = OZLocksAdapter(settings: settings)
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.http.apiKey = withKey ? Secret(apiKey) : nil
        config.requests.handlerTimeout = handlerTimeout
        running = try await RunningBridge(config: config, adapters: [adapter], withHTTP: true)
        guard let port = running.httpPort else { throw TestFailure("the HTTP listener did not report its port") }
        httpPort = port
        await adapter.pollNow()
    }

    /// `Authorization: Basic …` with the API key as password, as a browser sends it after the prompt.
    var basicAuth: String { "Basic " + Data("operator:\(apiKey)".utf8).base64EncodedString() }

    func request(
        _ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var request = HTTPClientRequest(url: origin + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), response.headers, String(buffer: data))
    }

    /// Posts the console's request form as the page does.
    func send(_ form: String, extraHeaders: [(String, String)] = []) async throws -> (status: Int, json: JSONValue) {
        let answer = try await request(
            "/console/request", method: .POST,
            headers: [("Authorization", basicAuth), ("Content-Type", "application/json")] + extraHeaders, body: form)
        return (answer.status, try JSONValue.parse(answer.body))
    }

    func stop() async {
        await running.stop()
        await simulator.stop()
    }
}
