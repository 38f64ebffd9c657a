import Foundation
import Simulators
import Testing

@Suite struct OZIssueCardTests {
    @Test func issuesACardAndCreatesAGuest() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let reply = try await client.post("/IssueCard", ozIssueCardBody())
            #expect(reply.status == 200)
            #expect(reply.json.keys == ["Room", "CheckOut", "Number", "GuestID", "EncoderID", "WorkstationID"])
            #expect(reply["Room"] == "101")
            #expect(reply["CheckOut"] == "05.09.2025 14:00")
            #expect(reply["GuestID"] == 1)
            #expect(reply["EncoderID"] == "001")
            #expect(reply["WorkstationID"] == "ADMIN01")
            let uid = try #require(reply["Number"]?.text)
            #expect(uid.count == 8 && uid.allSatisfy { "0123456789ABCDEF".contains($0) })

            let card = try #require(simulator.issuedCards.first)
            #expect(card.uid == uid && card.room == "101" && card.guestID == 1 && card.guestName == "Иванов Иван")
            #expect(card.checkIn == ozMoscow(2025, 9, 4, 15, 21) && card.checkOut == ozMoscow(2025, 9, 5, 14, 0))
            #expect(card.encoder == "001" && card.workstation == "ADMIN01" && card.issuer == "Ресепшн")
            #expect(simulator.guests(room: "101") == [1])
            #expect(simulator.calls("IssueCard") == 1)
        }
    }

    @Test func newIssueChecksOutEarlierGuestsAndGivenIdsAreNotEchoed() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            _ = try await client.post("/IssueCard", ozIssueCardBody())
            let second = try await client.post("/IssueCard", ozIssueCardBody(newIssue: false))
            #expect(second["GuestID"] == 2)
            #expect(simulator.guests(room: "101") == [1, 2])

            let given = try await client.post("/IssueCard", ozIssueCardBody(guestID: 12, newIssue: true))
            #expect(given.status == 200)
            #expect(given["GuestID"] == nil)
            #expect(simulator.guests(room: "101") == [12])
            let uids = simulator.issuedCards.map(\.uid)
            #expect(Set(uids).count == 3)
        }
    }

    @Test func refusesWithoutACardOnTheEncoder() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.setCardPresent(false, encoder: "002")
            let reply = try await client.post("/IssueCard", ozIssueCardBody(encoder: "002"))
            #expect(reply.status == 500)
            #expect(reply.json == .object(["ECode": "2", "EMessage": "Карта отсутствует на устройстве"]))
            #expect(simulator.issuedCards.isEmpty)
        }
    }

    @Test func refusesUnknownRoomsAndEncoders() async throws {
        try await withOZSimulator { (_, client) async throws in
            let room = try await client.post("/IssueCard", ozIssueCardBody(room: "999"))
            #expect(room.status == 500)
            #expect(room.json == .object(["ECode": "1", "EMessage": "Номер не существует"]))
            let encoder = try await client.post("/IssueCard", ozIssueCardBody(encoder: "777"))
            #expect(encoder.eCode == "7")
        }
    }

    @Test(arguments: [
        ("GuestName", #"{"Room":"101","CheckIn":"04.09.2025 15:21","CheckOut":"05.09.2025 14:00","NewIssue":true,"EncoderID":"001","WorkstationID":"A"}"#),
        ("CheckIn", #"{"Room":"101","CheckIn":"2025-09-04 15:21","CheckOut":"05.09.2025 14:00","GuestName":"X","NewIssue":true,"EncoderID":"001","WorkstationID":"A"}"#),
        ("NewIssue", #"{"Room":"101","CheckIn":"04.09.2025 15:21","CheckOut":"05.09.2025 14:00","GuestName":"X","NewIssue":"true","EncoderID":"001","WorkstationID":"A"}"#),
        ("GuestID", #"{"Room":"101","CheckIn":"04.09.2025 15:21","CheckOut":"05.09.2025 14:00","GuestName":"X","GuestID":"12","NewIssue":true,"EncoderID":"001","WorkstationID":"A"}"#),
        ("WorkstationID", #"{"Room":"101","CheckIn":"04.09.2025 15:21","CheckOut":"05.09.2025 14:00","GuestName":"X","NewIssue":true,"EncoderID":"001"}"#),
        ("CheckOut", #"{"Room":"101","CheckIn":"04.09.2025 15:21","CheckOut":"04.09.2025 15:00","GuestName":"X","NewIssue":true,"EncoderID":"001","WorkstationID":"A"}"#),
    ])
    func namesTheMissingOrMalformedField(field: String, body: String) async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let reply = try await client.post("/IssueCard", body)
            #expect(reply.status == 500)
            #expect(reply.eCode == "5")
            #expect(reply["EMessage"]?.text?.contains(field) == true)
            #expect(simulator.issuedCards.isEmpty)
        }
    }

    @Test func acceptsTheSpecsTrailingCommas() async throws {
        try await withOZSimulator { (_, client) async throws in
            let body = """
            {
              "Room": "101",
              "CheckIn": "04.09.2025 15:21",
              "CheckOut": "05.09.2025 14:00",
              "GuestName": "Иванов, Иван,}",
              "NewIssue": true,
              "EncoderID": "001",
              "WorkstationID": "ADMIN01",
              "CardIssuer": "Ресепшн",
            }
            """
            #expect(try await client.post("/IssueCard", body).status == 200)
            let card = try await client.get("/ReadCard", #"{"EncoderID":"001","WorkstationID":"ADMIN01",}"#)
            #expect(card["HolderName"] == "Иванов, Иван,}")
        }
    }

    @Test func refusesBrokenJSON() async throws {
        try await withOZSimulator { (_, client) async throws in
            let reply = try await client.post("/IssueCard", #"{"Room": "101""#)
            #expect(reply.status == 500)
            #expect(reply.eCode == "5")
        }
    }
}
