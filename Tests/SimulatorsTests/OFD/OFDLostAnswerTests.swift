import Foundation
import Simulators
import Testing

/// `afterProcessing`: the operator did the work, and the answer was lost on the way back.
@Suite struct OFDLostAnswerTests {
    @Test func aPayAnswered502HasSpentItsCode() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setFault(.afterProcessing(status: 502), for: .pay)
            let lost = try await client.pay(token: token)
            #expect(lost.status == 502 && lost.json == .null)
            // The code was applied and the register paid, as the pay status and the list show.
            #expect(simulator.payStatus(rnm: ofdTestRNM, code: "PSZ7D1Lq") == "Payed")
            let now = Date()
            let status = try await client.payStatus(
                token: token, from: ofdText(now.addingTimeInterval(-3600)), to: ofdText(now.addingTimeInterval(60)))
            #expect(status.data.map { $0["ActivationCode"] } == ["PSZ7D1Lq"])
            #expect(try await client.kkts(token: token).data.first?["LastBuyDateUtc"] != nil)
            // Sent again, it is a used code (still answered 502 while the fault stands).
            #expect(try await client.pay(token: token).status == 502)
            simulator.setFault(.none)
            #expect(try await client.pay(token: token)["Errors"]?.items.first == "Код активации уже использован")
        }
    }

    @Test func aRefusalAnswered502IsStillARefusal() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.setFault(.afterProcessing(status: 504), for: .pay)
            #expect(try await client.pay(token: token, code: "NOPE0000").status == 504)
            #expect(simulator.payStatus(rnm: ofdTestRNM, code: "NOPE0000") == nil)
            // CreateAuthToken too: the token is issued, its answer lost.
            simulator.setFault(.afterProcessing(status: 502), for: .createAuthToken)
            #expect(try await client.createToken().status == 502)
            #expect(simulator.tokensIssued == 2)
        }
    }
}
