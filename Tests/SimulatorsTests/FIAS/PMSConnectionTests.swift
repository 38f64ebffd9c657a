import Testing
@testable import Simulators

/// One client per port, dropped connections, stopping and starting again.
@Suite struct PMSConnectionTests {
    @Test func aSecondClientDropsTheFirst() async throws {
        try await withPMS { simulator, clients in
            let first = try await clients.linked()
            let second = try clients.connect()
            #expect(try await second.nextFields().type == "LS")
            #expect(try await first.recordsUntilClosed() == [])
            #expect(simulator.connections == 2 && !simulator.isAlive)
            try second.sendLinkStart()
            #expect(try await second.nextFields().type == "LA")
            #expect(simulator.isAlive && simulator.linkStarts == 2)
        }
    }

    @Test func dropConnectionClosesAbruptlyAndTheClientMayComeBack() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            await simulator.dropConnection()
            #expect(!simulator.isAlive)
            #expect(try await client.recordsUntilClosed() == [])
            await #expect(throws: PMSSimulatorError.notConnected) { try await simulator.send("KZ|WS3|KC1|") }
            _ = try await clients.linked()
            #expect(simulator.isAlive && simulator.connections == 2)
        }
    }

    @Test func stopClosesTheClientAndStartListensAgain() async throws {
        let simulator = PMSSimulator()
        let port = try await simulator.start()
        let clients = FIASClients(port: port)
        defer { clients.closeAll() }
        #expect(try await simulator.start() == port)
        let client = try await clients.linked()
        await simulator.stop()
        #expect(!simulator.isAlive)
        #expect(try await client.recordsUntilClosed() == [])
        // Not re-bound to the same port: in a parallel test run another server (a broker picked
        // by broker.sh) may take the freed port at once, and the test would measure that race.
        let again = try await simulator.start()
        let others = FIASClients(port: again)
        defer { others.closeAll() }
        _ = try await others.linked()
        #expect(simulator.isAlive && simulator.linkStarts == 2)
        await simulator.stop()
    }

    @Test func anUnknownCodePageIsRefusedAtStart() async throws {
        var options = PMSSimulator.Options()
        options.codePage = "koi8-r"
        await #expect(throws: PMSSimulatorError.unknownCodePage("koi8-r")) { try await PMSSimulator(options: options).start() }
    }

    @Test func eventsTellWhatHappens() async throws {
        try await withPMS(silentPMS()) { simulator, clients in
            let events = simulator.events()
            let client = try clients.connect()
            try client.sendLinkStart(types: ["KR"])
            #expect(try await client.nextFields().type == "LA")
            var seen = [PMSSimulator.Event]()
            for await event in events {
                seen.append(event)
                if case .sent = event { break }
            }
            #expect(seen.count == 6)
            #expect(seen.prefix(4) == [.accepted(connection: 1), .received("LD|DA250904|TI120000|V#1.0|IFDL|", ignored: false),
                                       .received("LR|RIKR|FLKCWSDATI|", ignored: false), .received("LA|DA250904|TI120000|", ignored: false)])
            #expect(seen[4] == .alive(announced: ["KR"]))
        }
    }
}
