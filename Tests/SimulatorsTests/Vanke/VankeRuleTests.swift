import Foundation
import Simulators
import Testing

@Suite struct VankeRuleTests {
    @Test func aDeniedPlateIsAlwaysRefusedOthersAreAllowed() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.deny(plate: "粤B12345")
            simulator.deny(plate: "京A00001", reason: "黑名单车辆")
            for _ in 0..<3 {
                let refused = try await client.push("receivePlateNumber", VankeTestPush.plate("粤B12345"))
                #expect(refused.respCode == "1" && refused.respDesc == "车辆未缴费")
            }
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate("京A00001")).respDesc == "黑名单车辆")
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate("沪C99999")).raw == #"{"respCode":"0"}"#)
            // Refused pushes are still good pushes: recorded, with what was answered.
            #expect(simulator.plateNumbers.map(\.answeredRespCode) == ["1", "1", "1", "1", "0"])
            #expect(simulator.plateNumbers.first?.answeredRespDesc == "车辆未缴费")
            #expect(simulator.rejected.isEmpty)
            // Only receivePlateNumber is decided.
            #expect(try await client.push("receiveCrossGate", VankeTestPush.crossing("粤B12345")).respCode == "0")
            simulator.clearRules()
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate("粤B12345")).respCode == "0")
        }
    }

    @Test func allowAfterDenialsCountsThatPlatesPushes() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            simulator.allow(plate: "粤B12345", afterDenials: 2)
            var answers: [String?] = []
            for _ in 0..<4 {
                answers.append(try await client.push("receivePlateNumber", VankeTestPush.plate("粤B12345", uuid: "same")).respCode)
                // Another plate in between neither counts nor is refused.
                #expect(try await client.push("receivePlateNumber", VankeTestPush.plate("沪C99999")).respCode == "0")
            }
            #expect(answers == ["1", "1", "0", "0"])
            // A rejected push does not spend a denial.
            simulator.allow(plate: "京A00001", afterDenials: 1)
            var bad = VankeTestPush.plate("京A00001")
            bad["color"] = "pink"
            #expect(try await client.push("receivePlateNumber", bad).respDesc?.contains("color") == true)
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate("京A00001")).respCode == "1")
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate("京A00001")).respCode == "0")
            simulator.allow(plate: "粤B12345", afterDenials: 0)
            #expect(try await client.push("receivePlateNumber", VankeTestPush.plate("粤B12345")).respCode == "0")
        }
    }
}
