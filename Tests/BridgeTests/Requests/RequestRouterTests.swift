import Bridge
import Foundation
import Synchronization
import TestSupport
import Testing
import Topics

/// A request type with required fields of several types, to check field-naming errors.
private struct EchoRequest: Decodable {
    var room: String
    var count: Int
}

/// Counts handler runs across tasks.
final class RunCounter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var count: Int { value.load(ordering: .relaxed) }
}

/// Request/response through a real bridge and a real broker.
@Suite("Request router end to end")
struct RequestRouterTests {
    /// Runs a bridge whose `echo` route counts its runs, and a client on its response topics.
    private func withEchoBridge(
        handlerDelay: Duration = .zero, serialize: Bool = false, queueLimit: Int = 16, timeout: Duration? = nil,
        _ body: (RunningBridge, MessageCollector, RunCounter) async throws -> Void
    ) async throws {
        let runs = RunCounter()
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        var key: (@Sendable (RequestContext) -> String?)? = nil
        if serialize { key = { _ in "the-one-encoder" } }
        let handler: RequestHandler = { request in
            runs.increment()
            if handlerDelay > .zero { try await Task.sleep(for: handlerDelay) }
            let echo = try request.decode(EchoRequest.self)
            return JSONValue.object(["room": .string(echo.room), "count": .int(Int64(echo.count))])
        }
        let serializationKey = key
        let bridge = try await RunningBridge(config: config) { bridge in
            let base = bridge.context.topics.base
            bridge.context.serve(
                RequestRoute(
                    "\(base)/echo/+/request/+", timeout: timeout, serializationKey: serializationKey, queueLimit: queueLimit,
                    handler: handler))
        }
        let client = try await MessageCollector(
            port: TestBroker.shared.port, filters: ["\(config.mqtt.baseTopic)/#"])
        do {
            try await body(bridge, client, runs)
        } catch {
            await client.stop()
            await bridge.stop()
            throw error
        }
        await client.stop()
        await bridge.stop()
    }

    private func envelope(_ message: MQTTMessage) throws -> [String: JSONValue] {
        try #require(try JSONDecoder().decode(JSONValue.self, from: message.payload).objectValue)
    }

    @Test("a request is answered on /response/<op> with the transaction echoed")
    func defaultResponseTopic() async throws {
        try await withEchoBridge { bridge, client, _ in
            let base = bridge.config.mqtt.baseTopic
            try client.publish("\(base)/echo/x/request/ping", #"{"room":"101","count":2,"transaction":"t-17"}"#)
            let response = try envelope(try await client.next(on: "\(base)/echo/x/response/ping"))
            #expect(response["status"] == "ok")
            #expect(response["transaction"] == "t-17")
            #expect(response["data"]?.objectValue?["room"] == "101")
            #expect(response["data"]?.objectValue?["count"] == 2)
        }
    }

    @Test("an MQTT 5 Response Topic gets the answer with the Correlation Data echoed")
    func responseTopicAndCorrelation() async throws {
        try await withEchoBridge { bridge, client, _ in
            let base = bridge.config.mqtt.baseTopic
            let correlation = Data("corr-42".utf8)
            try client.publish(
                "\(base)/echo/x/request/ping", #"{"room":"7","count":1}"#,
                properties: MQTTProperties(responseTopic: "\(base)/clients/pms/r1", correlationData: correlation))
            let reply = try await client.next(on: "\(base)/clients/pms/r1")
            #expect(reply.properties.correlationData == correlation)
            #expect(try envelope(reply)["status"] == "ok")
            #expect(client.received(on: "\(base)/echo/x/response/ping").isEmpty)
        }
    }

    @Test("a Response Topic outside <base>/clients/ is refused: the bridge never publishes a command for a requester")
    func responseTopicMustBeAMailbox() async throws {
        try await withEchoBridge { bridge, client, runs in
            let base = bridge.config.mqtt.baseTopic
            try client.publish(
                "\(base)/echo/x/request/ping", #"{"room":"7","count":1}"#,
                properties: MQTTProperties(responseTopic: "\(base)/locks/102/request/open"))
            let response = try envelope(try await client.next(on: "\(base)/echo/x/response/ping"))
            #expect(response["error"]?.objectValue?["code"] == "invalid-request")
            #expect(response["error"]?.objectValue?["message"]?.stringValue?.contains("Response Topic") == true)
            #expect(client.received(on: "\(base)/locks/#").isEmpty)
            #expect(runs.count == 0)
        }
    }

    @Test("the same transaction twice runs the handler once and both get the same response")
    func idempotentTransaction() async throws {
        try await withEchoBridge(handlerDelay: .milliseconds(200)) { bridge, client, runs in
            let base = bridge.config.mqtt.baseTopic
            let request = #"{"room":"101","count":1,"transaction":"dup-1"}"#
            try client.publish("\(base)/echo/x/request/cut", request)
            try client.publish("\(base)/echo/x/request/cut", request)
            let two = try await client.messages(on: "\(base)/echo/x/response/cut", count: 2)
            #expect(two[0].payload == two[1].payload)
            // A third delivery, after completion, is answered from the journal.
            try client.publish("\(base)/echo/x/request/cut", request)
            let three = try await client.messages(on: "\(base)/echo/x/response/cut", count: 3)
            #expect(three[2].payload == two[0].payload)
            #expect(runs.count == 1)
        }
    }

    @Test("a retained request is refused and never executed")
    func retainedRequest() async throws {
        try await withEchoBridge { bridge, client, runs in
            let base = bridge.config.mqtt.baseTopic
            try client.publish("\(base)/echo/x/request/open", #"{"room":"1","count":1,"transaction":"r"}"#, retain: true)
            let response = try envelope(try await client.next(on: "\(base)/echo/x/response/open"))
            #expect(response["status"] == "error")
            #expect(response["error"]?.objectValue?["code"] == "retained-command")
            #expect(runs.count == 0)
            // Clearing it the MQTT way is no request: no answer. Responses come in order on one
            // connection, so the next one must be the live request's.
            let mark = client.mark()
            try client.publish("\(base)/echo/x/request/open", "", retain: true)
            try client.publish("\(base)/echo/x/request/open", #"{"room":"1","count":1,"transaction":"after"}"#)
            let next = try envelope(try await client.next(on: "\(base)/echo/x/response/open", after: mark))
            #expect(next["transaction"] == "after", "the clearing got an answer: \(next)")
            #expect(next["status"] == "ok")
        }
    }

    @Test("expiresAt in the past is refused as expired")
    func expiredByField() async throws {
        try await withEchoBridge { bridge, client, runs in
            let base = bridge.config.mqtt.baseTopic
            try client.publish(
                "\(base)/echo/x/request/open", #"{"room":"1","count":1,"expiresAt":"2020-01-01T00:00:00+03:00"}"#)
            let response = try envelope(try await client.next(on: "\(base)/echo/x/response/open"))
            #expect(response["error"]?.objectValue?["code"] == "expired")
            #expect(runs.count == 0)
        }
    }

    @Test("a request whose Message Expiry passes while it waits in the queue is refused as expired")
    func expiredWhileQueued() async throws {
        try await withEchoBridge(handlerDelay: .milliseconds(1500), serialize: true) { bridge, client, runs in
            let base = bridge.config.mqtt.baseTopic
            try client.publish("\(base)/echo/x/request/slow", #"{"room":"1","count":1}"#)
            try client.publish(
                "\(base)/echo/y/request/slow", #"{"room":"2","count":1}"#, properties: MQTTProperties(messageExpiry: 1))
            let second = try envelope(try await client.next(on: "\(base)/echo/y/response/slow"))
            #expect(second["error"]?.objectValue?["code"] == "expired")
            let first = try envelope(try await client.next(on: "\(base)/echo/x/response/slow"))
            #expect(first["status"] == "ok")
            #expect(runs.count == 1)
        }
    }

    @Test(
        "bad input gets invalid-request naming the field, and the bridge keeps serving",
        arguments: [
            ("{not json", "JSON"),
            (#"{"count":1}"#, "room"),
            (#"{"room":"1","count":"many"}"#, "count"),
            (#"["room"]"#, "object"),
            (#"{"room":"1","count":1,"transaction":5}"#, "transaction"),
        ])
    func invalidRequests(payload: String, mentions: String) async throws {
        try await withEchoBridge { bridge, client, _ in
            let base = bridge.config.mqtt.baseTopic
            try client.publish("\(base)/echo/x/request/bad", payload)
            let response = try envelope(try await client.next(on: "\(base)/echo/x/response/bad"))
            let error = try #require(response["error"]?.objectValue)
            #expect(error["code"] == "invalid-request")
            let message = try #require(error["message"]?.stringValue)
            #expect(message.localizedCaseInsensitiveContains(mentions), "\(message)")
            try client.publish("\(base)/echo/x/request/good", #"{"room":"1","count":1}"#)
            #expect(try envelope(try await client.next(on: "\(base)/echo/x/response/good"))["status"] == "ok")
        }
    }

    @Test("a payload over the configured maximum is refused without running the handler")
    func oversizedPayload() async throws {
        try await withEchoBridge { bridge, client, runs in
            let base = bridge.config.mqtt.baseTopic
            let big = #"{"room":""# + String(repeating: "x", count: 70_000) + #"","count":1}"#
            try client.publish("\(base)/echo/x/request/big", big)
            let response = try envelope(try await client.next(on: "\(base)/echo/x/response/big"))
            #expect(response["error"]?.objectValue?["code"] == "invalid-request")
            #expect(response["error"]?.objectValue?["message"]?.stringValue?.contains("payload") == true)
            #expect(runs.count == 0)
        }
    }

    @Test("a handler that outlives its timeout answers timeout")
    func handlerTimeout() async throws {
        try await withEchoBridge(handlerDelay: .seconds(5), timeout: .milliseconds(300)) { bridge, client, _ in
            let base = bridge.config.mqtt.baseTopic
            let started = ContinuousClock.now
            try client.publish("\(base)/echo/x/request/slow", #"{"room":"1","count":1}"#)
            let response = try envelope(try await client.next(on: "\(base)/echo/x/response/slow"))
            #expect(response["error"]?.objectValue?["code"] == "timeout")
            // The handler goes on: the requester must check, not retry blindly.
            #expect(response["error"]?.objectValue?["inDoubt"] == true)
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test("a full per-key queue answers busy; queued requests run one at a time in order")
    func serialisedQueue() async throws {
        try await withEchoBridge(handlerDelay: .milliseconds(300), serialize: true, queueLimit: 1) { bridge, client, runs in
            let base = bridge.config.mqtt.baseTopic
            for room in ["a", "b", "c"] {
                try client.publish("\(base)/echo/\(room)/request/issue", #"{"room":"\#(room)","count":1}"#)
            }
            let c = try envelope(try await client.next(on: "\(base)/echo/c/response/issue"))
            #expect(c["error"]?.objectValue?["code"] == "busy")
            let a = try envelope(try await client.next(on: "\(base)/echo/a/response/issue"))
            let b = try envelope(try await client.next(on: "\(base)/echo/b/response/issue"))
            #expect(a["status"] == "ok" && b["status"] == "ok")
            let order = client.received(on: "\(base)/echo/+/response/issue").map(\.topic)
            #expect(order == ["\(base)/echo/c/response/issue", "\(base)/echo/a/response/issue", "\(base)/echo/b/response/issue"])
            #expect(runs.count == 2)
        }
    }
}
