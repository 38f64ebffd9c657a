import Foundation
import Simulators
import Testing

@Suite struct OFDPayTests {
    @Test func aCompletedPaymentPaysTheRegister() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            let before = Date()
            let reply = try await client.pay(token: token)
            #expect(reply.status == 200)
            #expect(reply.json == .object(["IsCompleted": true, "IsWaiting": false]))
            #expect(simulator.payStatus(rnm: ofdTestRNM, code: "PSZ7D1Lq") == "Payed")
            let register = try #require(try await client.kkts(token: token).data.first)
            #expect(register["LastBuyDateUtc"]?.text.map { $0 >= ofdText(before) } == true)
            // A year of service from now, as the register had no contract before.
            let end = try #require(register["ContractEndDateUtc"]?.text)
            #expect(end >= ofdText(before.addingTimeInterval(365 * 86_400)))
            #expect(end <= ofdText(Date().addingTimeInterval(365 * 86_400)))
            #expect(register["ContractStartDateUtc"] == register["LastBuyDateUtc"])
        }
    }

    @Test func aWaitingPaymentIsPaidWhenTheOperatorSaysSo() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            simulator.setPayOutcome(.waiting)
            let token = try await client.token()
            let reply = try await client.pay(token: token)
            #expect(reply.json == .object(["IsCompleted": false, "IsWaiting": true]))
            #expect(simulator.payStatus(rnm: ofdTestRNM, code: "PSZ7D1Lq") == "WaitingActivation")
            #expect(try await client.kkts(token: token).data.first?["LastBuyDateUtc"] == nil)
            simulator.setPayStatus(rnm: ofdTestRNM, code: "PSZ7D1Lq", status: "Payed")
            #expect(simulator.payStatus(rnm: ofdTestRNM, code: "PSZ7D1Lq") == "Payed")
            #expect(try await client.kkts(token: token).data.first?["LastBuyDateUtc"] != nil)
        }
    }

    @Test func aCodeWorksOnce() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            #expect(try await client.pay(token: token)["IsCompleted"] == true)
            let again = try await client.pay(token: token)
            #expect(again.status == 200)
            #expect(again.json == .object(["Success": false, "Errors": .array(["Код активации уже использован"])]))
            #expect(simulator.calls(.pay) == 2)
        }
    }

    @Test func refusalsNameTheProblemAndKeepTheCode() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            simulator.addRegister(inn: "7700000000", .init(rnm: "0000000000000099"))
            let token = try await client.token()
            let unknownCode = try await client.pay(token: token, code: "NOPE0000")
            #expect(unknownCode.json == .object(["Success": false, "Errors": .array(["Код активации не найден"])]))
            // The register exists, but not under this INN.
            let otherOwner = try await client.pay(token: token, rnm: "0000000000000099")
            #expect(otherOwner.json == .object(["Success": false, "Errors": .array(["ККТ не найдена"])]))
            let noEmail = try await client.post(
                "/api/integration/partner/v1/kkt/pay?AuthToken=\(token)",
                #"{"Inn":"\#(ofdTestINN)","Rnm":"\#(ofdTestRNM)","ActivationCode":"PSZ7D1Lq"}"#)
            #expect(noEmail["Success"] == false)
            #expect(noEmail["Errors"]?.items.first?.text?.contains("Email") == true)
            let blankInn = try await client.pay(token: token, inn: " ")
            #expect(blankInn["Errors"]?.items.first?.text?.contains("Inn") == true)
            #expect(try await client.pay(token: token, email: "nobody")["Success"] == false)
            #expect(simulator.payStatus(rnm: ofdTestRNM, code: "PSZ7D1Lq") == nil)
            // None of these spent the code, and Kpp may be left out.
            let paid = try await client.post(
                "/api/integration/partner/v1/kkt/pay?AuthToken=\(token)",
                #"{"inn":"\#(ofdTestINN)","rnm":"\#(ofdTestRNM)","activationCode":"PSZ7D1Lq","email":"a@b.ru"}"#)
            #expect(paid.json == .object(["IsCompleted": true, "IsWaiting": false]))
        }
    }
}

@Suite struct OFDPayStatusTests {
    @Test func listsApplicationsWithinTheRange() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            simulator.addRegister(inn: ofdTestINN, .init(rnm: "0000000000000042"))
            simulator.addActivationCode("LSZ7D1LD")
            let token = try await client.token()
            let before = Date()
            #expect(try await client.pay(token: token)["IsCompleted"] == true)
            simulator.setPayOutcome(.waiting)
            #expect(try await client.pay(token: token, rnm: "0000000000000042", code: "LSZ7D1LD")["IsWaiting"] == true)
            let after = Date()

            let hour: TimeInterval = 3600
            let around = try await client.payStatus(token: token, from: ofdText(before - hour), to: ofdText(after + hour))
            #expect(around["Success"] == true)
            #expect(around.data.count == 2)
            let paid = try #require(around.data.first { $0["ActivationCode"] == "PSZ7D1Lq" })
            #expect(paid.keys == ["DateUtc", "Inn", "Rnm", "ActivationCode", "Status", "ActivationDateUtc"])
            #expect(paid["Inn"] == .string(ofdTestINN) && paid["Rnm"] == .string(ofdTestRNM) && paid["Status"] == "Payed")
            let date = try #require(paid["DateUtc"]?.text)
            #expect(date >= ofdText(before) && date <= ofdText(after))
            let waiting = try #require(around.data.first { $0["ActivationCode"] == "LSZ7D1LD" })
            #expect(waiting["Status"] == "WaitingActivation" && waiting["ActivationDateUtc"] == nil)

            // Both ends of the range are inclusive, to the second shown.
            let exact = try await client.payStatus(token: token, from: date, to: date)
            #expect(exact.data.contains { $0["ActivationCode"] == "PSZ7D1Lq" })
            #expect(try await client.payStatus(token: token, from: ofdText(before - 2 * hour), to: ofdText(before - hour)).data.isEmpty)
            #expect(try await client.payStatus(token: token, from: ofdText(after + 1), to: ofdText(after + hour)).data.isEmpty)

            simulator.setPayStatus(rnm: "0000000000000042", code: "LSZ7D1LD", status: "Cancelled")
            let later = try await client.payStatus(token: token, from: ofdText(before - hour), to: ofdText(after + hour))
            #expect(later.data.first { $0["ActivationCode"] == "LSZ7D1LD" }?["Status"] == "Cancelled")
        }
    }

    @Test func refusesReversedOrMalformedRangesButNotLongOnes() async throws {
        try await withOFDSimulator { (_, client) async throws in
            let token = try await client.token()
            // The spec names no longest period.
            let year = try await client.payStatus(token: token, from: "2022-01-01T00:00:00", to: "2023-01-01T00:00:01")
            #expect(year.json == .object(["Data": .array([]), "Success": true]))
            let reversed = try await client.payStatus(token: token, from: "2022-10-02T00:00:00", to: "2022-10-01T00:00:00")
            #expect(reversed["Success"] == false && reversed["Errors"]?.items.count == 1)
            let zoned = try await client.payStatus(token: token, from: "2022-10-01T00:00:00Z", to: "2022-10-02T00:00:00")
            #expect(zoned["Success"] == false)
            let impossible = try await client.payStatus(token: token, from: "2022-02-30T00:00:00", to: "2022-03-02T00:00:00")
            #expect(impossible["Success"] == false)
            let missing = try await client.get("/api/integration/partner/v1/kkt/paystatus?AuthToken=\(token)&DateFromUtc=2022-10-01T00:00:00")
            #expect(missing["Errors"]?.items.first?.text?.contains("DateToUtc") == true)
            // Percent-encoded colons are read as colons.
            let encoded = try await client.payStatus(token: token, from: "2022-10-01T00%3A00%3A00", to: "2022-10-02T00%3A00%3A00")
            #expect(encoded["Success"] == true)
        }
    }
}
