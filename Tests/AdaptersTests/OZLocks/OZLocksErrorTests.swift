import OZLocks
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("OZLocks adapter: vendor errors reach the requester with the right code and text")
struct OZLocksErrorTests {
    @Test(
        "status and ECode mapping",
        arguments: [
            (OZLocksSimulator.Behaviour.error(code: "1", message: "Номер не существует"), "room-not-found", String?("1")),
            (.error(code: "2", message: "Карта отсутствует на устройстве"), "card-absent", "2"),
            (.error(code: "10", message: "Замок не в сети"), "lock-offline", "10"),
            (.error(code: "77", message: "Неизвестная ошибка"), "invalid-request", "77"),
            (.badRequest, "upstream-unavailable", nil),
        ])
    func mapping(behaviour: OZLocksSimulator.Behaviour, code: String, vendorCode: String?) async throws {
        let h = try await OZLocksHarness.start()
        h.simulator.setBehaviour(behaviour)
        let answer = try await h.request(h.topics.lock("101").request("read-state"), "{}")
        #expect(answer.errorCode == code, "\(answer)")
        #expect(answer["error"]?["vendor"]?["code"]?.stringValue == vendorCode)
        if case .error(_, let message) = behaviour {
            #expect(answer["error"]?["vendor"]?["message"] == .string(message))
        }
        await h.stop()
    }

    @Test("health on a site with only series H locks, or none configured: healthy while the server answers")
    func healthWithoutWRLocks() async throws {
        for locks in [[OZLocksSettings.Lock(room: "102", series: .h)], []] {
            let h = try await OZLocksHarness.start(settings: { $0.locks = locks })
            #expect(await h.adapter.healthCheck().healthy, "locks \(locks.map(\.room))")
            h.simulator.setBehaviour(.badRequest)  // the vendor's "server not available"
            #expect(await !h.adapter.healthCheck().healthy)
            await h.stop()
        }
    }

    @Test("an unknown ECode on one room is that request's error: the adapter stays connected")
    func unknownCodeIsNoOutage() async throws {
        let h = try await OZLocksHarness.start()
        h.simulator.setBehaviour(.error(code: "77", message: "Неизвестная ошибка"))
        await h.adapter.pollNow()
        h.simulator.setBehaviour(.normal)
        let states = h.client.received(on: "\(h.running.config.mqtt.baseTopic)/bridge/adapters/ozlocks")
            .compactMap { try? JSONValue.parse($0.payload)["state"]?.stringValue }
        #expect(!states.contains("disconnected"), "\(states)")
        await h.stop()
    }

    @Test("a fault on one operation only: IssueCard refused with the vendor's code while ReadState answers")
    func perOperationFault() async throws {
        let h = try await OZLocksHarness.start()
        h.simulator.setBehaviour(.error(code: "42", message: "Энкодер занят"), for: "IssueCard")
        let issued = try await h.request(
            h.topics.encoder("001").request("issue-card"),
            #"{"room":"101","checkIn":"2025-09-04T15:21:00+03:00","checkOut":"2025-09-05T14:00:00+03:00","guestName":"X","newIssue":true,"workstation":"W"}"#)
        #expect(issued.errorCode == "invalid-request" && issued["error"]?["vendor"]?["code"] == "42", "\(issued)")
        #expect(try await h.request(h.topics.lock("101").request("read-state"), "{}")["status"] == "ok")
        await h.stop()
    }

    @Test("a 500 without ECode (an HTML page) is the server failing: upstream-unavailable, not a data error")
    func serverErrorWithoutCode() async throws {
        let h = try await OZLocksHarness.start()
        h.simulator.setBehaviour(.serverErrorWithoutCode, times: 1)
        let answer = try await h.request(h.topics.lock("101").request("read-state"), "{}")
        #expect(answer.errorCode == "upstream-unavailable", "\(answer)")
        #expect(try await h.request(h.topics.lock("101").request("read-state"), "{}")["status"] == "ok")
        await h.stop()
    }

    @Test("a room the vendor does not know → room-not-found")
    func unknownRoomAtVendor() async throws {
        let h = try await OZLocksHarness.start()
        // 104 is configured for the adapter but the vendor has no such room.
        let answer = try await h.request(h.topics.lock("104").request("read-state"), "{}")
        #expect(answer.errorCode == "room-not-found")
        #expect(answer["error"]?["vendor"]?["code"] == "1")
        await h.stop()
    }

    @Test("wrong API key → unauthorized, and the key never appears in topics or logs")
    func unauthorized() async throws {
        let simulator = OZLocksSimulator(apiKey: "the-real-key", rooms: [.init("101", series: .wr)], encoders: ["001"])
        let port = try await simulator.start()
        var settings = OZLocksSettings()
        settings.url = "http://127.0.0.1:\(port)"
        settings.apiKey = Secret("wrong-key-Zq81")
        settings.timeout = .seconds(2)
        settings.locks = [.init(room: "101", series: .wr)]
        settings.pollInterval = .seconds(3600)
        let log = CapturedLog()
        let running = try await RunningBridge(
            config: RunningBridge.testConfig(port: TestBroker.shared.port),
            adapters: [OZLocksAdapter(settings: settings, logger: log.logger("gatehouse.adapter.ozlocks"))])
        let base = running.config.mqtt.baseTopic
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/#"])
        try client.publish("\(base)/locks/101/request/read-state", "{}")
        let answer = try JSONValue.parse(try await client.next(on: "\(base)/locks/101/response/read-state").payload)
        #expect(answer.errorCode == "unauthorized")
        #expect(simulator.calls("ReadState") == 0)
        let everything = client.received(on: "#").map { String(decoding: $0.payload, as: UTF8.self) }.joined()
        #expect(!everything.contains("wrong-key-Zq81"))
        await simulator.stop()  // and a failing transport, which logs
        try client.publish("\(base)/locks/101/request/read-state", "{}")
        _ = try await client.messages(on: "\(base)/locks/101/response/read-state", count: 2, timeout: .seconds(10))
        #expect(!log.text.isEmpty)
        #expect(!log.text.contains("wrong-key-Zq81"))
        await client.stop()
        await running.stop()
        await simulator.stop()
    }

    @Test("a slow vendor → upstream-unavailable after the client timeout; a stopped one → upstream-unavailable")
    func timeoutAndDown() async throws {
        let h = try await OZLocksHarness.start(timeout: .milliseconds(300))
        h.simulator.setBehaviour(.slow(.seconds(2)))
        let slow = try await h.request(h.topics.lock("101").request("read-state"), "{}")
        #expect(slow.errorCode == "upstream-unavailable")
        #expect(slow["error"]?["message"]?.stringValue?.contains("timeout") == true)
        await h.simulator.stop()
        let down = try await h.request(h.topics.lock("101").request("read-state"), "{}")
        #expect(down.errorCode == "upstream-unavailable")
        await h.stop()
    }
}
