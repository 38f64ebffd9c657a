import Foundation
import Simulators
import Testing

@Suite("Vanke simulator: faults per endpoint and per count, accept-then-drop, strict checks")
struct VankeFaultScopeTests {
    @Test func aFaultOnOneEndpointLeavesTheOthersAlone() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.setFault(.httpStatus(502), on: "receiveAbnormal")
            #expect(try await client.push("receiveAbnormal", VankeTestPush.abnormal()).status == 502)
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate()).respCode == "0")
            #expect(try await client.push("receiveCrossGate", VankeTestPush.crossing()).respCode == "0")
            #expect(simulator.fault == .none)
            // The endpoint's own fault wins over the one for all.
            simulator.setFault(.respCode1("系统繁忙"))
            #expect(try await client.push("receiveAbnormal", VankeTestPush.abnormal()).status == 502)
            #expect(try await client.push("receiveCrossGate", VankeTestPush.crossing()).respDesc == "系统繁忙")
            simulator.setFault(.none)
            #expect(try await client.push("receiveAbnormal", VankeTestPush.abnormal()).respCode == "0")
        }
    }

    @Test func aCountedFaultEndsByItself() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.setFault(.httpStatus(500), on: "receiveCrossGate", count: 2)
            let statuses = try await (0..<3).asyncMap { _ in try await client.push("receiveCrossGate", VankeTestPush.crossing()).status }
            #expect(statuses == [500, 500, 200])
            #expect(simulator.crossings.count == 1)
        }
    }

    @Test func acceptThenDropRecordsThePushAndAnswersNothing() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.setFault(.acceptThenDrop, count: 1)
            await #expect(throws: (any Error).self) {
                try await client.push("receiveCrossGate", VankeTestPush.crossing(uuid: "kept"))
            }
            #expect(simulator.crossings.map(\.uuid) == ["kept"])
            #expect(try await client.push("receiveCrossGate", VankeTestPush.crossing()).respCode == "0")
        }
    }

    @Test func strictImageRefusesAnEmptyImageOrOneThatDoesNotOpen() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            var empty = VankeTestPush.plate()
            empty["image"] = ""
            #expect(try await client.push("receivePlateNumber", empty).respCode == "0", "the spec's letter allows it")
            simulator.setStrictness(VankeStrictness(imageRequired: true, openImages: true))
            #expect(try await client.push("receivePlateNumber", empty).respDesc == "字段 image 不能为空")
            var missing = VankeTestPush.plate()
            missing["image"] = "http://127.0.0.1:\(client.port)/images/none.jpg"
            let reply = try await client.push("receivePlateNumber", missing)
            #expect(reply.respCode == "1")
            #expect(reply.respDesc?.hasPrefix("image 无法打开") == true)
            #expect(simulator.imageFetches.map(\.status) == [404])
            #expect(simulator.plateNumbers.count == 1)
        }
    }

    @Test func aStaleTimeIsRefusedWhenTheWindowIsOn() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            var old = VankeTestPush.crossing()
            old["time"] = vankeTime(Date().addingTimeInterval(-600))
            #expect(try await client.push("receiveCrossGate", old).respCode == "0")
            simulator.setStrictness(VankeStrictness(timeWindow: .seconds(60)))
            #expect(try await client.push("receiveCrossGate", old).respDesc?.hasPrefix("time 超出有效期") == true)
            #expect(try await client.push("receiveCrossGate", VankeTestPush.crossing()).respCode == "0")
        }
    }
}

extension Range where Bound == Int {
    func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for index in self { results.append(try await transform(index)) }
        return results
    }
}
