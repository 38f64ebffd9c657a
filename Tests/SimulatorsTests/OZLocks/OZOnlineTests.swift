import Foundation
import Simulators
import Testing

@Suite struct OZOnlineTests {
    private func codeBody(room: String = "101", code: String = "481221", guestID: Int? = nil, newIssue: Bool = true) -> String {
        let guest = guestID.map { #""GuestID": \#($0), "# } ?? ""
        return #"{"Room": "\#(room)", "CheckIn": "04.09.2025 15:21", "CheckOut": "05.09.2025 14:00", "GuestName": "Иванов Иван", \#(guest)"NewIssue": \#(newIssue), "LockCode": "\#(code)", "WorkstationID": "ADMIN01", "CardIssuer": "Ресепшн",}"#
    }

    @Test func issuesALockCode() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let reply = try await client.post("/IssueLockCode", codeBody())
            #expect(reply.status == 200)
            #expect(reply.json == .object(["Room": "101", "CheckOut": "05.09.2025 14:00", "GuestID": 1, "WorkstationID": "ADMIN01"]))
            #expect(simulator.lockCode(room: "101", guestID: 1) == "481221")
            #expect(simulator.guests(room: "101") == [1])

            let given = try await client.post("/IssueLockCode", codeBody(code: "12345678", guestID: 12, newIssue: false))
            #expect(given.json == .object(["Room": "101", "CheckOut": "05.09.2025 14:00", "WorkstationID": "ADMIN01"]))
            #expect(simulator.guests(room: "101") == [1, 12])
            #expect(simulator.lockCode(room: "101", guestID: 12) == "12345678")
        }
    }

    @Test(arguments: ["12345", "123456789", "12a456", "", "１２３４５６"])
    func refusesCodesThatAreNotSixToEightDigits(code: String) async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let reply = try await client.post("/IssueLockCode", codeBody(code: code))
            #expect(reply.status == 500)
            #expect(reply.eCode == (code.isEmpty ? "5" : "4"))
            #expect(simulator.guests(room: "101").isEmpty)
        }
    }

    @Test func refusesSeriesHAndOfflineLocks() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let series = try await client.post("/IssueLockCode", codeBody(room: "102"))
            #expect(series.eCode == "3")
            simulator.setOnline(false, room: "101")
            #expect(try await client.post("/IssueLockCode", codeBody()).eCode == "10")
            #expect(simulator.guests(room: "101").isEmpty)
        }
    }

    @Test func changesTheCodeOfACheckedInGuest() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            _ = try await client.post("/IssueLockCode", codeBody(guestID: 12))
            let reply = try await client.post("/ChangeLockCode", #"{"Room":"101","GuestID":12,"LockCode":"7654321","WorkstationID":"ADMIN01","CardIssuer":"Ресепшн",}"#)
            #expect(reply.status == 200)
            #expect(reply.json == .object(["Room": "101", "CheckOut": "05.09.2025 14:00", "WorkstationID": "ADMIN01"]))
            #expect(simulator.lockCode(room: "101", guestID: 12) == "7654321")

            let unknown = try await client.post("/ChangeLockCode", #"{"Room":"101","GuestID":13,"LockCode":"7654321","WorkstationID":"W"}"#)
            #expect(unknown.eCode == "6")
            let missing = try await client.post("/ChangeLockCode", #"{"Room":"101","LockCode":"7654321","WorkstationID":"W"}"#)
            #expect(missing.eCode == "5")
            #expect(missing["EMessage"]?.text?.contains("GuestID") == true)
            #expect(try await client.post("/ChangeLockCode", #"{"Room":"101","GuestID":12,"LockCode":"76","WorkstationID":"W"}"#).eCode == "4")
            #expect(try await client.post("/ChangeLockCode", #"{"Room":"102","GuestID":12,"LockCode":"7654321","WorkstationID":"W"}"#).eCode == "3")
            simulator.setOnline(false, room: "101")
            #expect(try await client.post("/ChangeLockCode", #"{"Room":"101","GuestID":12,"LockCode":"7654321","WorkstationID":"W"}"#).eCode == "10")
        }
    }

    @Test func readsTheStateWithTheUndocumentedOpenedField() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.setLowBattery(true, room: "101")
            let reply = try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"ADMIN01"}"#)
            #expect(reply.json == .object(["Room": "101", "Opened": false, "LowCharge": true, "WorkstationID": "ADMIN01"]))
            simulator.setOpened(true, room: "101")
            #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)["Opened"] == true)
        }
    }

    @Test func readStateRefusals() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.setOnline(false, room: "103")
            let offline = try await client.get("/ReadState", #"{"Room":"103","WorkstationID":"W"}"#)
            #expect(offline.status == 500)
            #expect(offline.json == .object(["ECode": "10", "EMessage": "Замок не в сети"]))
            #expect(try await client.get("/ReadState", #"{"Room":"102","WorkstationID":"W"}"#).eCode == "3")
            #expect(try await client.get("/ReadState", #"{"Room":"999","WorkstationID":"W"}"#).eCode == "1")
            #expect(try await client.get("/ReadState", #"{"Room":"101"}"#).eCode == "5")
        }
    }

    @Test func opensAndClosesRemotely() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let open = try await client.post("/OpenLock", #"{"Room": "101", "WorkstationID": "ADMIN01"}"#)
            #expect(open.status == 200)
            #expect(open.json == .object(["Room": "101", "WorkstationID": "ADMIN01"]))
            #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)["Opened"] == true)
            let close = try await client.post("/CloseLock", #"{"Room": "101", "WorkstationID": "ADMIN01"}"#)
            #expect(close.json == .object(["Room": "101", "WorkstationID": "ADMIN01"]))
            #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)["Opened"] == false)
            #expect(simulator.calls("OpenLock") == 1 && simulator.calls("CloseLock") == 1)
        }
    }

    @Test func openRefusals() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            #expect(try await client.post("/OpenLock", #"{"Room":"102","WorkstationID":"W"}"#).eCode == "3")
            #expect(try await client.post("/CloseLock", #"{"Room":"102","WorkstationID":"W"}"#).eCode == "3")
            simulator.setOnline(false, room: "101")
            #expect(try await client.post("/OpenLock", #"{"Room":"101","WorkstationID":"W"}"#).eCode == "10")
            simulator.setOnline(true, room: "101")
            #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)["Opened"] == false)
        }
    }
}
