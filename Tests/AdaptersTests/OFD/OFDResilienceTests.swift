import Bridge
import OFD
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// Throttling, a broken row, an operator that is down, and a pay whose answer was lost.
@Suite("OFD adapter under the operator's faults")
struct OFDResilienceTests {
    @Test("429 with Retry-After: 1 makes the read retries wait a second each, then succeed")
    func retryAfterHonoured() async throws {
        let h = try await OFDHarness.start { $0.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(50))) }
        let calls = h.operator_.calls(.kkts)
        h.operator_.setFault(.tooManyRequests(retryAfter: "1"), for: .kkts, times: 2)
        let start = ContinuousClock.now
        let answer = try await h.request("list-kkts", "{}")
        #expect(answer["status"] == "ok", "\(answer)")
        #expect(ContinuousClock.now - start >= .seconds(2), "the retries did not wait as asked")
        #expect(h.operator_.calls(.kkts) == calls + 3)
        await h.stop()
    }

    @Test("a Retry-After of an hour waits at most the call timeout")
    func retryAfterBounded() async throws {
        let h = try await OFDHarness.start(timeout: .seconds(1)) { $0.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(51))) }
        h.operator_.setFault(.tooManyRequests(retryAfter: "3600"), for: .kkts, times: 1)
        let start = ContinuousClock.now
        let answer = try await h.request("list-kkts", "{}")
        #expect(answer["status"] == "ok", "\(answer)")
        let waited = ContinuousClock.now - start
        #expect(waited >= .seconds(1) && waited < .seconds(5), "\(waited)")
        await h.stop()
    }

    @Test("a row without KktRegId is skipped with a log line; the others are updated and the broken one's topics stay")
    func rowWithoutRegId() async throws {
        let good = OFDHarness.rnm(52)
        let broken = OFDHarness.rnm(53)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: good, fnEndsAt: Date().addingTimeInterval(300 * 86_400)))
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: broken))
        }
        _ = try await h.client.messages(on: h.kkt(broken), count: 1)
        h.operator_.updateRegister(rnm: broken) { $0.listedWithoutRegId = true }
        h.operator_.updateRegister(rnm: good) { $0.fnEndsAt = Date().addingTimeInterval(10 * 86_400) }
        let mark = h.client.mark()
        await h.adapter.syncNow()
        let updated = try JSONValue.parse(try await h.client.next(on: "\(h.kkt(good))/alerts", after: mark).payload)
        #expect(updated["alerts"]?.arrayValue?.map { $0["kind"] } == ["fn-expiring"], "\(updated)")
        #expect(h.log.text.contains("row 2: no KktRegId"), "\(h.log.text)")
        let listed = try await h.request("list-kkts", "{}")
        #expect(listed["data"]?["items"]?.arrayValue?.map { $0["rnm"] } == [.string(good)], "\(listed)")
        // Absence: a clearing would have been published before the list-kkts answer.
        #expect(h.client.received(on: h.kkt(broken)).allSatisfy { !$0.payload.isEmpty }, "the broken row's register was cleared")
        #expect(h.client.received(on: "\(h.kkt(broken))/alerts").allSatisfy { !$0.payload.isEmpty })
        await h.stop()
    }

    @Test("the health check fails when the operator is down, although a token is cached")
    func healthWithCachedToken() async throws {
        let h = try await OFDHarness.start { $0.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(54))) }
        #expect(await h.adapter.healthCheck().healthy)
        h.operator_.setFault(.serverError(status: 503), for: .payStatus)
        let failing = await h.adapter.healthCheck()
        #expect(!failing.healthy)
        #expect(failing.detail?.contains("503") == true, "\(String(describing: failing.detail))")
        h.operator_.setFault(.none)
        await h.operator_.stop()
        let down = await h.adapter.healthCheck()
        #expect(!down.healthy, "a cached token is not an operator")
        #expect(h.operator_.tokensIssued == 1)
        await h.stop()
    }

    @Test("a pay carried out and answered 502 is in doubt, followed to Payed by the pay status, and never sent again")
    func payAnswerLost() async throws {
        let rnm = OFDHarness.rnm(55)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm))
            sim.addActivationCode("LOST0001")
            sim.addActivationCode("NEXT0002")
        }
        h.operator_.setFault(.afterProcessing(status: 502), for: .pay, times: 1)
        let payload = #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"LOST0001","email":"a@b.ru","transaction":"lost-1"}"#
        let first = try await h.request("apply-code", payload)
        #expect(first["error"]?["code"] == "timeout" && first["error"]?["inDoubt"] == true, "\(first)")
        #expect(h.operator_.payStatus(rnm: rnm, code: "LOST0001") == "Payed")  // it did go through
        // The same request again (a requester's retry): the stored answer, no second pay.
        #expect(try await h.request("apply-code", payload)["error"]?["code"] == "timeout")
        #expect(h.operator_.calls(.pay) == 1)
        let mark = h.client.mark()
        await h.adapter.followNow()
        let state = try JSONValue.parse(try await h.client.next(on: h.kkt(rnm), after: mark).payload)
        #expect(state["activation"]?["status"] == "Payed", "\(state)")
        #expect(state["activation"]?["activatedAt"] != nil)
        #expect(h.operator_.calls(.pay) == 1)
        // Settled: the register takes the next code.
        let next = try await h.request("apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"NEXT0002","email":"a@b.ru"}"#)
        #expect(next["status"] == "ok", "\(next)")
        #expect(h.operator_.calls(.pay) == 2)
        await h.stop()
    }
}
