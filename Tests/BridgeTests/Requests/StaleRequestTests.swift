import Bridge
import Foundation
import Synchronization
import TestSupport
import Testing
import Topics

/// Requests never act late: not the ones Gatehouse sends for a PMS, not the ones a requester
/// published while Gatehouse was down (DESIGN §2, "Delivery").
@Suite("Requests: no stale command acts")
struct StaleRequestTests {
    @Test("a request Gatehouse sends carries expiresAt at its answer budget, which the serving router checks")
    func requestsCarryTheirDeadline() async throws {
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.site.timeZone = TimeZone(identifier: "Europe/Moscow")!
        let base = config.mqtt.baseTopic
        let seen = Mutex<JSONValue?>(nil)
        let bridge = try await RunningBridge(config: config) { bridge in
            bridge.context.serve(RequestRoute("\(base)/echo/+/request/+") { request in
                seen.withLock { $0 = try? JSONValue.parse(request.message.payload) }
                return .string("pong")
            })
        }
        let requests = RequestClient(context: bridge.bridge.context, name: "stale-test")
        requests.start()
        let sent = Date()
        let envelope = try await requests.request("\(base)/echo/x/request/ping", payload: Data(#"{"room":"1"}"#.utf8), timeout: .seconds(8))
        #expect(envelope.status == .ok)
        let payload = try #require(seen.withLock { $0 })
        #expect(payload["room"] == "1")
        let expiresAt = try #require(payload["expiresAt"]?.stringValue.flatMap(Timestamp.parseRFC3339))
        // Whole seconds, rounded up: between the budget and one second more.
        #expect(expiresAt.timeIntervalSince(sent) >= 7.9 && expiresAt.timeIntervalSince(sent) <= 9.1, "\(payload)")
        await bridge.stop()
    }

    @Test("while the broker is unreachable a request is not sent at all: upstream-unavailable")
    func notSentWhileDisconnected() async throws {
        let broker = try TestBroker.start()
        defer { broker.stop() }
        let bridge = try await RunningBridge(config: RunningBridge.testConfig(port: broker.port))
        let requests = RequestClient(context: bridge.bridge.context, name: "stale-test")
        requests.start()
        broker.stop()
        let deadline = ContinuousClock.now + .seconds(10)
        while bridge.bridge.context.mqtt.isConnected && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        do {
            _ = try await requests.request("\(bridge.config.mqtt.baseTopic)/echo/x/request/ping", payload: Data("{}".utf8), timeout: .seconds(5))
            Issue.record("a request was accepted while disconnected")
        } catch {
            #expect(error.code == .upstreamUnavailable, "\(error)")
        }
        await bridge.stop()
    }

    @Test("a request published while the bridge is down is not executed when it comes back (its session is persistent)")
    func requestsAreNotQueuedForTheBridge() async throws {
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        #expect(!config.mqtt.cleanStart && config.mqtt.sessionExpiry > .zero, "the test needs the default persistent session")
        let base = config.mqtt.baseTopic
        let runs = Mutex<[String]>([])
        let route: @Sendable (GatehouseBridge) -> Void = { bridge in
            bridge.context.serve(RequestRoute("\(base)/locks/+/request/+") { request in
                let transaction = (try? JSONValue.parse(request.message.payload))?["transaction"]?.stringValue ?? "?"
                runs.withLock { $0.append(transaction) }
                return ["room": "101"]
            })
        }
        let first = try await RunningBridge(config: config, configure: route)
        await first.stop()
        let pms = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/locks/101/response/open"])
        // Published (and acknowledged by the broker) while nothing serves it.
        try await pms.client.publishAcknowledged("\(base)/locks/101/request/open", Data(#"{"transaction":"while-down"}"#.utf8))

        let second = try await RunningBridge(config: config, configure: route)
        try await pms.client.publishAcknowledged("\(base)/locks/101/request/open", Data(#"{"transaction":"after"}"#.utf8))
        // Responses come in order on one connection: a replayed request would answer first.
        let answer = try JSONValue.parse(try await pms.next(on: "\(base)/locks/101/response/open", timeout: .seconds(10)).payload)
        #expect(answer["transaction"] == "after", "a request published while the bridge was down was executed: \(answer)")
        #expect(runs.withLock { $0 } == ["after"])
        await pms.stop()
        await second.stop()
    }
}
