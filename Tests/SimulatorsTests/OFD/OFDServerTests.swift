import Foundation
import Simulators
import Testing

@Suite struct OFDServerTests {
    @Test func unknownPathsAndWrongMethodsAreNotCalls() async throws {
        try await withOFDSimulator { (simulator, client) async throws in
            #expect(try await client.get("/api/Authorization/CreateAuthToken").status == 405)
            #expect(try await client.post("/api/integration/partner/v1/kkt/paystatus", "{}").status == 405)
            #expect(try await client.get("/api/integration/partner/v2/inn/1/kkts").status == 404)
            #expect(try await client.get("/api/integration/partner/v1/inn//kkts").status == 404)
            #expect(OFDSimulator.Endpoint.allCases.allSatisfy { simulator.calls($0) == 0 })
            // Paths compare in any case, as the spec spells them both ways.
            #expect(try await client.post("/api/authorization/createauthtoken", #"{"Login":"partner","Password":"s3cret"}"#).status == 200)
        }
    }

    @Test func stopRefusesConnectionsAndARestartKeepsTheState() async throws {
        let simulator = OFDSimulator(login: "partner", password: "s3cret")
        simulator.addRegister(inn: ofdTestINN, .init(rnm: ofdTestRNM))
        let port = try await simulator.start()
        #expect(simulator.port == port)
        #expect(try await simulator.start() == port)
        let client = OFDTestClient(port: port)
        let token = try await client.token()
        await simulator.stop()
        #expect(simulator.port == nil)
        await #expect(throws: (any Error).self) { try await client.createToken() }
        #expect(try await simulator.start(port: port) == port)
        #expect(try await client.kkts(token: token).data.count == 1)
        await simulator.stop()
    }

    @Test func theDemoSeedHasOneFiscalDriveEndingSoon() async throws {
        let simulator = OFDSimulator(login: "partner", password: "s3cret")
        let now = Date()
        let seed = simulator.seedDemo(now: now)
        #expect(seed.inn == "0182021620" && seed.rnms.count == 3 && seed.activationCodes.count == 2)
        let port = try await simulator.start()
        let client = OFDTestClient(port: port)
        let token = try await client.token()
        let data = try await client.kkts(token: token).data
        #expect(data.compactMap { $0["KktRegId"]?.text } == seed.rnms)
        let soon = ofdText(now.addingTimeInterval(30 * 86_400), moscow: true)
        let ending = data.filter { ($0["FnEndDate"]?.text ?? "9999") < soon }
        #expect(ending.map { $0["KktRegId"] } == [.string(seed.rnms[0])])
        #expect(ending.first?["FnEndDate"] == .string(ofdText(now.addingTimeInterval(10 * 86_400), moscow: true)))
        for (code, rnm) in zip(seed.activationCodes, seed.rnms) {
            #expect(try await client.pay(token: token, rnm: rnm, code: code)["IsCompleted"] == true)
        }
        await simulator.stop()
    }
}
