import AsyncHTTPClient
import Bridge
import Foundation
import NIOHTTP1
import TestSupport
import Testing
import Topics

/// The operator console over real HTTP, without a browser: the page behind the API key, the
/// event stream (snapshot, then live updates), the request form, and shutdown with a stream open.
@Suite("Console over HTTP")
struct ConsoleHTTPTests {
    @Test("the page needs the key; a browser gets a Basic challenge, and the page holds no secret")
    func pageBehindKey() async throws {
        let h = try await ConsoleHarness()
        let denied = try await h.request("/")
        #expect(denied.status == 401)
        #expect(denied.headers.first(name: "www-authenticate")?.hasPrefix("Basic realm=\"gatehouse\"") == true)
        let page = try await h.request("/", headers: [("Authorization", h.basicAuth)])
        #expect(page.status == 200)
        #expect(page.headers.first(name: "content-type")?.hasPrefix("text/html") == true)
        #expect(page.body.contains("<title>Gatehouse console</title>"))
        #expect(page.headers.first(name: "content-security-policy")?.contains("default-src 'none'") == true)
        for asset in ["/console/app.js", "/console/app.css"] {
            let served = try await h.request(asset, headers: [("X-API-Key", h.apiKey)])
            #expect(served.status == 200, "\(asset)")
            #expect(!served.body.contains(h.apiKey))
            // Nothing from another origin: no CDN, no external fonts.
            #expect(!served.body.contains("http://") && !served.body.contains("https://"), "\(asset)")
        }
        #expect(!page.body.contains(h.apiKey) && !page.body.contains("sim-key"))
        await h.stop()
    }

    @Test("events: hello, the retained lock states, ready; then a battery change arrives live")
    func eventStream() async throws {
        let h = try await ConsoleHarness()
        let lock = h.running.bridge.context.topics.lock("101").state
        let stream = try await EventStreamReader(url: h.origin + "/console/events", headers: [("Authorization", h.basicAuth)])
        #expect(stream.contentType?.hasPrefix("text/event-stream") == true)
        let hello = try await stream.first("hello") { $0.name == "hello" }
        #expect(hello.index == 0)
        #expect(hello.event.json?["base"]?.stringValue == h.base)
        #expect(hello.event.json?["requestsEnabled"] == true)
        let filters = hello.event.json?["requestFilters"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(filters.contains("\(h.base)/locks/101/request/+") && filters.contains("\(h.base)/bridge/request/health-check"))
        let ready = try await stream.first("ready") { $0.name == "ready" }
        let state = try await stream.first("state of lock 101") { $0.name == "state" && $0.json?["topic"]?.stringValue == lock }
        #expect(state.index < ready.index, "the snapshot comes before ready")
        #expect(state.event.json?["payload"]?["lowBattery"] == false)
        let status = try await stream.first("status") { $0.name == "status" }
        #expect(status.event.json?["outbox"]?["pending"] == 0)
        #expect(status.event.json?["bridge"]?["connected"] == true)
        _ = try await stream.first("adapter state") {
            $0.name == "state" && $0.json?["topic"]?.stringValue == "\(h.base)/bridge/adapters/ozlocks"
        }

        h.simulator.setLowBattery(true, room: "101")
        await h.adapter.pollNow()
        let live = try await stream.first("the battery change", from: ready.index) {
            $0.name == "state" && $0.json?["topic"]?.stringValue == lock && $0.json?["payload"]?["lowBattery"] == true
        }
        #expect(live.event.json?["retained"] == false, "a live update, not the snapshot")
        stream.stop()
        await h.stop()
    }

    @Test("the status shows the outbox per stream and the failed pushes, without their payloads")
    func outboxStatus() async throws {
        let h = try await ConsoleHarness()
        let outbox = h.running.bridge.context.store.outbox
        _ = try await outbox.enqueue(stream: "demo.push", key: "gate-1", payload: Data(#"{"plate":"A1"}"#.utf8))
        let doomed = try await outbox.enqueue(stream: "demo.push", key: "gate-2", payload: Data(#"{"plate":"SECRET-PLATE"}"#.utf8))
        try await outbox.deadLetter(id: doomed, error: "HTTP 500 from the platform", stream: "demo.failed")
        let stream = try await EventStreamReader(url: h.origin + "/console/events", headers: [("Authorization", h.basicAuth)])
        let status = try await stream.first("status with the outbox") { $0.name == "status" }.event
        #expect(status.json?["outbox"] == ["pending": 1, "failed": 1])
        #expect(status.json?["streams"]?["demo.push"] == ["pending": 1, "failed": 0])
        #expect(status.json?["streams"]?["demo.failed"]?["failed"] == 1)
        let failed = status.json?["failedPushes"]?[0]
        #expect(failed?["key"] == "gate-2")
        #expect(failed?["lastError"] == "HTTP 500 from the platform")
        #expect(!status.data.contains("SECRET-PLATE"))
        stream.stop()
        await h.stop()
    }

    @Test("a slow or absent reader does not hold up shutdown: stop() returns with a stream open")
    func shutdownWithStreamOpen() async throws {
        let h = try await ConsoleHarness()
        let stream = try await EventStreamReader(url: h.origin + "/console/events", headers: [("X-API-Key", h.apiKey)])
        _ = try await stream.first("ready") { $0.name == "ready" }
        let start = ContinuousClock.now
        await h.stop()
        #expect(ContinuousClock.now - start < .seconds(10))
        try await stream.waitForEnd(timeout: .seconds(5))
    }

    @Test("the request form sends a contract request and returns its response")
    func requestForm() async throws {
        let h = try await ConsoleHarness()
        let topic = "\(h.base)/locks/101/request/read-state"
        let answer = try await h.send(#"{"topic":"\#(topic)","payload":"{\"transaction\":\"console-1\"}"}"#)
        #expect(answer.status == 200)
        #expect(answer.json["topic"]?.stringValue == topic)
        #expect(answer.json["response"]?["status"] == "ok")
        #expect(answer.json["response"]?["data"]?["room"] == "101")
        #expect(answer.json["response"]?["transaction"] == "console-1")
        // A JSON object as payload works as well.
        let object = try await h.send(#"{"topic":"\#(h.base)/bridge/request/health-check","payload":{}}"#)
        #expect(object.json["response"]?["data"]?["healthy"] != nil)
        // An error answer comes back as the contract's error envelope, with 200: the request was answered.
        let offline = try await h.send(#"{"topic":"\#(h.base)/locks/102/request/read-state","payload":"{}"}"#)
        #expect(offline.status == 200)
        #expect(offline.json["response"]?["error"]?["code"] == "unsupported")
        await h.stop()
    }

    @Test("the request form refuses what is not a request, and cross-site posts")
    func requestFormRefusals() async throws {
        let h = try await ConsoleHarness()
        let state = try await h.send(#"{"topic":"\#(h.base)/locks/101","payload":"{}"}"#)
        #expect(state.status == 400)
        #expect(state.json["error"]?["code"] == "invalid-request")
        #expect(state.json["error"]?["message"]?.stringValue?.contains("not a request topic") == true)
        let wildcard = try await h.send(#"{"topic":"\#(h.base)/locks/+/request/open"}"#)
        #expect(wildcard.status == 400)
        let foreign = try await h.send(#"{"topic":"other/locks/101/request/open"}"#)
        #expect(foreign.json["error"]?["message"]?.stringValue?.contains("base topic") == true)
        let broken = try await h.send("not json")
        #expect(broken.status == 400)
        let crossSite = try await h.send(
            #"{"topic":"\#(h.base)/locks/101/request/open"}"#, extraHeaders: [("Origin", "http://evil.example")])
        #expect(crossSite.status == 403)
        let form = try await h.request(
            "/console/request", method: .POST,
            headers: [("Authorization", h.basicAuth), ("Content-Type", "application/x-www-form-urlencoded")], body: "topic=x")
        #expect(form.status == 415)
        let noKey = try await h.request(
            "/console/request", method: .POST, headers: [("Content-Type", "application/json")], body: "{}")
        #expect(noKey.status == 401)
        await h.stop()
    }

    @Test("without http.apiKey the console is open but read-only: the form sends nothing")
    func readOnlyWithoutKey() async throws {
        let h = try await ConsoleHarness(withKey: false)
        #expect(try await h.request("/").status == 200)
        let stream = try await EventStreamReader(url: h.origin + "/console/events", headers: [])
        let hello = try await stream.first("hello") { $0.name == "hello" }
        #expect(hello.event.json?["requestsEnabled"] == false)
        let answer = try await h.send(#"{"topic":"\#(h.base)/locks/101/request/open","payload":"{}"}"#)
        #expect(answer.status == 403)
        #expect(answer.json["error"]?["message"]?.stringValue?.contains("needs http.apiKey") == true)
        #expect(h.simulator.calls("OpenLock") == 0)
        stream.stop()
        await h.stop()
    }

    @Test("a request nothing answers ends in a clear timeout")
    func requestTimeout() async throws {
        let h = try await ConsoleHarness(handlerTimeout: .seconds(1))
        // Someone subscribes (a dashboard, say) but nobody answers: the outcome is unknown.
        let listener = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(h.base)/silent/request/+"])
        let answer = try await h.send(#"{"topic":"\#(h.base)/silent/request/anything","payload":"{}"}"#)
        #expect(answer.status == 504)
        #expect(answer.json["error"]?["code"] == "timeout")
        #expect(answer.json["error"]?["message"]?.stringValue?.contains("is anything serving this topic") == true)
        await listener.stop()
        await h.stop()
    }

    @Test("a request nobody subscribes to is no-handler at once (the broker's PUBACK says so: nothing ran)")
    func requestNobodySubscribes() async throws {
        let h = try await ConsoleHarness(handlerTimeout: .seconds(5))
        let started = ContinuousClock.now
        let answer = try await h.send(#"{"topic":"\#(h.base)/nobody/request/anything","payload":"{}"}"#)
        #expect(answer.status == 502)
        #expect(answer.json["error"]?["code"] == "no-handler")
        #expect(ContinuousClock.now - started < .seconds(2))
        await h.stop()
    }
}
