import OZLocks
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("OZLocks adapter: MQTT request → adapter → simulator → MQTT response")
struct OZLocksOperationsTests {
    static let checkIn = "2025-09-04T15:21:00+03:00"
    static let checkOut = "2025-09-05T14:00:00+03:00"

    @Test("issue-card cuts a card on the encoder; read-card reads it back (HolderID sent as a string)")
    func issueAndReadCard() async throws {
        let h = try await OZLocksHarness.start()
        let issued = try await h.request(
            h.topics.encoder("001").request("issue-card"),
            #"{"room":"101","checkIn":"\#(Self.checkIn)","checkOut":"\#(Self.checkOut)","guestName":"Иванов Иван","newIssue":true,"workstation":"ADMIN01","issuer":"Ресепшн","transaction":"t-1"}"#)
        #expect(issued["status"] == "ok", "\(issued)")
        let data = try #require(issued["data"])
        #expect(data["room"] == "101")
        #expect(data["checkOut"] == .string(Self.checkOut))
        #expect(data["encoder"] == "001")
        #expect(data["workstation"] == "ADMIN01")
        let uid = try #require(data["cardUid"]?.stringValue)
        #expect(h.simulator.issuedCards.map(\.uid) == [uid])
        #expect(h.simulator.issuedCards.first?.guestName == "Иванов Иван")
        #expect(data["guestId"]?.intValue != nil)

        let read = try await h.request(h.topics.encoder("001").request("read-card"), #"{"workstation":"ADMIN01"}"#)
        let card = try #require(read["data"])
        #expect(card["room"] == "101")
        #expect(card["holderName"] == "Иванов Иван")
        #expect(card["holderId"] == data["guestId"].map { .string(String($0.intValue ?? -1)) })
        #expect(card["checkIn"] == .string(Self.checkIn))

        // The key audit has the issue, without any code.
        let audit = try await h.running.bridge.context.store.keyAudit.recent()
        #expect(audit.first?.operation == "issue-card")
        #expect(audit.first?.cardUid == uid)
        #expect(audit.first?.result == "ok")
        await h.stop()
    }

    @Test("an answer written like the spec's examples (trailing commas) and without Room and CheckOut still reports the card cut")
    func sloppyPartialAnswer() async throws {
        let h = try await OZLocksHarness.start()
        h.simulator.setTrailingCommas(true)
        h.simulator.omitAnswerMembers(["Room", "CheckOut"])
        let issued = try await h.request(
            h.topics.encoder("001").request("issue-card"),
            #"{"room":"101","checkIn":"\#(Self.checkIn)","checkOut":"\#(Self.checkOut)","guestName":"Иванов Иван","newIssue":true,"workstation":"ADMIN01","transaction":"t-sloppy"}"#)
        #expect(issued["status"] == "ok", "\(issued)")
        let data = try #require(issued["data"])
        #expect(data["cardUid"]?.stringValue == h.simulator.issuedCards.first?.uid)
        #expect(data["room"] == "101")
        #expect(data["checkOut"] == .string(Self.checkOut))
        // Read answers with trailing commas too.
        h.simulator.omitAnswerMembers([])
        let state = try await h.request(h.topics.lock("101").request("read-state"), "{}")
        #expect(state["status"] == "ok", "\(state)")
        await h.stop()
    }

    @Test("while the encoder prompts for a card the encoder shows waiting-for-card; once a card is put on it, the card is cut and it is idle")
    func waitingForCard() async throws {
        let h = try await OZLocksHarness.start(timeout: .seconds(6))  // the clerk's time to put the card on
        h.simulator.setCardPresent(false, encoder: "001")
        h.simulator.waitForCard(.seconds(8))
        let state = h.topics.encoder("001").state
        let mark = h.client.mark()
        let response = h.topics.encoder("001").request("issue-card").replacingOccurrences(of: "/request/", with: "/response/")
        try h.client.publish(
            h.topics.encoder("001").request("issue-card"),
            #"{"room":"101","checkIn":"\#(Self.checkIn)","checkOut":"\#(Self.checkOut)","guestName":"X","newIssue":true,"workstation":"ADMIN01","transaction":"t-wait"}"#)
        var waiting: JSONValue?
        try await until("the encoder shows waiting-for-card", timeout: .seconds(5)) {
            waiting = h.client.received(on: state).compactMap { try? JSONValue.parse($0.payload) }
                .first { $0["state"] == "waiting-for-card" }
            return waiting != nil
        }
        #expect(waiting?["operation"] == "issue-card" && waiting?["workstation"] == "ADMIN01")
        h.simulator.setCardPresent(true, encoder: "001")
        let answer = try JSONValue.parse(try await h.client.next(on: response, after: mark, timeout: .seconds(10)).payload)
        #expect(answer["status"] == "ok", "\(answer)")
        try await until("the encoder is idle again") {
            h.client.received(on: state).last.flatMap { try? JSONValue.parse($0.payload)["state"] } == "idle"
        }
        await h.stop()
    }

    @Test("no card on the encoder → card-absent with the vendor's text")
    func cardAbsent() async throws {
        let h = try await OZLocksHarness.start()
        h.simulator.setCardPresent(false, encoder: "002")
        let answer = try await h.request(h.topics.encoder("002").request("read-card"), #"{"workstation":"W"}"#)
        #expect(answer.errorCode == "card-absent")
        #expect(answer["error"]?["vendor"]?["code"] == "2")
        #expect(answer["error"]?["vendor"]?["message"] == "Карта отсутствует на устройстве")
        await h.stop()
    }

    @Test("WR lock: read-state, open, close, issue-code, change-code, read-log, check-out")
    func wrLockOperations() async throws {
        let h = try await OZLocksHarness.start()
        let lock = h.topics.lock("101")
        h.simulator.setLowBattery(true, room: "101")
        let state = try await h.request(lock.request("read-state"), "{}")
        #expect(state["data"]?["lowBattery"] == true)
        #expect(state["data"]?["online"] == true)
        #expect(state["data"]?["series"] == "WR")

        #expect(try await h.request(lock.request("open"), "{}")["data"]?["room"] == "101")
        #expect(try await h.request(lock.request("read-state"), "{}")["data"]?["opened"] == true)
        #expect(try await h.request(lock.request("close"), "{}")["status"] == "ok")
        #expect(try await h.request(lock.request("read-state"), "{}")["data"]?["opened"] == false)

        let code = try await h.request(
            lock.request("issue-code"),
            #"{"checkIn":"\#(Self.checkIn)","checkOut":"\#(Self.checkOut)","guestName":"Пётр","newIssue":true,"code":"481221","workstation":"W"}"#)
        let guest = try #require(code["data"]?["guestId"]?.intValue)
        #expect(h.simulator.lockCode(room: "101", guestID: Int(guest)) == "481221")
        let changed = try await h.request(
            lock.request("change-code"), #"{"guestId":\#(guest),"code":"99887766","workstation":"W"}"#)
        #expect(changed["status"] == "ok", "\(changed)")
        #expect(h.simulator.lockCode(room: "101", guestID: Int(guest)) == "99887766")

        h.simulator.appendLog(room: "101", type: 17, typeName: "Код гостя", at: Date(), holderID: Int(guest), holderName: "Пётр")
        let log = try await h.request(lock.request("read-log"), "{}")
        let records = try #require(log["data"]?["records"]?.arrayValue)
        #expect(records.last?["type"] == 17)
        #expect(records.last?["typeName"] == "Код гостя")
        #expect(records.last?["holderId"] == .string(String(guest)))

        let out = try await h.request(lock.request("check-out"), #"{"workstation":"W"}"#)
        #expect(out["status"] == "ok", "\(out)")
        #expect(h.simulator.guests(room: "101").isEmpty)
        // Lock codes never reach the audit.
        let audit = try await h.running.bridge.context.store.keyAudit.recent()
        #expect(Set(audit.map(\.operation)) == ["issue-code", "change-code", "check-out"])
        await h.stop()
    }

    @Test("Home Assistant set: OPEN/UNLOCK open, LOCK closes; plain and JSON")
    func homeAssistantSet() async throws {
        let h = try await OZLocksHarness.start()
        let lock = h.topics.lock("103")
        let mark = h.client.mark()
        try h.client.publish(lock.set, "OPEN")
        let opened = try JSONValue.parse(try await h.client.next(on: "\(lock.state)/response/set", after: mark).payload)
        #expect(opened["status"] == "ok")
        #expect(h.simulator.calls("OpenLock") == 1)
        let mark2 = h.client.mark()
        try h.client.publish(lock.set, #"{"state":"LOCK"}"#)
        _ = try await h.client.next(on: "\(lock.state)/response/set", after: mark2)
        #expect(h.simulator.calls("CloseLock") == 1)
        await h.stop()
    }

    @Test("series H: open is unsupported and the vendor is not called; check-out needs an encoder")
    func seriesH() async throws {
        let h = try await OZLocksHarness.start()
        let lock = h.topics.lock("102")
        let before = h.simulator.totalCalls()
        #expect(try await h.request(lock.request("open"), "{}").errorCode == "unsupported")
        #expect(try await h.request(lock.request("read-state"), "{}").errorCode == "unsupported")
        let noEncoder = try await h.request(lock.request("check-out"), #"{"workstation":"W"}"#)
        #expect(noEncoder.errorCode == "invalid-request")
        #expect(noEncoder["error"]?["message"]?.stringValue?.contains("encoder") == true)
        #expect(h.simulator.totalCalls() == before)
        let out = try await h.request(lock.request("check-out"), #"{"workstation":"W","encoder":"001"}"#)
        #expect(out["status"] == "ok", "\(out)")
        h.simulator.putDataCard(room: "102", encoder: "002")
        let log = try await h.request(h.topics.encoder("002").request("read-log"), #"{"workstation":"W"}"#)
        #expect(log["status"] == "ok", "\(log)")
        await h.stop()
    }

    @Test("a lock code that is not 6–8 digits is invalid-request naming the field; nothing is sent")
    func badLockCode() async throws {
        let h = try await OZLocksHarness.start()
        let before = h.simulator.totalCalls()
        let answer = try await h.request(
            h.topics.lock("101").request("issue-code"),
            #"{"checkIn":"\#(Self.checkIn)","checkOut":"\#(Self.checkOut)","guestName":"X","newIssue":true,"code":"12a4","workstation":"W"}"#)
        #expect(answer.errorCode == "invalid-request")
        #expect(answer["error"]?["message"]?.stringValue?.contains("code") == true)
        #expect(h.simulator.totalCalls() == before)
        await h.stop()
    }

    @Test("two issue-card requests for one encoder run one after the other; a repeated transaction cuts one card")
    func encoderQueueAndIdempotency() async throws {
        let h = try await OZLocksHarness.start()
        h.simulator.setBehaviour(.slow(.milliseconds(300)))
        let topic = h.topics.encoder("001").request("issue-card")
        func body(_ tx: String, room: String) -> String {
            #"{"room":"\#(room)","checkIn":"\#(Self.checkIn)","checkOut":"\#(Self.checkOut)","guestName":"G","newIssue":false,"workstation":"W","transaction":"\#(tx)"}"#
        }
        let response = TopicTree.responseTopic(forRequest: topic)!
        try h.client.publish(topic, body("a", room: "101"))
        try h.client.publish(topic, body("b", room: "103"))
        try h.client.publish(topic, body("a", room: "101"))
        let answers = try await h.client.messages(on: response, count: 3, timeout: .seconds(10))
        #expect(answers.allSatisfy { (try? JSONValue.parse($0.payload))?["status"] == "ok" })
        #expect(h.simulator.issuedCards.count == 2)
        // The encoder showed busy, then idle at the end.
        let states = h.client.received(on: h.topics.encoder("001").state).compactMap { try? JSONValue.parse($0.payload)["state"]?.stringValue }
        #expect(states.contains("busy"))
        #expect(states.last == "idle")
        await h.stop()
    }
}
