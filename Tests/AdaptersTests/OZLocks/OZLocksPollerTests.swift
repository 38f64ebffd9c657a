import OZLocks
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("OZLocks adapter: lock state and log polling")
struct OZLocksPollerTests {
    private func states(_ h: OZLocksHarness, _ room: String) -> [JSONValue] {
        h.client.received(on: h.topics.lock(room).state).compactMap { try? JSONValue.parse($0.payload) }
    }

    @Test("battery low → the retained state changes once; offline → availability offline")
    func stateChanges() async throws {
        let h = try await OZLocksHarness.start()
        await h.adapter.pollNow()
        _ = try await h.client.messages(on: h.topics.lock("101").state, count: 1)
        #expect(states(h, "101").last?["lowBattery"] == false)
        await h.adapter.pollNow()  // nothing changed: nothing new
        h.simulator.setLowBattery(true, room: "101")
        await h.adapter.pollNow()
        await h.adapter.pollNow()
        let all = try await h.client.messages(on: h.topics.lock("101").state, count: 2)
        #expect(all.count == 2)
        #expect(states(h, "101").last?["lowBattery"] == true)

        h.simulator.setOnline(false, room: "103")
        await h.adapter.pollNow()
        let availability = try await h.client.messages(on: h.topics.lock("103").availability, count: 2)
        #expect(try JSONValue.parse(availability.last!.payload)["state"] == "offline")
        #expect(states(h, "103").last?["online"] == false)
        // Series H locks are never polled.
        #expect(states(h, "102").isEmpty)
        await h.stop()
    }

    @Test("an unchanged state is published again after lastSeenRefresh, so lastSeen moves")
    func lastSeenRefresh() async throws {
        let h = try await OZLocksHarness.start(settings: { $0.lastSeenRefresh = .seconds(1) })
        let topic = h.topics.lock("101").state
        let first = try await h.client.messages(on: topic, count: 1)
        try await Task.sleep(for: .milliseconds(1100))  // the refresh period is what is tested
        await h.adapter.pollNow()
        let refreshed = try await h.client.messages(on: topic, count: first.count + 1)
        let firstState = try #require(first.last)
        let refreshedState = try #require(refreshed.last)
        let before = try #require(JSONValue.parse(firstState.payload)["lastSeen"]?.stringValue)
        let after = try #require(JSONValue.parse(refreshedState.payload)["lastSeen"]?.stringValue)
        #expect(after > before, "lastSeen did not move: \(before) → \(after)")
        await h.stop()
    }

    @Test("within lastSeenRefresh an unchanged state is not published again, however often the poller runs")
    func lastSeenNotMoreOften() async throws {
        let h = try await OZLocksHarness.start(settings: { $0.lastSeenRefresh = .seconds(3600) })
        let topic = h.topics.lock("101").state
        let first = try await h.client.messages(on: topic, count: 1)
        await h.adapter.pollNow()
        await h.adapter.pollNow()
        try await Task.sleep(for: .milliseconds(200))  // absence: a republish would have come by now
        #expect(h.client.received(on: topic).count == first.count)
        await h.stop()
    }

    @Test("after UNLOCK or LOCK from Home Assistant, the lock's state is read back and published at once, not at the next poll")
    func stateAfterCommand() async throws {
        let h = try await OZLocksHarness.start()  // the next poll is an hour away
        let state = h.topics.lock("101").state
        _ = try await h.client.messages(on: state, count: 1)
        let mark = h.client.mark()
        try h.client.publish(h.topics.lock("101").set, "UNLOCK")
        let opened = try JSONValue.parse(try await h.client.next(on: state, after: mark).payload)
        #expect(opened["opened"] == true, "\(opened)")
        let next = h.client.mark()
        try h.client.publish(h.topics.lock("101").set, "LOCK")
        let closed = try JSONValue.parse(try await h.client.next(on: state, after: next).payload)
        #expect(closed["opened"] == false, "\(closed)")
        await h.stop()
    }

    @Test("lock log: the same record twice in a minute is two events, older records a lock delivers late are published, a record without time does not cost the others")
    func logRecordsByContent() async throws {
        let h = try await OZLocksHarness.start()
        let event = h.topics.lock("101").event
        let now = Date()
        h.simulator.appendLog(room: "101", type: 6, typeName: "Карта гостя", at: now, holderID: 12, holderName: "Иванов Иван")
        await h.adapter.pollNow()  // published: the harness's first pass made the (empty) baseline
        _ = try await h.client.messages(on: event, count: 1)
        // The same card twice in the same minute, a record the lock kept while offline (an hour
        // older than the newest), and one without EventTime.
        h.simulator.appendLog(room: "101", type: 6, typeName: "Карта гостя", at: now, holderID: 12, holderName: "Иванов Иван")
        h.simulator.appendLog(room: "101", type: 17, typeName: "Код гостя", at: now.addingTimeInterval(-3600), holderID: 12, holderName: nil)
        h.simulator.appendLog(room: "101", type: 6, typeName: "Карта гостя", at: nil, holderID: 13, holderName: nil)
        await h.adapter.pollNow()
        await h.adapter.pollNow()  // nothing new the second time
        let events = try await h.client.messages(on: event, count: 3).dropFirst().compactMap { try? JSONValue.parse($0.payload) }
        #expect(events.map { $0["type"] } == [17, 6], "oldest first: \(events)")
        try await Task.sleep(for: .milliseconds(200))  // absence: a fourth event would have come with these
        #expect(h.client.received(on: event).count == 3)
        await h.stop()
    }

    @Test("each new log record is published once, also across an adapter restart")
    func logRecordsOnce() async throws {
        let h = try await OZLocksHarness.start()
        let event = h.topics.lock("101").event
        await h.adapter.pollNow()  // baseline: history is not replayed
        h.simulator.appendLog(room: "101", type: 6, typeName: "Карта гостя", at: Date(), holderID: 12, holderName: "Иванов Иван")
        h.simulator.appendLog(room: "101", type: 17, typeName: "Код гостя", at: Date(), holderID: 12, holderName: "Иванов Иван")
        await h.adapter.pollNow()
        await h.adapter.pollNow()
        let events = try await h.client.messages(on: event, count: 2)
        #expect(events.count == 2)
        let first = try JSONValue.parse(events[0].payload)
        #expect(first["type"] == 6)
        #expect(first["unauthorized"] == false)

        // A second adapter on the same store (a restart) publishes nothing old, only what is new.
        var settings = OZLocksSettings()
        settings.url = "http://127.0.0.1:\(h.simulator.port!)"
        settings.apiKey = Secret(OZLocksHarness.apiKey)
        settings.locks = [.init(room: "101", series: .wr)]
        settings.pollInterval = .seconds(3600)
        await h.running.stop()
        let restarted = OZLocksAdapter(settings: settings)
        let again = try await RunningBridge(config: h.running.config, adapters: [restarted])
        await restarted.pollNow()
        h.simulator.appendLog(room: "101", type: 30, typeName: "Попытка несанкционированного доступа", at: Date(), holderID: 99, holderName: nil)
        await restarted.pollNow()
        let after = try await h.client.messages(on: event, count: 3)
        #expect(after.count == 3)
        let last = try JSONValue.parse(after[2].payload)
        #expect(last["type"] == 30)
        #expect(last["unauthorized"] == true)
        await again.stop()
        await h.client.stop()
        await h.simulator.stop()
    }
}
