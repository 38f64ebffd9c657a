import Foundation
import Simulators
import Testing

@Suite struct VankeRejectionTests {
    /// Each push is refused with HTTP 200 respCode "1", a respDesc naming `named`, and recorded as rejected.
    private func expectRefused(_ simulator: VankePlatformSimulator, _ reply: VankeTestReply, naming named: String,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == 200, sourceLocation: sourceLocation)
        #expect(reply.respCode == "1", "\(reply.raw)", sourceLocation: sourceLocation)
        #expect(reply.respDesc?.contains(named) == true, "\(reply.raw) should name \(named)", sourceLocation: sourceLocation)
        #expect(simulator.rejected.last?.respDesc == reply.respDesc, sourceLocation: sourceLocation)
    }

    @Test func credentialsAndIds() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            var members = VankeTestPush.plate()
            members["token"] = vankeToken(vankeTime(), secret: "another secret")
            expectRefused(simulator, try await client.push("receivePlateNumber", members), naming: "token")
            members["token"] = NSNull()
            expectRefused(simulator, try await client.push("receivePlateNumber", members), naming: "token")
            // Upper-case hex is not the spec's token.
            let time = vankeTime()
            members["time"] = time
            members["token"] = vankeToken(time).uppercased()
            expectRefused(simulator, try await client.push("receivePlateNumber", members), naming: "token")

            var lot = VankeTestPush.crossing()
            lot["parkingLotId"] = "PL-0002"
            expectRefused(simulator, try await client.push("receiveCrossGate", lot), naming: "parkingLotId")
            var app = VankeTestPush.abnormal()
            app["appId"] = "11111111"
            app["token"] = vankeToken(vankeTime(), appId: "11111111")
            expectRefused(simulator, try await client.push("receiveAbnormal", app), naming: "appId")
            var version = VankeTestPush.abnormal()
            version["version"] = "2.0"
            expectRefused(simulator, try await client.push("receiveAbnormal", version), naming: "version")

            #expect(simulator.rejected.count == 6)
            #expect(simulator.plateNumbers.isEmpty && simulator.crossings.isEmpty && simulator.abnormals.isEmpty)
            #expect(simulator.rejected.first?.endpoint == "receivePlateNumber")
            #expect(simulator.rejected.first?.body.contains("CAM-01") == true)
            #expect(simulator.calls("receivePlateNumber") == 3)
        }
    }

    @Test func malformedTimes() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            for bad in ["2017-08-18 17:14:15", "20170818171415", "20170230 10:00:00", "20170818 24:00:00", "20170818 7:14:15"] {
                var members = VankeTestPush.crossing()
                members["time"] = bad
                members["token"] = vankeToken(bad)
                expectRefused(simulator, try await client.push("receiveCrossGate", members), naming: "time")
            }
            var recognition = VankeTestPush.plate()
            recognition["recognitionTime"] = "2017-08-18T17:14:15"
            expectRefused(simulator, try await client.push("receivePlateNumber", recognition), naming: "recognitionTime")
            var crossing = VankeTestPush.crossing()
            crossing["crossTime"] = ""
            expectRefused(simulator, try await client.push("receiveCrossGate", crossing), naming: "crossTime")
            #expect(simulator.crossings.isEmpty && simulator.rejected.count == 7)
        }
    }

    @Test func missingAndMistypedMembers() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            for name in ["deviceNo", "uuid", "recognitionTime", "image", "plateNumber", "color"] {
                var members = VankeTestPush.plate()
                members[name] = nil
                expectRefused(simulator, try await client.push("receivePlateNumber", members), naming: name)
            }
            for name in ["deviceNo", "uuid", "plateNumber", "color", "crossTime"] {
                var members = VankeTestPush.crossing()
                members[name] = nil
                expectRefused(simulator, try await client.push("receiveCrossGate", members), naming: name)
            }
            for name in ["abnormalCode", "msg"] {
                var members = VankeTestPush.abnormal()
                members[name] = nil
                expectRefused(simulator, try await client.push("receiveAbnormal", members), naming: name)
            }
            let mistyped: [(String, Any)] = [("deviceNo", 1), ("uuid", ""), ("reliability", "80"), ("reliability", 101),
                                             ("reliability", 80.5), ("color", "red"), ("plateNumber", NSNull())]
            for (name, value) in mistyped {
                var members = VankeTestPush.plate()
                members[name] = value
                expectRefused(simulator, try await client.push("receivePlateNumber", members), naming: name)
            }
            var abnormal = VankeTestPush.abnormal()
            abnormal["abnormalCode"] = 1201
            expectRefused(simulator, try await client.push("receiveAbnormal", abnormal), naming: "abnormalCode")
            #expect(simulator.rejected.count == 21)
            #expect(simulator.plateNumbers.isEmpty && simulator.crossings.isEmpty && simulator.abnormals.isEmpty)
        }
    }

    @Test func bodiesThatAreNotAJSONObjectOrNotDeclaredJSON() async throws {
        try await withVankeSimulator { (simulator, client) async throws in
            expectRefused(simulator, try await client.post("/receivePlateNumber", Data("plateNumber=粤B12345".utf8)), naming: "JSON")
            expectRefused(simulator, try await client.post("/receiveCrossGate", Data(#"[{"uuid":"1"}]"#.utf8)), naming: "JSON")
            expectRefused(simulator, try await client.post("/receiveAbnormal", Data()), naming: "JSON")
            let good = VankeTestClient.signed(VankeTestPush.abnormal())
            expectRefused(simulator, try await client.post("/receiveAbnormal", good, contentType: "text/plain"), naming: "Content-Type")
            #expect(simulator.rejected.map(\.endpoint) == ["receivePlateNumber", "receiveCrossGate", "receiveAbnormal", "receiveAbnormal"])
            #expect(simulator.rejected[0].body == "plateNumber=粤B12345")
            #expect(simulator.abnormals.isEmpty)
            #expect(try await client.post("/receiveAbnormal", good, contentType: "application/json").respCode == "0")
        }
    }
}
