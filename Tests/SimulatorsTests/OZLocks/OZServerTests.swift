import Foundation
import Simulators
import Testing

@Suite struct OZAuthTests {
    @Test func aWrongOrMissingKeyIsRefusedAndNotCounted() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            var wrong = client
            wrong.key = "secreT"
            let refused = try await wrong.post("/OpenLock", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(refused.status == 401)
            #expect(refused.json == .object(["ECode": "401", "EMessage": "Не прошла авторизация"]))
            var missing = client
            missing.key = nil
            #expect(try await missing.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#).status == 401)
            var longer = client
            longer.key = "secret2"
            #expect(try await longer.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#).status == 401)
            #expect(simulator.calls("OpenLock") == 0 && simulator.totalCalls() == 0)
            #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)["Opened"] == false)
            #expect(simulator.totalCalls() == 1)
        }
    }

    @Test func theKeyHeaderIsConfigurableAndCaseInsensitive() async throws {
        let simulator = OZLocksSimulator(apiKey: "k", apiKeyHeader: "Authorization-Key", rooms: [.init("1", series: .wr)], encoders: [])
        let port = try await simulator.start()
        let good = OZTestClient(port: port, key: "k", keyHeader: "authorization-key")
        #expect(try await good.post("/OpenLock", #"{"Room":"1","WorkstationID":"W"}"#).status == 200)
        let defaultHeader = OZTestClient(port: port, key: "k")
        #expect(try await defaultHeader.post("/OpenLock", #"{"Room":"1","WorkstationID":"W"}"#).status == 401)
        await simulator.stop()
    }

    @Test func wrongMethodsAndUnknownPathsAreNotOperations() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            #expect(try await client.post("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#).status == 405)
            #expect(try await client.get("/OpenLock", #"{"Room":"101","WorkstationID":"W"}"#).status == 405)
            #expect(try await client.post("/Unlock", "{}").status == 404)
            #expect(simulator.totalCalls() == 0)
        }
    }
}

@Suite struct OZBehaviourTests {
    @Test func slowAnswersAfterTheDelay() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.setBehaviour(.slow(.milliseconds(300)))
            let start = ContinuousClock.now
            let reply = try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(reply.status == 200)
            #expect(reply["Room"] == "101")
        }
    }

    @Test func badRequestAnswers400AndErrorAnswers500() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.setBehaviour(.badRequest)
            let unavailable = try await client.post("/OpenLock", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(unavailable.status == 400)
            #expect(unavailable.raw == "Сервер не доступен")
            simulator.setBehaviour(.error(code: "42", message: "База данных недоступна"))
            let failed = try await client.post("/OpenLock", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(failed.status == 500)
            #expect(failed.json == .object(["ECode": "42", "EMessage": "База данных недоступна"]))
            #expect(simulator.calls("OpenLock") == 2)
            simulator.setBehaviour(.normal)
            #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)["Opened"] == false)
        }
    }

    @Test func trailingCommasInAnswersOnRequest() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            simulator.appendLog(room: "101", type: 6, typeName: "Карта гостя", at: Date(), holderID: 1, holderName: "A")
            simulator.setTrailingCommas(true)
            let reply = try await client.get("/ReadLogLock", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(reply.raw.contains(#""HolderName":"A",}"#))
            #expect(reply.raw.hasSuffix("],}"))
        }
    }
}

@Suite struct OZLifecycleTests {
    @Test func afterStopConnectionsAreRefused() async throws {
        let simulator = OZLocksSimulator(apiKey: "secret", rooms: [.init("101", series: .wr)], encoders: [])
        let port = try await simulator.start()
        #expect(simulator.port == port)
        let client = OZTestClient(port: port)
        #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#).status == 200)
        await simulator.stop()
        #expect(simulator.port == nil)
        let refused = await #expect(throws: OZRawHTTP.Failure.self) {
            try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)
        }
        #expect(refused?.errno == ECONNREFUSED)
    }

    @Test func restartsOnTheSamePort() async throws {
        let simulator = OZLocksSimulator(apiKey: "secret", rooms: [.init("101", series: .wr)], encoders: [])
        let port = try await simulator.start()
        await simulator.stop()
        #expect(try await simulator.start(port: port) == port)
        #expect(try await OZTestClient(port: port).post("/OpenLock", #"{"Room":"101","WorkstationID":"W"}"#).status == 200)
        await simulator.stop()
    }

    @Test func aBusyPortFailsToStart() async throws {
        let first = OZLocksSimulator(apiKey: "a", rooms: [], encoders: [])
        let port = try await first.start()
        let second = OZLocksSimulator(apiKey: "b", rooms: [], encoders: [])
        await #expect(throws: (any Error).self) { try await second.start(port: port) }
        #expect(second.port == nil)
        await first.stop()
    }
}

@Suite struct OZControlTests {
    @Test func controlEndpointsSteerTheSimulator() async throws {
        try await withOZSimulator { (simulator, client) async throws in
            var control = client
            control.key = nil
            #expect(try await control.post("/_sim/state", #"{"room":"101","online":false}"#).status == 200)
            #expect(try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#).eCode == "10")
            #expect(try await control.post("/_sim/state", #"{"room":"101","online":true,"lowBattery":true,"opened":true}"#).status == 200)
            let state = try await client.get("/ReadState", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(state["LowCharge"] == true && state["Opened"] == true)

            #expect(try await control.post("/_sim/card", #"{"encoder":"001","present":false}"#).status == 200)
            #expect(try await client.get("/ReadCard", #"{"EncoderID":"001","WorkstationID":"W"}"#).eCode == "2")
            #expect(try await control.post("/_sim/card", #"{"encoder":"001","dataCard":"102"}"#).status == 200)
            #expect(try await client.get("/ReadCard", #"{"EncoderID":"001","WorkstationID":"W"}"#)["CardType"] == 9)

            #expect(try await control.post("/_sim/log", #"{"room":"101","type":30,"typeName":"Попытка","holderID":7}"#).status == 200)
            let log = try await client.get("/ReadLogLock", #"{"Room":"101","WorkstationID":"W"}"#)
            #expect(log["Log"]?.items.first?["HolderID"] == 7)

            #expect(try await control.post("/_sim/behaviour", #"{"mode":"error","code":"8","message":"X"}"#).status == 200)
            #expect(try await client.post("/OpenLock", #"{"Room":"101","WorkstationID":"W"}"#).eCode == "8")
            #expect(try await control.post("/_sim/behaviour", #"{"mode":"slow","delayMs":1}"#).status == 200)
            #expect(simulator.calls("OpenLock") == 1)
            #expect(try await control.post("/_sim/behaviour", #"{"mode":"normal"}"#).status == 200)

            let calls = try await control.get("/_sim/calls", "")
            #expect(calls.json == .object(["ReadState": 2, "ReadCard": 2, "ReadLogLock": 1, "OpenLock": 1]))
            #expect(try await control.get("/_sim/state", "")["rooms"]?["101"]?["lowBattery"] == true)
        }
    }

    @Test func controlEndpointsRefuseNonsense() async throws {
        try await withOZSimulator { (_, client) async throws in
            #expect(try await client.post("/_sim/state", #"{"room":"999","online":false}"#).status == 404)
            #expect(try await client.post("/_sim/state", #"{"room":"101","online":"no"}"#).status == 400)
            #expect(try await client.post("/_sim/behaviour", #"{"mode":"sleepy"}"#).status == 400)
            #expect(try await client.post("/_sim/card", "not json").status == 400)
            #expect(try await client.post("/_sim/nothing", "{}").status == 404)
        }
    }
}
