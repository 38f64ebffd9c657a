import OFD
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("OFD adapter against the operator simulator")
struct OFDAdapterTests {
    @Test("the token is cached, renewed once on 401, and shared by 50 concurrent requests")
    func tokenSingleFlight() async throws {
        let h = try await OFDHarness.start { $0.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(1))) }
        let issued = h.operator_.tokensIssued
        #expect(issued == 1)
        for _ in 0..<3 { _ = try await h.request("list-kkts", "{}") }
        #expect(h.operator_.tokensIssued == 1)  // cached
        h.operator_.expireTokens()
        #expect(try await h.request("list-kkts", "{}")["status"] == "ok")
        #expect(h.operator_.tokensIssued == 2)  // renewed once on 401
        h.operator_.expireTokens()
        let topic = "\(h.base)/ofd/request/list-kkts"
        for i in 0..<50 { try h.client.publish(topic, #"{"transaction":"c\#(i)"}"#) }
        let answers = try await h.client.messages(on: "\(h.base)/ofd/response/list-kkts", count: 54, timeout: .seconds(20))
        #expect(answers.suffix(50).allSatisfy { (try? JSONValue.parse($0.payload))?["status"] == "ok" })
        #expect(h.operator_.tokensIssued == 3)  // one renewal for all 50
        await h.stop()
    }

    @Test("apply-code end to end, then followed to Payed under the register's activation")
    func applyCode() async throws {
        let rnm = OFDHarness.rnm(2)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm))
            sim.addActivationCode("PSZ7D1Lq")
            sim.setPayOutcome(.waiting)
        }
        let applied = try await h.request(
            "apply-code", #"{"inn":"0182021620","kpp":"804845377","rnm":"\#(rnm)","activationCode":"PSZ7D1Lq","email":"skala.judo@gmail.com"}"#)
        #expect(applied["status"] == "ok", "\(applied)")
        #expect(applied["data"]?["waiting"] == true)
        let state = try JSONValue.parse(try #require(h.client.received(on: h.kkt(rnm)).last).payload)
        #expect(state["activation"]?["status"] == "WaitingActivation")

        h.operator_.setPayStatus(rnm: rnm, code: "PSZ7D1Lq", status: "Payed")
        let mark = h.client.mark()
        await h.adapter.followNow()
        let paid = try JSONValue.parse(try await h.client.next(on: h.kkt(rnm), after: mark).payload)
        #expect(paid["activation"]?["status"] == "Payed")

        // The same code again: the operator's own text comes back.
        let again = try await h.request(
            "apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"PSZ7D1Lq","email":"a@b.ru"}"#)
        #expect(again["status"] == "error")
        let message = try #require(again["error"]?["vendor"]?["message"]?.stringValue)
        #expect(!message.isEmpty)
        await h.stop()
    }

    @Test("apply-code that times out is not retried and answers timeout")
    func applyCodeTimeout() async throws {
        let rnm = OFDHarness.rnm(3)
        let h = try await OFDHarness.start(timeout: .milliseconds(500)) { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm))
            sim.addActivationCode("SLOW1234")
        }
        h.operator_.setFault(.slow(.seconds(2)), for: .pay)
        let answer = try await h.request(
            "apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"SLOW1234","email":"a@b.ru"}"#)
        #expect(answer["error"]?["code"] == "timeout")
        #expect(h.operator_.calls(.pay) == 1)
        await h.stop()
    }

    @Test("apply-code answered 502: in doubt (timeout, inDoubt), followed, never re-sent; a second apply-code for that register is busy, naming the pending one")
    func applyCodeInDoubt() async throws {
        let rnm = OFDHarness.rnm(4)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm))
            sim.addActivationCode("DOUBT123")
            sim.addActivationCode("OTHER456")
        }
        h.operator_.setFault(.serverError(status: 502), for: .pay)
        let first = try await h.request(
            "apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"DOUBT123","email":"a@b.ru"}"#)
        #expect(first["error"]?["code"] == "timeout", "\(first)")
        #expect(first["error"]?["inDoubt"] == true, "\(first)")
        #expect(h.operator_.calls(.pay) == 1, "an in-doubt pay was sent again")
        h.operator_.setFault(.none, for: .pay)
        let second = try await h.request(
            "apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"OTHER456","email":"a@b.ru"}"#)
        #expect(second["error"]?["code"] == "busy", "\(second)")
        #expect(second["error"]?["message"]?.stringValue?.contains("…T123") == true, "\(second)")
        #expect(h.operator_.calls(.pay) == 1, "a second pay went out while the first is in doubt")
        await h.stop()
    }

    @Test(
        "validation errors name the field",
        arguments: [
            (#"{"inn":"0182021621","rnm":"0005792715046206","activationCode":"X","email":"a@b.ru"}"#, "inn"),
            (#"{"inn":"0182021620","kpp":"12","rnm":"0005792715046206","activationCode":"X","email":"a@b.ru"}"#, "kpp"),
            (#"{"inn":"0182021620","rnm":"098765432112345","activationCode":"X","email":"a@b.ru"}"#, "rnm"),
            (#"{"inn":"0182021620","rnm":"0987654321123","activationCode":"X","email":"a@b.ru"}"#, "rnm"),
            (#"{"inn":"0182021620","rnm":"0005792715046206","activationCode":"X","email":"not-an-email"}"#, "email"),
            (#"{"inn":"0182021620","rnm":"0005792715046206","email":"a@b.ru"}"#, "activationCode"),
        ])
    func validation(payload: String, field: String) async throws {
        let h = try await OFDHarness.start()
        let answer = try await h.request("apply-code", payload)
        #expect(answer["error"]?["code"] == "invalid-request")
        #expect(answer["error"]?["message"]?.stringValue?.contains(field) == true, "\(answer)")
        #expect(h.operator_.calls(.pay) == 0)
        await h.stop()
    }

    // "⁰" and "٠" have a whole-number value of 0: they passed the check digits and then made
    // `URLComponents(string:)!` trap, ending the process.
    @Test("list-kkts: an INN with non-ASCII digits is refused naming the field, not a crash", arguments: ["018202162⁰", "018202162٠"])
    func nonASCIIDigits(inn: String) async throws {
        let h = try await OFDHarness.start()
        let answer = try await h.request("list-kkts", #"{"inn":"\#(inn)"}"#)
        #expect(answer["error"]?["code"] == "invalid-request", "\(answer)")
        #expect(answer["error"]?["message"]?.stringValue?.contains("inn") == true, "\(answer)")
        let listed = try await h.request("list-kkts", #"{"inn":"0182021620"}"#)
        #expect(listed["error"] == nil, "the adapter no longer answers: \(listed)")
        await h.stop()
    }

    @Test("pay-status: fields mapped; a reversed period is refused naming the field")
    func payStatus() async throws {
        let rnm = OFDHarness.rnm(4)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm))
            sim.addActivationCode("CODE0001")
        }
        _ = try await h.request("apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"CODE0001","email":"a@b.ru"}"#)
        let now = Date()
        let from = Timestamp.rfc3339(now.addingTimeInterval(-86_400), in: .gmt)
        let to = Timestamp.rfc3339(now.addingTimeInterval(60), in: .gmt)
        let status = try await h.request("pay-status", #"{"from":"\#(from)","to":"\#(to)"}"#)
        let items = try #require(status["data"]?["items"]?.arrayValue)
        #expect(items.contains { $0["rnm"] == .string(rnm) && $0["activationCode"] == "CODE0001" })
        let reversed = try await h.request("pay-status", #"{"from":"\#(to)","to":"\#(from)"}"#)
        #expect(reversed["error"]?["code"] == "invalid-request")
        #expect(reversed["error"]?["message"]?.stringValue?.contains("'to'") == true, "\(reversed)")
        await h.stop()
    }

    @Test(
        "an error in a 200 body of any shape is an error: a sync clears nothing, a pay status is not a success",
        arguments: [OFDSimulator.Fault.errorsList(message: "ИНН не найден"), .messageOnly(message: "Сервис недоступен"), .emptyObject])
    func errorShapes(fault: OFDSimulator.Fault) async throws {
        let rnm = OFDHarness.rnm(7)
        let h = try await OFDHarness.start { sim in sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm)) }
        _ = try await h.client.messages(on: h.kkt(rnm), count: 1)
        h.operator_.setFault(fault, for: .kkts)
        h.operator_.setFault(fault, for: .payStatus)
        await h.adapter.syncNow()
        let now = Date()
        let status = try await h.request(
            "pay-status",
            #"{"from":"\#(Timestamp.rfc3339(now.addingTimeInterval(-3600), in: .gmt))","to":"\#(Timestamp.rfc3339(now, in: .gmt))"}"#)
        #expect(status["status"] == "error", "\(fault): \(status)")
        // The register's retained state is still there: nothing cleared it.
        try await Task.sleep(for: .milliseconds(200))  // absence: a clearing would have come by now
        #expect(h.client.received(on: h.kkt(rnm)).allSatisfy { !$0.payload.isEmpty }, "\(fault) cleared the register")
        await h.stop()
    }

    @Test("sync: states once per change, alerts raised and cleared, a removed register's topics cleared")
    func sync() async throws {
        let expiring = OFDHarness.rnm(5)
        let fine = OFDHarness.rnm(6)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: expiring, fnEndsAt: Date().addingTimeInterval(10 * 86_400)))
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: fine, fnEndsAt: Date().addingTimeInterval(300 * 86_400)))
        }
        // The client subscribed after the first sync: it got the retained states once each.
        _ = try await h.client.messages(on: h.kkt(expiring), count: 1)
        await h.adapter.syncNow()
        #expect(h.client.received(on: h.kkt(expiring)).count == 1)
        let alerts = try JSONValue.parse(try await h.client.messages(on: "\(h.kkt(expiring))/alerts", count: 1).last!.payload)
        #expect(alerts["alerts"]?.arrayValue?.map { $0["kind"] } == ["fn-expiring"])
        let fineAlerts = try JSONValue.parse(try await h.client.messages(on: "\(h.kkt(fine))/alerts", count: 1).last!.payload)
        #expect(fineAlerts["alerts"]?.arrayValue?.isEmpty == true)

        // The fiscal drive is replaced: the alert clears.
        h.operator_.updateRegister(rnm: expiring) { $0.fnEndsAt = Date().addingTimeInterval(400 * 86_400) }
        await h.adapter.syncNow()
        let cleared = try JSONValue.parse(try await h.client.messages(on: "\(h.kkt(expiring))/alerts", count: 2).last!.payload)
        #expect(cleared["alerts"]?.arrayValue?.isEmpty == true)

        // The register disappears: its retained topics are cleared (empty retained payloads).
        h.operator_.removeRegister(rnm: fine)
        await h.adapter.syncNow()
        let gone = try await h.client.messages(on: h.kkt(fine), count: 2)
        #expect(gone.last?.payload.isEmpty == true)
        await h.stop()
    }

    @Test("HTTP 200 with Success:false or an error object are errors with the operator's text; the password never leaks")
    func operatorErrorsAndSecrets() async throws {
        let h = try await OFDHarness.start { $0.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(7))) }
        h.operator_.setFault(.successFalse(message: "Доступ запрещён"), for: .kkts)
        let first = try await h.request("list-kkts", "{}")
        #expect(first["status"] == "error")
        #expect(first["error"]?["vendor"]?["message"] == "Доступ запрещён")
        h.operator_.setFault(.errorObject(message: "Внутренняя ошибка"), for: .kkts)
        let second = try await h.request("list-kkts", "{}")
        #expect(second["error"]?["vendor"]?["message"] == "Внутренняя ошибка")
        h.operator_.setFault(.serverError(status: 503), for: .kkts)
        let third = try await h.request("list-kkts", "{}")
        #expect(third["error"]?["code"] == "upstream-unavailable")
        #expect(h.operator_.calls(.kkts) >= 5)  // the 503 was retried
        let topics = h.client.received(on: "#").map { String(decoding: $0.payload, as: UTF8.self) }.joined()
        #expect(!topics.contains(OFDHarness.password))
        #expect(!h.log.text.contains(OFDHarness.password))
        await h.stop()
    }
}
