import Bridge
import Foundation
import Synchronization
import TestSupport
import Testing
import Topics

/// Hostile requesters on the broker: a flood, a request that names the bridge's own reply
/// mailbox, a forged reply.
@Suite("Requests: bounded and not forgeable")
struct RequestBoundsTests {
    @Test("a flood beyond requests.maxInFlight is answered busy at once; only the admitted requests run")
    func flood() async throws {
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.requests.maxInFlight = 3
        let base = config.mqtt.baseTopic
        let runs = RunCounter()
        let release = AsyncStream.makeStream(of: Void.self)
        let bridge = try await RunningBridge(config: config) { bridge in
            bridge.context.serve(RequestRoute("\(base)/echo/+/request/+") { _ in
                runs.increment()
                for await _ in release.stream { break }
                return .string("done")
            })
        }
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/echo/+/response/+"])
        for index in 0..<10 {
            try client.publish("\(base)/echo/r\(index)/request/ping", #"{"transaction":"t\#(index)"}"#)
        }
        // Seven refusals arrive while the three admitted handlers are still held.
        let deadline = ContinuousClock.now + .seconds(10)
        while client.received(on: "\(base)/echo/+/response/ping").count < 7 || runs.count < 3, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let refused = client.received(on: "\(base)/echo/+/response/ping").compactMap { try? JSONValue.parse($0.payload) }
        #expect(refused.count == 7)
        #expect(refused.allSatisfy { $0["error"]?["code"] == "busy" }, "\(refused)")
        #expect(refused.allSatisfy { $0["transaction"]?.stringValue?.hasPrefix("t") == true }, "the refusal names the transaction")
        #expect(runs.count == 3)
        for _ in 0..<3 { release.continuation.yield() }
        release.continuation.finish()
        while client.received(on: "\(base)/echo/+/response/ping").count < 10, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let all = client.received(on: "\(base)/echo/+/response/ping").compactMap { try? JSONValue.parse($0.payload) }
        #expect(all.filter { $0["status"] == "ok" }.count == 3)
        await client.stop()
        await bridge.stop()
    }

    @Test("a request naming a mailbox of the bridge's own requesters is refused; the bridge never answers into it")
    func ownMailboxIsReserved() async throws {
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let base = config.mqtt.baseTopic
        let runs = RunCounter()
        let bridge = try await RunningBridge(config: config) { bridge in
            bridge.context.serve(RequestRoute("\(base)/echo/+/request/+") { _ in
                runs.increment()
                return ["cardUid": "ATTACKER"]
            })
        }
        let facade = RequestClient(context: bridge.bridge.context, name: "facade-like")
        facade.start()
        let client = try await MessageCollector(
            port: TestBroker.shared.port, filters: ["\(base)/echo/+/response/+", facade.replyTopic])
        try client.publish(
            "\(base)/echo/x/request/ping", "{}",
            properties: MQTTProperties(responseTopic: facade.replyTopic, correlationData: Data("guess".utf8)))
        let refusal = try JSONValue.parse(try await client.next(on: "\(base)/echo/x/response/ping").payload)
        #expect(refusal["error"]?["code"] == "invalid-request", "\(refusal)")
        #expect(refusal["error"]?["message"]?.stringValue?.contains("own requesters") == true, "\(refusal)")
        #expect(runs.count == 0)
        // The bridge's own requests through the same mailbox still work.
        let envelope = try await facade.request("\(base)/echo/y/request/ping", payload: Data("{}".utf8), timeout: .seconds(5))
        #expect(envelope.status == .ok)
        // The collector sees the mailbox too: its first message must be that reply, not an answer to the intruder.
        let first = try await client.next(on: facade.replyTopic)
        #expect(first.properties.correlationData != Data("guess".utf8), "the bridge answered the intruder into the mailbox")
        await client.stop()
        await bridge.stop()
    }

    @Test("a reply with the right Correlation Data but another transaction is ignored; the real one is taken")
    func forgedReply() async throws {
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let base = config.mqtt.baseTopic
        let forger = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/nothing"])
        let bridge = try await RunningBridge(config: config) { bridge in
            bridge.context.serve(RequestRoute("\(base)/echo/+/request/+") { request in
                // Someone who saw the request answers first, with another transaction and their own data.
                let forged = ResponseEnvelope.ok(["cardUid": "FORGED"], transaction: "someone-else").encoded()
                try? await forger.client.publishAcknowledged(
                    request.message.properties.responseTopic ?? "", forged,
                    properties: MQTTProperties(correlationData: request.message.properties.correlationData))
                try await Task.sleep(for: .milliseconds(300))
                return ["cardUid": "REAL"]
            })
        }
        let requests = RequestClient(context: bridge.bridge.context, name: "forge-test")
        requests.start()
        let envelope = try await requests.request(
            "\(base)/echo/z/request/issue", payload: Data(#"{"transaction":"mine"}"#.utf8), timeout: .seconds(5))
        #expect(envelope.transaction == "mine")
        #expect(envelope.data?["cardUid"] == "REAL", "a forged reply was taken: \(String(describing: envelope.data))")
        await forger.stop()
        await bridge.stop()
    }
}
