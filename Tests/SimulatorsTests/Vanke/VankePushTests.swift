import Foundation
import Simulators
import Testing

@Suite struct VankePushTests {
    @Test func theSpecsTokenExample() {
        #expect(VankePlatformSimulator.token(time: "20170818 17:14:15", appId: "99848791",
                                             appSecret: "eV7spoA0rr7EyjGuJxQFOa3Vs5wvcRUo")
                == "2e6eef5a0bba5a666004298e76b2f1cf")
        // The tests' own signer agrees with the spec too.
        #expect(vankeToken("20170818 17:14:15") == "2e6eef5a0bba5a666004298e76b2f1cf")
    }

    @Test func aSignedPlatePushIsAllowedAndRecordedWithItsFields() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            let reply = try await client.push("receivePlateNumber", VankeTestPush.plate(uuid: "u-1"))
            #expect(reply.status == 200)
            #expect(reply.raw == #"{"respCode":"0"}"#)
            #expect(reply.contentType?.hasPrefix("application/json") == true)
            let push = try #require(simulator.plateNumbers.first)
            #expect(simulator.plateNumbers.count == 1)
            #expect(push.endpoint == "receivePlateNumber" && push.uuid == "u-1" && push.answeredRespCode == "0")
            #expect(push.fields["plateNumber"] == "粤B12345" && push.fields["deviceNo"] == "CAM-01")
            #expect(push.fields["color"] == "blue" && push.fields["image"] == "http://cam/1.jpg")
            // A number is recorded as its decimal text.
            #expect(push.fields["reliability"] == "80")
            #expect(push.fields["appId"] == vankeAppId && push.fields["version"] == "1.0" && push.fields["token"]?.count == 32)
            #expect(abs(push.receivedAt.timeIntervalSinceNow) < 10)
            #expect(simulator.rejected.isEmpty && simulator.crossings.isEmpty && simulator.calls("receivePlateNumber") == 1)
        }
    }

    @Test func anUnrecognisedPlateWithoutPictureOrReliabilityIsAccepted() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            var members = VankeTestPush.plate("")
            members["image"] = ""
            members["reliability"] = nil
            members["color"] = "other"
            #expect(try await client.push("receivePlateNumber", members).respCode == "0")
            let push = try #require(simulator.plateNumbers.first)
            #expect(push.fields["plateNumber"] == "" && push.fields["reliability"] == nil)
        }
    }

    @Test func crossingsAcceptAppIdOrTheSpecsAppldSpelling() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            #expect(try await client.push("receiveCrossGate", VankeTestPush.crossing(uuid: "c-1")).respCode == "0")
            var spelled = VankeTestPush.crossing(uuid: "c-2")
            spelled["appId"] = NSNull()
            spelled["appld"] = vankeAppId
            #expect(try await client.push("receiveCrossGate", spelled).respCode == "0")
            var wrong = VankeTestPush.crossing(uuid: "c-3")
            wrong["appId"] = NSNull()
            wrong["appld"] = "12345678"
            let refused = try await client.push("receiveCrossGate", wrong)
            #expect(refused.respCode == "1" && refused.respDesc?.contains("appld") == true)
            // Only on receiveCrossGate: the other tables spell appId.
            var plate = VankeTestPush.plate()
            plate["appId"] = NSNull()
            plate["appld"] = vankeAppId
            #expect(try await client.push("receivePlateNumber", plate).respDesc?.contains("appId") == true)
            #expect(simulator.crossings.map(\.uuid) == ["c-1", "c-2"])
            #expect(simulator.crossings[1].fields["crossTime"]?.count == 17)
            #expect(simulator.rejected.count == 2)
        }
    }

    @Test func abnormalsWithAndWithoutDevice() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            #expect(try await client.push("receiveAbnormal", VankeTestPush.abnormal()).raw == #"{"respCode":"0"}"#)
            #expect(try await client.push("receiveAbnormal", ["abnormalCode": "1401", "msg": "东二门01道车辆压线圈过长！"]).respCode == "0")
            let pushes = try await simulator.waitForPushes("receiveAbnormal", count: 2, timeout: .seconds(1))
            #expect(pushes.map { $0.fields["abnormalCode"] } == ["1201", "1401"])
            #expect(pushes[0].fields["deviceNo"] == "CAM-02" && pushes[1].fields["deviceNo"] == nil)
            #expect(pushes[0].fields["msg"] == "东二门01道的车牌识别器【CAM-02】连接异常！")
        }
    }

    @Test func duplicatesAreKeptInArrivalOrder() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            for uuid in ["a", "b", "a"] {
                _ = try await client.push("receivePlateNumber", VankeTestPush.plate(uuid: uuid))
            }
            #expect(simulator.plateNumbers.map(\.uuid) == ["a", "b", "a"])
            let first = try await simulator.waitForPushes("receivePlateNumber", count: 2)
            #expect(first.map(\.uuid) == ["a", "b"])
        }
    }

    @Test func waitingTimesOutNamingTheEndpoint() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            _ = try await client.push("receiveCrossGate", VankeTestPush.crossing())
            let start = ContinuousClock.now
            do {
                _ = try await simulator.waitForPushes("receiveCrossGate", count: 2, timeout: .milliseconds(200))
                Issue.record("no timeout")
            } catch {
                #expect("\(error)".contains("receiveCrossGate") && "\(error)".contains("1 arrived"))
            }
            #expect(ContinuousClock.now - start >= .milliseconds(200))
        }
    }

    @Test func eventsTellEveryAnsweredPush() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            let events = simulator.events()
            _ = try await client.push("receiveAbnormal", VankeTestPush.abnormal())
            _ = try await client.push("receiveAbnormal", ["msg": "x"])
            var iterator = events.makeAsyncIterator()
            guard case .accepted(let push)? = await iterator.next() else { Issue.record("no accepted event"); return }
            #expect(push.fields["abnormalCode"] == "1201")
            guard case .rejected(let refused)? = await iterator.next() else { Issue.record("no rejected event"); return }
            #expect(refused.respDesc.contains("abnormalCode"))
        }
    }

    @Test func unknownPathsAndOtherMethodsAreNotCalls() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            #expect(try await client.post("/receiveSomething", Data("{}".utf8)).status == 404)
            #expect(try await client.post("/receivePlateNumber", Data(), method: "GET").status == 405)
            #expect(simulator.calls("receivePlateNumber") == 0)
            // The platform's base URL may carry a prefix.
            let prefixed = try await client.post("/api/v1/receiveCrossGate", VankeTestClient.signed(VankeTestPush.crossing()))
            #expect(prefixed.respCode == "0" && simulator.calls("receiveCrossGate") == 1)
        }
    }
}
