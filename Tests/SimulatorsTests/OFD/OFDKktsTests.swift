import Foundation
import Simulators
import Testing

@Suite struct OFDKktsTests {
    /// The spec's example: the fields without `Utc` are Moscow time (UTC+3), three hours ahead of
    /// the instants they stand for; the `…Utc` fields are UTC.
    @Test func listsEveryFieldOfARegisterAsTheSpecsExample() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let register = OFDSimulator.Register(
                rnm: "0005792715046206", fnEndsAt: ofdUTC(2022, 11, 25, 12, 43, 57),
                contractEndsAt: ofdUTC(2023, 9, 1), lastDocReceivedAt: ofdUTC(2021, 12, 13, 13, 37, 3),
                lastDocAt: ofdUTC(2021, 12, 13, 13, 34), id: "60854103-3e26-49d5-942b-07c34f7b9446",
                serial: "00105703738735", fnNumber: "9960440301038465", model: "АТОЛ 25Ф",
                address: "Москва, Ленинская Слобода, 19", place: "ofd.ru", createdAt: ofdUTC(2021, 9, 1, 12, 43, 28),
                tariff: "Green", lastPaidAt: ofdUTC(2021, 8, 31, 10), contractStartsAt: ofdUTC(2021, 9, 1))
            simulator.addRegister(inn: ofdTestINN, register)  // replaces the fixture's register of that RNM
            let reply = try await client.kkts(token: try await client.token())
            #expect(reply.status == 200 && reply["Success"] == true)
            #expect(reply.data.count == 1)
            #expect(reply.data.first == .object([
                "Id": "60854103-3e26-49d5-942b-07c34f7b9446",
                "KktRegId": "0005792715046206",
                "SerialNumber": "00105703738735",
                "FnNumber": "9960440301038465",
                "CreateDate": "2021-09-01T15:43:28",
                "LastDocOnKktDateTime": "2021-12-13T16:34:00",
                "LastDocOnOfdDateTimeUtc": "2021-12-13T13:37:03",
                "FiscalAddress": "Москва, Ленинская Слобода, 19",
                "FiscalPlace": "ofd.ru",
                "KktModel": "АТОЛ 25Ф",
                "FnEndDate": "2022-11-25T15:43:57",
                "Tariff": "Green",
                "LastBuyDateUtc": "2021-08-31T10:00:00",
                "ContractStartDateUtc": "2021-09-01T00:00:00",
                "ContractEndDateUtc": "2023-09-01T00:00:00",
            ]))
        }
    }

    @Test func unknownValuesAreLeftOutAndDefaultsAreDistinct() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            simulator.addRegister(inn: ofdTestINN, .init(rnm: "0000000000000042", lastDocReceivedAt: nil))
            let data = try await client.kkts(token: try await client.token()).data
            #expect(data.count == 2)
            let bare = try #require(data.first { $0["KktRegId"] == "0000000000000042" })
            #expect(bare.keys == ["Id", "KktRegId", "SerialNumber", "FnNumber", "CreateDate", "FiscalAddress", "FiscalPlace", "KktModel"])
            #expect(Set(data.compactMap { $0["SerialNumber"]?.text }).count == 2)
            #expect(Set(data.compactMap { $0["FnNumber"]?.text }).count == 2)
            #expect(Set(data.compactMap { $0["Id"]?.text }).count == 2)
        }
    }

    @Test func aBrokenRowHasNoKktRegId() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            simulator.addRegister(inn: ofdTestINN, .init(rnm: "0000000000000042"))
            simulator.updateRegister(rnm: ofdTestRNM) { $0.listedWithoutRegId = true }
            let data = try await client.kkts(token: try await client.token()).data
            #expect(data.count == 2)
            #expect(data.first?["KktRegId"] == nil && data.first?["SerialNumber"] != nil)
            #expect(data.last?["KktRegId"] == "0000000000000042")
        }
    }

    @Test func theShortPathAndAnUnknownINN() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            let partner = try await client.kkts(token: token)
            let short = try await client.get("/api/integration/v1/inn/\(ofdTestINN)/kkts?AuthToken=\(token)")
            #expect(short.status == 200 && short.json == partner.json && short.data.count == 1)
            #expect(try await client.get("/api/integration/v1/inn/\(ofdTestINN)/kkts").status == 401)
            let unknown = try await client.kkts(token: token, inn: "7700000000")
            #expect(unknown.json == .object(["Data": .array([]), "Success": true]))
            #expect(simulator.calls(.kkts) == 4)
        }
    }

    @Test func registersChangeAndGo() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            let token = try await client.token()
            simulator.updateRegister(rnm: ofdTestRNM) { $0.fnEndsAt = ofdUTC(2030, 1, 2, 23, 4, 5); $0.tariff = "Red" }
            let changed = try #require(try await client.kkts(token: token).data.first)
            // Moscow time: the next day already.
            #expect(changed["FnEndDate"] == "2030-01-03T02:04:05" && changed["Tariff"] == "Red")
            // Moving a register to another INN takes it off the first one's list.
            simulator.addRegister(inn: "7700000000", .init(rnm: ofdTestRNM))
            #expect(try await client.kkts(token: token).data.isEmpty)
            #expect(try await client.kkts(token: token, inn: "7700000000").data.count == 1)
            simulator.removeRegister(rnm: ofdTestRNM)
            #expect(try await client.kkts(token: token, inn: "7700000000").data.isEmpty)
        }
    }
}
