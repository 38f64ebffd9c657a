import Testing
@testable import Simulators

/// Link control over real TCP on loopback.
@Suite struct PMSLinkControlTests {
    @Test func thePMSSaysLSAsSoonAsItAccepts() async throws {
        try await withPMS { simulator, clients in
            let client = try clients.connect()
            let first = try await client.nextFields()
            #expect(first.type == "LS")
            #expect(first.fields["DA"]?.count == 6 && first.fields["TI"]?.count == 6)
            #expect(first.fields["DA"]?.allSatisfy(\.isNumber) == true)
            #expect(simulator.connections == 1 && !simulator.isAlive)
        }
    }

    @Test func ldLrLaMakeTheLinkAliveAndAreAnsweredWithLA() async throws {
        try await withPMS { simulator, clients in
            let client = try clients.connect()
            _ = try await client.nextFields()
            #expect(!simulator.isAlive)
            try client.sendLinkStart(types: ["KR", "KD", "KA", "KZ"])
            let answer = try await client.nextFields()
            #expect(answer.type == "LA" && answer.fields["DA"]?.count == 6 && answer.fields["TI"]?.count == 6)
            try await simulator.waitUntilAlive(timeout: .seconds(5))
            #expect(simulator.isAlive && simulator.linkStarts == 1)
            #expect(simulator.receivedLR == ["KR", "KD", "KA", "KZ"])
            #expect(simulator.received().map { String($0.prefix(2)) } == ["LD", "LR", "LR", "LR", "LR", "LA"])
        }
    }

    @Test func waitingForTheLinkTimesOutWithoutALinkStart() async throws {
        try await withPMS { simulator, clients in
            let client = try clients.connect()
            _ = try await client.nextFields()
            await #expect(throws: PMSSimulatorError.timeout("the link to come alive")) {
                try await simulator.waitUntilAlive(timeout: .milliseconds(200))
            }
        }
    }

    @Test func dataBeforeTheLinkIsAliveIsLoggedButIgnored() async throws {
        try await withPMS { simulator, clients in
            let client = try clients.connect()
            _ = try await client.nextFields()
            try client.send("KA|WS3|KC1|ASOK|$2EARLY|")
            try client.sendLinkStart()
            #expect(try await client.nextFields().type == "LA")
            #expect(simulator.ignored() == ["KA|WS3|KC1|ASOK|$2EARLY|"])
            #expect(simulator.received().first == "KA|WS3|KC1|ASOK|$2EARLY|")

            async let answer = simulator.request("KR|WS3|KC1|RN101|KTN|", timeout: .seconds(5))
            #expect(try await client.nextFields().type == "KR")
            try client.send("KA|WS3|KC1|ASOK|$2LATE|")
            #expect((try await answer)["$2"] == "LATE")
            await #expect(throws: PMSSimulatorError.self) {
                try await simulator.nextRecord(ofType: "KA", timeout: .milliseconds(100))
            }
        }
    }

    @Test func lsWhileAliveIsAnsweredWithLA() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            try client.send("LS|DA250904|TI120500|")
            #expect(try await client.nextFields().type == "LA")
            #expect(simulator.isAlive && simulator.linkStarts == 1)
        }
    }

    @Test func afterARestartLSIsAnsweredWithLSUntilTheLinkIsStartedAgain() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            simulator.restart()
            #expect(!simulator.isAlive)
            try client.send("LS|DA250904|TI120500|")
            #expect(try await client.nextFields().type == "LS")
            try client.sendLinkStart(types: ["KR"])
            #expect(try await client.nextFields().type == "LA")
            #expect(simulator.isAlive && simulator.linkStarts == 2 && simulator.receivedLR == ["KR"])
            try client.send("LS|DA250904|TI121000|")
            #expect(try await client.nextFields().type == "LA")
        }
    }

    @Test func theRestartedOptionAnswersTheFirstKeepAliveWithLS() async throws {
        var options = PMSSimulator.Options()
        options.answersLSWithLS = true
        try await withPMS(options) { simulator, clients in
            let client = try await clients.linked()
            try client.send("LS|DA250904|TI120500|")
            #expect(try await client.nextFields().type == "LS")
            #expect(!simulator.isAlive)
            try client.sendLinkStart()
            #expect(try await client.nextFields().type == "LA")
            try client.send("LS|DA250904|TI121000|")
            #expect(try await client.nextFields().type == "LA")
            #expect(simulator.linkStarts == 2)
        }
    }

    @Test func aPMSThatWaitsLetsTheLockSideStart() async throws {
        try await withPMS(silentPMS()) { simulator, clients in
            let client = try clients.connect()
            // Had the PMS spoken first, its LS would be read here before the answer to ours.
            try client.send("LS|DA250904|TI120000|")
            #expect(try await client.nextFields().type == "LS")
            try client.sendLinkStart()
            #expect(try await client.nextFields().type == "LA")
            #expect(simulator.isAlive)
            #expect(simulator.received().first == "LS|DA250904|TI120000|")
        }
    }

    @Test func lsIsRepeatedWhileTheLockSideStaysSilent() async throws {
        var options = PMSSimulator.Options()
        options.linkStartRepeatInterval = .milliseconds(50)
        options.linkStartRepeats = 2
        try await withPMS(options) { simulator, clients in
            let client = try clients.connect()
            for _ in 0..<3 { #expect(try await client.nextFields().type == "LS") }
            try client.sendLinkStart()
            #expect(try await client.nextFields().type == "LA")
            #expect(simulator.isAlive)
        }
    }

    @Test func leFromTheLockSideIsAnsweredAndTheConnectionClosed() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            try client.send("LE|DA250904|TI120500|")
            #expect(try await client.recordsUntilClosed().map { String($0.prefix(3)) } == ["LE|"])
            #expect(!simulator.isAlive)
        }
    }

    @Test func lePMSSideEndsTheLinkAndTheLockSidesLEClosesIt() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            try await simulator.sendLE()
            #expect(!simulator.isAlive)
            #expect(try await client.nextFields().type == "LE")
            try client.send("LE|DA250904|TI120500|")
            #expect(try await client.recordsUntilClosed() == [])
            #expect(simulator.received().last == "LE|DA250904|TI120500|")
        }
    }
}
