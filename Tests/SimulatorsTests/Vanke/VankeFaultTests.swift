import Foundation
import Simulators
import Testing

@Suite struct VankeFaultTests {
    @Test func slowDelaysThenAnswersNormally() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.setFault(.slow(.milliseconds(300)))
            #expect(simulator.fault == .slow(.milliseconds(300)))
            let start = ContinuousClock.now
            let reply = try await client.push("receiveCrossGate", VankeTestPush.crossing())
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(reply.respCode == "0" && simulator.crossings.count == 1)
        }
    }

    @Test func garbageIsNotJSONAndRecordsNothing() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.setFault(.garbage)
            let reply = try await client.push("receivePlateNumber", VankeTestPush.plate())
            #expect(reply.status == 200)
            #expect(!reply.body.isEmpty)
            #expect((try? JSONSerialization.jsonObject(with: reply.body)) == nil)
            #expect(simulator.plateNumbers.isEmpty && simulator.rejected.isEmpty)
            #expect(simulator.calls("receivePlateNumber") == 1)
        }
    }

    @Test func httpStatusAnswersAnHTMLPage() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            for status in [500, 502, 404] {
                simulator.setFault(.httpStatus(status))
                let reply = try await client.push("receiveAbnormal", VankeTestPush.abnormal())
                #expect(reply.status == status)
                #expect(reply.contentType?.hasPrefix("text/html") == true && reply.raw.contains("\(status)"))
                #expect(reply.respCode == nil)
            }
            #expect(simulator.abnormals.isEmpty && simulator.calls("receiveAbnormal") == 3)
            simulator.setFault(.none)
            #expect(try await client.push("receiveAbnormal", VankeTestPush.abnormal()).respCode == "0")
        }
    }

    @Test func respCode1RefusesEveryGoodPushWithItsText() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.allow(plate: "粤B12345", afterDenials: 1)
            simulator.setFault(.respCode1("系统繁忙"))
            for endpoint in ["receivePlateNumber", "receiveCrossGate", "receiveAbnormal"] {
                let members = switch endpoint {
                case "receivePlateNumber": VankeTestPush.plate()
                case "receiveCrossGate": VankeTestPush.crossing()
                default: VankeTestPush.abnormal()
                }
                let reply = try await client.push(endpoint, members)
                #expect(reply.respCode == "1" && reply.respDesc == "系统繁忙")
            }
            #expect(simulator.crossings.first?.answeredRespCode == "1")
            // The checks still come first.
            var bad = VankeTestPush.crossing()
            bad["token"] = "0123"
            #expect(try await client.push("receiveCrossGate", bad).respDesc?.contains("token") == true)
            // The fault did not spend the plate's denial.
            simulator.setFault(.none)
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate()).respDesc == "车辆未缴费")
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate()).respCode == "0")
        }
    }

    @Test func hangHoldsRequestsUntilTheFaultChanges() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.setFault(.hang)
            // The client gives up: nothing came back within its time (whole seconds: URLSession on
            // Linux rounds a shorter timeout down to none).
            let start = ContinuousClock.now
            await #expect(throws: (any Error).self) {
                try await client.push("receiveCrossGate", VankeTestPush.crossing(), timeout: 1)
            }
            #expect(ContinuousClock.now - start >= .milliseconds(950))
            #expect(simulator.calls("receiveCrossGate") == 1)

            let held = Task { try await client.push("receiveCrossGate", VankeTestPush.crossing(uuid: "held")) }
            try await vankeEventually("the held request to arrive") { simulator.calls("receiveCrossGate") == 2 }
            simulator.setFault(.none)
            #expect(try await held.value.respCode == "0")
            // (The request the client gave up on may be answered into the void now as well.)
            #expect(simulator.crossings.contains { $0.uuid == "held" })
        }
    }

    @Test func stopReleasesHeldRequestsAndRefusesConnectionsThenARestartKeepsState() async throws {
        let simulator = VankePlatformSimulator(appId: vankeAppId, appSecret: vankeSecret, parkingLotId: vankeLot)
        let port = try await simulator.start()
        #expect(simulator.port == port)
        #expect(try await simulator.start() == port)
        let client = VankeTestClient(port: port)
        #expect(try await client.push("receivePlateNumber", VankeTestPush.plate(uuid: "before")).respCode == "0")

        simulator.setFault(.hang)
        let held = Task { try await client.push("receivePlateNumber", VankeTestPush.plate(uuid: "held")) }
        try await vankeEventually("the held request to arrive") { simulator.calls("receivePlateNumber") == 2 }
        let stopping = ContinuousClock.now
        await simulator.stop()
        #expect(ContinuousClock.now - stopping < .seconds(5))
        #expect(simulator.port == nil)
        // The held request ends without a respCode 0 (dropped or 503), and is not recorded.
        let heldResult = await held.result
        if case .success(let reply) = heldResult { #expect(reply.respCode == nil) }
        await #expect(throws: (any Error).self) {
            try await client.push("receivePlateNumber", VankeTestPush.plate())
        }

        simulator.setFault(.none)
        #expect(try await simulator.start(port: port) == port)
        #expect(try await client.push("receivePlateNumber", VankeTestPush.plate(uuid: "after")).respCode == "0")
        #expect(simulator.plateNumbers.map(\.uuid) == ["before", "after"])
        await simulator.stop()
    }
}
