import Bridge
import OFD
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// How the AuthToken is renewed: ahead of its expiry, once when refused in whatever form, and
/// never in a loop.
@Suite("OFD AuthToken renewal")
struct OFDTokenTests {
    @Test("a token refused in a 200 body is renewed once and the call succeeds")
    func refusedInBodyRenews() async throws {
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(30)))
            sim.setTokenRefusal(.errorInBody)
        }
        let issued = h.operator_.tokensIssued
        h.operator_.expireTokens()
        let answer = try await h.request("list-kkts", "{}")
        #expect(answer["status"] == "ok", "\(answer)")
        #expect(answer["data"]?["items"]?.arrayValue?.count == 1)
        #expect(h.operator_.tokensIssued == issued + 1)
        await h.stop()
    }

    @Test("apply-code whose token is refused in a 200 body is sent again with a new token, and spends the code once")
    func payRefusedInBody() async throws {
        let rnm = OFDHarness.rnm(31)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm))
            sim.addActivationCode("TOKEN001")
            sim.setTokenRefusal(.errorInBody)
        }
        h.operator_.expireTokens()
        let answer = try await h.request("apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"TOKEN001","email":"a@b.ru"}"#)
        #expect(answer["status"] == "ok", "\(answer)")
        #expect(answer["data"]?["completed"] == true)
        #expect(h.operator_.calls(.pay) == 2)  // refused unprocessed, then carried out
        #expect(h.operator_.payStatus(rnm: rnm, code: "TOKEN001") == "Payed")
        await h.stop()
    }

    @Test("a token error in the body that outlives a renewal is unauthorized, after exactly one renewal")
    func refusedInBodyTwice() async throws {
        let h = try await OFDHarness.start { $0.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(32))) }
        let issued = h.operator_.tokensIssued
        let calls = h.operator_.calls(.kkts)
        h.operator_.setFault(.tokenErrorInBody, for: .kkts)
        let answer = try await h.request("list-kkts", "{}")
        #expect(answer["error"]?["code"] == "unauthorized", "\(answer)")
        #expect(answer["error"]?["vendor"]?["message"]?.stringValue?.contains("AuthToken") == true, "\(answer)")
        #expect(h.operator_.tokensIssued == issued + 1)
        #expect(h.operator_.calls(.kkts) == calls + 2)
        await h.stop()
    }

    @Test("a token that lives less than renewAhead is used (with a warning) for half its life, not renewed on every call")
    func shortLivedToken() async throws {
        let started = ContinuousClock.now
        let h = try await OFDHarness.start { sim in
            sim.setTokenLifetime(.seconds(6))  // renewAhead is 5 minutes; renewed after 2.5 to 3 s
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(33)))
        }
        let ready = ContinuousClock.now  // the token was issued between `started` and now
        let issued = h.operator_.tokensIssued
        for _ in 0..<3 { #expect(try await h.request("list-kkts", "{}")["status"] == "ok") }
        // Unless the machine is so slow that half the token's life went by.
        let early = ContinuousClock.now - started < .milliseconds(2500)
        if early { #expect(h.operator_.tokensIssued == issued) }
        #expect(h.log.text.contains("sooner than renewAhead"), "\(h.log.text)")
        guard early else { return await h.stop() }
        // Waiting for the clock: half its life has passed, so it is renewed before the next call, without a 401 first.
        try await Task.sleep(until: ready + .milliseconds(3100))
        let calls = h.operator_.calls(.kkts)
        #expect(try await h.request("list-kkts", "{}")["status"] == "ok")
        #expect(h.operator_.tokensIssued == issued + 1)
        #expect(h.operator_.calls(.kkts) == calls + 1)
        await h.stop()
    }

    @Test("a token is renewed renewAhead before it expires, without a 401 first")
    func renewedAhead() async throws {
        let h = try await OFDHarness.start(
            configure: { sim in
                sim.setTokenLifetime(.seconds(4))  // renewed 2 s before its end: after 1 to 2 s
                sim.addRegister(inn: OFDHarness.inn, .init(rnm: OFDHarness.rnm(34)))
            }, tune: { $0.renewAhead = .seconds(2) })
        let ready = ContinuousClock.now
        // Waiting for the clock: the renewal is due, the token itself still valid.
        try await Task.sleep(until: ready + .milliseconds(2100))
        let issued = h.operator_.tokensIssued
        let calls = h.operator_.calls(.kkts)
        #expect(try await h.request("list-kkts", "{}")["status"] == "ok")
        #expect(h.operator_.tokensIssued == issued + 1)
        #expect(h.operator_.calls(.kkts) == calls + 1)
        #expect(!h.log.text.contains("sooner than renewAhead"))
        await h.stop()
    }
}
