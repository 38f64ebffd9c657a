import Bridge
import OFD
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// What the spec shows is accepted; limits it does not state are not invented.
@Suite("OFD: only the spec's own limits")
struct OFDSpecLimitsTests {
    @Test("the spec's 14-digit RNM (kkt/pay example 09876543211234) reaches the operator")
    func fourteenDigitRNM() async throws {
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: "09876543211234"))
            sim.addActivationCode("PSZ7D1Lq")
        }
        let answer = try await h.request(
            "apply-code",
            #"{"inn":"0182021620","kpp":"804845377","rnm":"09876543211234","activationCode":"PSZ7D1Lq","email":"skala.judo@gmail.com"}"#)
        #expect(answer["status"] == "ok", "\(answer)")
        #expect(h.operator_.calls(.pay) == 1)
        #expect(h.operator_.payStatus(rnm: "09876543211234", code: "PSZ7D1Lq") == "Payed")
        await h.stop()
    }

    @Test("a pay-status period of 60 days is asked, not refused")
    func longPeriod() async throws {
        let rnm = OFDHarness.rnm(22)
        let h = try await OFDHarness.start { sim in
            sim.addRegister(inn: OFDHarness.inn, .init(rnm: rnm))
            sim.addActivationCode("LONG0001")
        }
        _ = try await h.request("apply-code", #"{"inn":"0182021620","rnm":"\#(rnm)","activationCode":"LONG0001","email":"a@b.ru"}"#)
        let now = Date()
        let from = Timestamp.rfc3339(now.addingTimeInterval(-60 * 86_400), in: .gmt)
        let to = Timestamp.rfc3339(now.addingTimeInterval(60), in: .gmt)
        let status = try await h.request("pay-status", #"{"from":"\#(from)","to":"\#(to)"}"#)
        #expect(status["status"] == "ok", "\(status)")
        #expect(status["data"]?["items"]?.arrayValue?.contains { $0["activationCode"] == "LONG0001" } == true, "\(status)")
        await h.stop()
    }
}
