import OZLocks
import FIAS
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("FIAS key records end to end: PMS → FIAS adapter → MQTT → OZLocks adapter → OZLocks simulator → KA")
struct FIASKeyRecordTests {
    @Test("KR → a card cut by the OZLocks simulator → KA with AS OK and the card UID in $2")
    func keyRequest() async throws {
        let h = try await FIASHarness.start()
        let answer = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|DT12:13|GA250904|GD250920|GNИванов Иван|KO10|DA250904|TI152719|",
            timeout: .seconds(10))
        #expect(answer["AS"] == "OK", "\(answer)")
        #expect(answer["KC"] == "1")
        #expect(answer["WS"] == "3")
        let uid = try #require(answer["$2"])
        let card = try #require(h.locks.issuedCards.first)
        #expect(card.uid == uid)
        #expect(card.guestName == "Иванов Иван")  // cp1251 on the wire, UTF-8 on MQTT, intact at the vendor
        #expect(card.room == "101")
        // The MQTT request the adapter published carried the contract's fields.
        let request = try JSONValue.parse(try #require(h.client.received(on: "+/encoders/1/request/issue-card").first).payload)
        #expect(request["newIssue"] == true)
        #expect(request["checkOut"] == "2025-09-20T12:13:00+03:00")
        #expect(request["zones"] == ["1"])
        await h.stop()
    }

    @Test("KD → check-out; KZ → read-card with RN/GN/GD/DT")
    func deleteAndRead() async throws {
        let h = try await FIASHarness.start()
        let issued = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|DT11:00|GA250904|GD250921|GNПётр Петров|DA250904|TI100000|", timeout: .seconds(10))
        #expect(issued["AS"] == "OK")
        let read = try await h.pms.request("KZ|WS3|KC1|", answerType: "KZ", timeout: .seconds(10))
        #expect(read["AS"] == "OK", "\(read)")
        #expect(read["CT"] == "Key Read OK", "the spec's KZ example carries CT on success too")
        #expect(read["RN"] == "101")
        #expect(read["GN"] == "Пётр Петров")
        #expect(read["GD"] == "250921")
        #expect(read["DT"] == "11:00")
        let deleted = try await h.pms.request("KD|WS3|KC1|RN101|DA250904|TI100500|", timeout: .seconds(10))
        #expect(deleted["AS"] == "OK", "\(deleted)")
        #expect(h.locks.guests(room: "101").isEmpty)
        await h.stop()
    }

    @Test("KT: N cancels earlier keys, D/O and a missing KT add one (never a check-out by default), an unknown one is refused")
    func keyTypes() async throws {
        let h = try await FIASHarness.start()
        let cases: [(kt: String, as: String, newIssue: Bool?)] = [("KTN|", "OK", true), ("", "OK", false), ("KTD|", "OK", false), ("KTX|", "UR", nil)]
        for (index, c) in cases.enumerated() {
            let answer = try await h.pms.request(
                "KR|WS3|KC1|RN101|\(c.kt)DT12:00|GA250904|GD250920|GNX|DA250904|TI16000\(index)|", timeout: .seconds(10))
            #expect(answer["AS"] == c.as, "\(c.kt): \(answer)")
            if let newIssue = c.newIssue {
                let sent = try #require(h.client.received(on: "+/encoders/1/request/issue-card").last)
                let request = try JSONValue.parse(sent.payload)
                #expect(request["newIssue"] == .bool(newIssue), "\(c.kt): \(request)")
            } else {
                #expect(answer["CT"] == "Unknown key type KTX")
            }
        }
        #expect(h.locks.issuedCards.count == 3)
        await h.stop()
    }

    @Test("K# above 1 is refused with a clear CT, never one card and OK; G# becomes the lock system's guest id")
    func keyCountAndGuest() async throws {
        let h = try await FIASHarness.start()
        let two = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|K#2|DT12:00|GA250904|GD250920|GNX|DA250904|TI170000|", timeout: .seconds(10))
        #expect(two["AS"] == "UR" && two["CT"] == "K#2: send one KR per key", "\(two)")
        #expect(h.locks.issuedCards.isEmpty)
        let guest = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|K#1|G#4711|DT12:00|GA250904|GD250920|GNX|DA250904|TI170001|", timeout: .seconds(10))
        #expect(guest["AS"] == "OK", "\(guest)")
        #expect(h.locks.issuedCards.first?.guestID == 4711)
        await h.stop()
    }

    @Test("KZ of a blank card: UR 'Blank card', not OK with empty fields")
    func blankCard() async throws {
        let h = try await FIASHarness.start()
        h.locks.setCardPresent(true, encoder: "1")
        let read = try await h.pms.request("KZ|WS3|KC1|", answerType: "KZ", timeout: .seconds(10))
        #expect(read["AS"] == "UR", "\(read)")
        #expect(read["CT"] == "Blank card")
        await h.stop()
    }

    @Test("encoder and workstation tables: the PMS's KC7/WS3 reach the lock system as encoder 1 and ADMIN01; the KA echoes KC7/WS3")
    func idTables() async throws {
        let h = try await FIASHarness.start(settings: { $0.encoders = ["7": "1"]; $0.workstations = ["3": "ADMIN01"] })
        let answer = try await h.pms.request(
            "KR|WS3|KC7|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI180000|", timeout: .seconds(10))
        #expect(answer["AS"] == "OK", "\(answer)")
        #expect(answer["KC"] == "7" && answer["WS"] == "3")
        let card = try #require(h.locks.issuedCards.first)
        #expect(card.encoder == "1")
        #expect(card.workstation == "ADMIN01")
        await h.stop()
    }

    @Test("the link drops while a card is cut: the KA nobody can receive is audited and published as unsent-answer with the card")
    func unsentAnswer() async throws {
        let h = try await FIASHarness.start()
        h.locks.setBehaviour(.slow(.seconds(2)), times: 1)
        let mark = h.client.mark()
        try await h.pms.send("KR|WS3|KC1|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI190000|")
        try await until("the request reached the lock server") { h.locks.calls("IssueCard") == 1 }
        await h.pms.dropConnection()
        let event = try JSONValue.parse(try await h.client.next(on: "+/encoders/1/event", after: mark, timeout: .seconds(10)).payload)
        #expect(event["type"] == "unsent-answer", "\(event)")
        #expect(event["operation"] == "issue-card" && event["result"] == "ok" && event["room"] == "101")
        let uid = try #require(h.locks.issuedCards.first?.uid)
        #expect(event["cardUid"] == .string(uid))
        let audit = try await h.running.bridge.context.store.keyAudit.recent()
        #expect(audit.contains { $0.adapter == "fias" && $0.cardUid == uid }, "\(audit)")
        await h.stop()
    }

    @Test("a malformed key record (an empty field) gets UR with a CT naming the problem, not silence; nothing is cut")
    func malformedKeyRecord() async throws {
        let h = try await FIASHarness.start()
        let answer = try await h.pms.request("KR|WS3|KC1||RN101|KTN|GD250920|DA250904|TI200000|", timeout: .seconds(5))
        #expect(answer["AS"] == "UR", "\(answer)")
        #expect(answer["CT"]?.hasPrefix("Bad record") == true, "\(answer)")
        #expect(answer["KC"] == "1" && answer["WS"] == "3")
        let read = try await h.pms.request("KZ|WS3|KC1|X|", answerType: "KZ", timeout: .seconds(5))
        #expect(read["AS"] == "UR", "\(read)")
        #expect(h.locks.issuedCards.isEmpty)
        await h.stop()
    }

    @Test("no card on the encoder → negative AS with a clear text")
    func cardAbsent() async throws {
        let h = try await FIASHarness.start()
        h.locks.setCardPresent(false, encoder: "2")
        let answer = try await h.pms.request(
            "KR|WS3|KC2|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI120000|", timeout: .seconds(10))
        #expect(answer["AS"] == "UR")
        #expect(answer["CT"] == "Card not on encoder 2")
        #expect((answer["CT"] ?? "").count <= 40)
        await h.stop()
    }

    @Test("an encoder nobody subscribes to → RY at once (the broker said no subscriber: nothing ran)")
    func noHandler() async throws {
        let h = try await FIASHarness.start(answerTimeout: .seconds(3), watchEverything: false)
        let started = ContinuousClock.now
        let answer = try await h.pms.request(
            "KR|WS3|KC9|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI120001|", timeout: .seconds(5))
        #expect(answer["AS"] == "RY")
        #expect(answer["CT"] == "No answer for encoder 9, retry")
        // The PUBACK's reason code answers it; no waiting for the budget.
        #expect(ContinuousClock.now - started < .seconds(1))
        await h.stop()
    }

    @Test("an encoder no server answers (some client subscribes, say a dashboard on gatehouse/#) → 'outcome unknown' before the PMS's timeout")
    func noAnswer() async throws {
        let h = try await FIASHarness.start(answerTimeout: .seconds(3))
        let started = ContinuousClock.now
        let answer = try await h.pms.request(
            "KR|WS3|KC9|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI120002|", timeout: .seconds(5))
        #expect(answer["AS"] == "UR")
        #expect(answer["CT"] == "Outcome unknown: read the card")
        #expect(ContinuousClock.now - started < .seconds(3))
        await h.stop()
    }

    @Test("a slow lock system → 'outcome unknown' (UR, never RY) before the PMS's timeout; a busy encoder → BY")
    func slowAndBusy() async throws {
        let h = try await FIASHarness.start(answerTimeout: .seconds(4), ozlocksTimeout: .seconds(10))
        h.locks.setBehaviour(.slow(.seconds(6)))
        let started = ContinuousClock.now
        let slow = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI130000|", timeout: .seconds(6))
        // The card may still be cut after we gave up: "retry" would make a second valid card.
        #expect(slow["AS"] == "UR")
        #expect(slow["CT"] == "Outcome unknown: read the card")
        #expect(ContinuousClock.now - started < .seconds(4))
        // The lock server cuts it at 6 s: its UID is published and audited, not lost.
        let late = try JSONValue.parse(try await h.client.next(on: h.running.bridge.context.topics.encoder("1").event, timeout: .seconds(10)).payload)
        #expect(late["type"] == "late-answer" && late["operation"] == "issue-card" && late["result"] == "ok", "\(late)")
        let uid = try #require(late["cardUid"]?.stringValue)
        #expect(h.locks.issuedCards.contains { $0.uid == uid }, "\(late)")
        #expect(try await h.running.bridge.context.store.keyAudit.recent(limit: 10).contains { $0.cardUid == uid })
        ChaosFigures.record([
            "fault": "fias-lock-server-slow", "cardsCut": h.locks.issuedCards.count,
            "cutTwice": h.locks.issuedCards.count - Set(h.locks.issuedCards.map(\.room)).count,
            "inDoubt": slow["AS"] == "UR" ? 1 : 0, "toldRetry": slow["AS"] == "RY" ? 1 : 0, "lateCardFound": 1,
        ])
        // The encoder is still held by that request (the vendor call goes on): a burst overflows its queue.
        for i in 0..<20 {
            try await h.pms.send("KR|WS\(i)|KC1|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI13\(String(format: "%02d", i))00|")
        }
        let busy = try await h.pms.nextRecord(ofType: "KA", timeout: .seconds(6))
        #expect(busy["AS"] == "BY" || h.pms.received().contains { $0.contains("ASBY") })
        await h.stop()
    }

    @Test("the lock-server call times out (inside the FIAS budget), or the server cuts the card and drops the connection → 'outcome unknown' (UR), never RY; the clerk's read finds the card")
    func lockServerCallInDoubt() async throws {
        // The OZLocks call gives up at 1 s, well inside FIAS's 4.5 s: the handler itself answers.
        let h = try await FIASHarness.start(answerTimeout: .seconds(6), ozlocksTimeout: .seconds(1))
        h.locks.setBehaviour(.slow(.seconds(2)), times: 1)
        let slow = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI150000|", timeout: .seconds(8))
        #expect(slow["AS"] == "UR", "\(slow)")
        #expect(slow["CT"] == "Outcome unknown: read the card")
        h.locks.setBehaviour(.doThenDrop, times: 1)
        let dropped = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI150100|", timeout: .seconds(8))
        #expect(dropped["AS"] == "UR", "\(dropped)")
        #expect(dropped["CT"] == "Outcome unknown: read the card")
        try await until("the slow call's card cut") { h.locks.issuedCards.count == 2 }
        // The count-limited faults are over: the clerk reads the card on the encoder.
        let read = try await h.pms.request("KZ|WS3|KC1|", answerType: "KZ", timeout: .seconds(8))
        #expect(read["AS"] == "OK", "\(read)")
        #expect(read["RN"] == "101")
        await h.stop()
    }

    @Test("a KR repeated by the PMS after a hiccup is not encoded twice; a new KT D is")
    func duplicateKR() async throws {
        let h = try await FIASHarness.start()
        let record = "KR|WS3|KC1|RN101|KTN|DT12:00|GA250904|GD250920|GNX|DA250904|TI140000|"
        let first = try await h.pms.request(record, timeout: .seconds(10))
        let again = try await h.pms.request(record, timeout: .seconds(10))
        #expect(first["AS"] == "OK" && again["AS"] == "OK")
        #expect(first["$2"] == again["$2"])
        #expect(h.locks.issuedCards.count == 1)
        let duplicate = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTD|DT12:00|GA250904|GD250920|GNX|DA250904|TI140100|", timeout: .seconds(10))
        #expect(duplicate["AS"] == "OK")
        #expect(h.locks.issuedCards.count == 2)
        await h.stop()
    }
}
