import Foundation
import Simulators
import Testing

@Suite struct OZLogTests {
    private func fillLog(_ simulator: OZLocksSimulator, room: String) {
        simulator.appendLog(room: room, type: 6, typeName: "Карта гостя", at: ozMoscow(2025, 9, 4, 16, 21), holderID: 12, holderName: "Иванов Иван")
        simulator.appendLog(room: room, type: 30, typeName: "Попытка несанкционированного доступа", at: ozMoscow(2025, 9, 5, 3, 0), holderID: 0, holderName: nil)
        simulator.appendLog(room: room, type: 17, typeName: "Код гостя", at: ozMoscow(2025, 9, 7, 16, 22), holderID: 12, holderName: "Иванов Иван")
    }

    @Test func readsAnOnlineLockRemotely() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            fillLog(simulator, room: "101")
            let reply = try await client.get("/ReadLogLock", #"{"Room":"101","WorkstationID":"ADMIN01"}"#)
            #expect(reply.status == 200)
            #expect(reply.json.keys == ["WorkstationID", "Log"])
            let log = try #require(reply["Log"]?.items)
            #expect(log.map { $0["RecordType"] } == [6, 30, 17])
            #expect(log[0] == .object([
                "RecordType": 6, "RecordTypeEx": "Карта гостя", "EventTime": "04.09.2025 16:21",
                "HolderID": 12, "HolderName": "Иванов Иван",
            ]))
            #expect(log[1]["HolderName"] == nil)
        }
    }

    @Test func showErrorEntranceFalseHidesUnauthorisedAttempts() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            fillLog(simulator, room: "101")
            let hidden = try await client.get("/ReadLogLock", #"{"Room":"101","WorkstationID":"W","ShowErrorEntrance":false}"#)
            #expect(hidden["Log"]?.items.map { $0["RecordType"] } == [6, 17])
            let shown = try await client.get("/ReadLogLock", #"{"Room":"101","WorkstationID":"W","ShowErrorEntrance":true}"#)
            #expect(shown["Log"]?.items.count == 3)
        }
    }

    @Test func refusesOfflineLocksAndRoomsOfSeriesH() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.setOnline(false, room: "101")
            #expect(try await client.get("/ReadLogLock", #"{"Room":"101","WorkstationID":"W"}"#).eCode == "10")
            #expect(try await client.get("/ReadLogLock", #"{"Room":"102","WorkstationID":"W"}"#).eCode == "3")
            #expect(try await client.get("/ReadLogLock", #"{"Room":"999","WorkstationID":"W"}"#).eCode == "1")
            #expect(try await client.get("/ReadLogLock", #"{"WorkstationID":"W"}"#).eCode == "5")
        }
    }

    @Test func seriesHReadsTheDataCardAsItWasWhenPresented() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            let noDataCard = try await client.get("/ReadLogLock", #"{"EncoderID":"001","WorkstationID":"W"}"#)
            #expect(noDataCard.json == .object(["ECode": "2", "EMessage": "Карта отсутствует на устройстве"]))

            fillLog(simulator, room: "102")
            simulator.putDataCard(room: "102", encoder: "001")
            simulator.appendLog(room: "102", type: 6, typeName: "Карта гостя", at: Date(), holderID: 13, holderName: nil)
            let reply = try await client.get("/ReadLogLock", #"{"EncoderID":"001","WorkstationID":"ADMIN01","ShowErrorEntrance":false}"#)
            #expect(reply.status == 200)
            #expect(reply.json.keys == ["EncoderID", "WorkstationID", "Log"])
            #expect(reply["EncoderID"] == "001")
            #expect(reply["Log"]?.items.map { $0["RecordType"] } == [6, 17])
        }
    }
}
