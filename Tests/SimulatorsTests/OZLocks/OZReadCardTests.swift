import Foundation
import Simulators
import Testing

@Suite struct OZReadCardTests {
    @Test func readsTheIssuedCardWithHolderIDAsAString() async throws {
        try await withOZSimulator { (_, client) async throws in
            let issued = try await client.post("/IssueCard", ozIssueCardBody(guestID: 12))
            let reply = try await client.get("/ReadCard", #"{"EncoderID":"001","WorkstationID":"ADMIN01"}"#)
            #expect(reply.status == 200)
            #expect(reply.json == .object([
                "CardType": 6, "CardTypeEx": "Карта гостя", "Room": "101", "CheckIn": "04.09.2025 15:21",
                "CheckOut": "05.09.2025 14:00", "HolderName": "Иванов Иван", "HolderID": "12",
                "EncoderID": "001", "WorkstationID": "ADMIN01",
            ]))
            #expect(issued.status == 200)
        }
    }

    @Test func aBlankCardReadsAsCardTypeZero() async throws {
        try await withOZSimulator { (_, client) async throws in
            let reply = try await client.get("/ReadCard", #"{"EncoderID":"002","WorkstationID":"W"}"#)
            #expect(reply.status == 200)
            #expect(reply["CardType"] == 0)
            #expect(reply["CardTypeEx"] == "Пустая карта")
            #expect(reply["HolderID"] == "")
            #expect(reply["Room"] == nil)
        }
    }

    @Test func aDataCardReadsAsCardTypeNine() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.putDataCard(room: "102", encoder: "002")
            let reply = try await client.get("/ReadCard", #"{"EncoderID":"002","WorkstationID":"W"}"#)
            #expect(reply["CardType"] == 9)
            #expect(reply["Room"] == "102")
        }
    }

    @Test func refusesAnEmptyEncoderAnUnknownOneAndAMissingEncoderID() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.setCardPresent(false, encoder: "001")
            let empty = try await client.get("/ReadCard", #"{"EncoderID":"001","WorkstationID":"W"}"#)
            #expect(empty.status == 500)
            #expect(empty.json == .object(["ECode": "2", "EMessage": "Карта отсутствует на устройстве"]))
            #expect(try await client.get("/ReadCard", #"{"EncoderID":"009","WorkstationID":"W"}"#).eCode == "7")
            // The spec's own ReadCard example leaves EncoderID out although its table requires it.
            let missing = try await client.get("/ReadCard", #"{"WorkstationID": "ADMIN01", "CardIssuer": "Ресепшн",}"#)
            #expect(missing.eCode == "5")
            #expect(missing["EMessage"]?.text?.contains("EncoderID") == true)
        }
    }
}

@Suite struct OZCheckOutTests {
    @Test func seriesHClearsTheCardOnTheEncoder() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            _ = try await client.post("/IssueCard", ozIssueCardBody(room: "102"))
            #expect(simulator.guests(room: "102") == [1])
            let before = Date()
            let reply = try await client.post("/CheckOut", #"{"Room":"102","EncoderID":"001","WorkstationID":"ADMIN01","CardIssuer":"Ресепшн"}"#)
            #expect(reply.status == 200)
            #expect(reply.json.keys == ["Room", "CheckOut", "EncoderID", "WorkstationID"])
            #expect(reply["Room"] == "102" && reply["EncoderID"] == "001" && reply["WorkstationID"] == "ADMIN01")
            let stamp = try #require(reply["CheckOut"]?.text)
            #expect(OZTestDates.parse(stamp).map { abs($0.timeIntervalSince(before)) < 120 } == true)
            #expect(simulator.guests(room: "102").isEmpty)
            let card = try await client.get("/ReadCard", #"{"EncoderID":"001","WorkstationID":"W"}"#)
            #expect(card["CardType"] == 0)
        }
    }

    @Test func seriesHNeedsAnEncoderWithACard() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let missing = try await client.post("/CheckOut", #"{"Room":"102","WorkstationID":"W"}"#)
            #expect(missing.eCode == "5")
            #expect(missing["EMessage"]?.text?.contains("EncoderID") == true)
            simulator.setCardPresent(false, encoder: "001")
            #expect(try await client.post("/CheckOut", #"{"Room":"102","EncoderID":"001","WorkstationID":"W"}"#).eCode == "2")
        }
    }

    @Test func seriesWRChecksOutInTheLockWithoutAnEncoder() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            _ = try await client.post("/IssueCard", ozIssueCardBody(room: "101"))
            let reply = try await client.post("/CheckOut", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(reply.status == 200)
            #expect(reply.json.keys == ["Room", "CheckOut", "WorkstationID"])
            #expect(simulator.guests(room: "101").isEmpty)

            simulator.setOnline(false, room: "103")
            let offline = try await client.post("/CheckOut", #"{"Room":"103","WorkstationID":"W"}"#)
            #expect(offline.json == .object(["ECode": "10", "EMessage": "Замок не в сети"]))
            #expect(try await client.post("/CheckOut", #"{"Room":"404","WorkstationID":"W"}"#).eCode == "1")
        }
    }
}

/// Parses the vendor's date format independently of the simulator.
enum OZTestDates {
    static func parse(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Moscow")
        formatter.dateFormat = "dd.MM.yyyy HH:mm"
        return formatter.date(from: text)
    }
}
