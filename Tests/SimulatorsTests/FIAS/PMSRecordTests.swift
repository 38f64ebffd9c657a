import Testing
@testable import Simulators

/// Records both ways once the link is alive: matching, code page, malformed output on purpose.
@Suite struct PMSRecordTests {
    @Test func requestWaitsForTheAnswerWithTheSameEncoderAndWorkstation() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            async let answer = simulator.request("KR|WS3|KC1|RN101|KTN|GA250904|GD250905|DT12:00|", timeout: .seconds(5))
            let request = try await client.nextFields()
            #expect(request.text == "KR|WS3|KC1|RN101|KTN|GA250904|GD250905|DT12:00|")
            try client.send("KA|WS3|KC2|ASBY|")
            try client.send("KA|WS4|KC1|ASRY|")
            try client.send("KZ|WS3|KC1|ASOK|")
            try client.send("KA|KC1|ASOK|WS3|$24A55C09C|CTCard issued|")
            let matched = try await answer
            #expect(matched["AS"] == "OK" && matched["$2"] == "4A55C09C" && matched["CT"] == "Card issued")
            #expect(matched["_raw"] == "KA|KC1|ASOK|WS3|$24A55C09C|CTCard issued|")
            // What request passed over is still there for nextRecord, oldest first.
            #expect(try await simulator.nextRecord(ofType: "KA", timeout: .seconds(1))["KC"] == "2")
            #expect(try await simulator.nextRecord(ofType: "KA", timeout: .seconds(1))["WS"] == "4")
            #expect(try await simulator.nextRecord(ofType: "KZ", timeout: .seconds(1))["AS"] == "OK")
        }
    }

    @Test func requestTimesOutWithoutAMatchingAnswer() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            async let answer = simulator.request("KD|WS3|KC1|RN101|", timeout: .milliseconds(300))
            #expect(try await client.nextFields().type == "KD")
            try client.send("KA|WS3|KC9|ASOK|")
            do {
                _ = try await answer
                Issue.record("a KA for another encoder answered the request")
            } catch {
                #expect(error as? PMSSimulatorError == .timeout("KA with KC 1 WS 3"))
            }
        }
    }

    @Test func nextRecordWaitsForOneStillToCome() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            async let record = simulator.nextRecord(ofType: "KZ", timeout: .seconds(5))
            try client.send("KZ|WS1|KC1|ASOK|RN101|")
            #expect((try await record)["RN"] == "101")
        }
    }

    @Test func cyrillicNamesGoOutInCP1251AndComeBackDecoded() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            try await simulator.send("KR|WS3|KC1|RN101|KTN|GNИванов Иван|")
            let frame = try await client.nextFrame()
            #expect(frame == Array("KR|WS3|KC1|RN101|KTN|GN".utf8) + ivanovIvanCP1251 + Array("|".utf8))
            try client.sendRecord(bytes: Array("KZ|WS3|KC1|ASOK|RN101|GN".utf8) + ivanovIvanCP1251 + Array("|".utf8))
            let read = try await simulator.nextRecord(ofType: "KZ", timeout: .seconds(5))
            #expect(read["GN"] == "Иванов Иван")
            #expect(simulator.received().last == "KZ|WS3|KC1|ASOK|RN101|GNИванов Иван|")
        }
    }

    @Test func garbageAndOversizedRecordsGoOutAsAsked() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            try await simulator.sendGarbage([0x41, 0x03, 0xFF, 0x00])
            try await simulator.sendOversizedRecord(length: 3000)
            try await simulator.send("KZ|WS3|KC1|")
            let oversized = try await client.nextFrameAfterNoise()
            #expect(oversized.noise == [0x41, 0x03, 0xFF, 0x00])
            #expect(oversized.frame.count == 3000 && oversized.frame.starts(with: Array("XX|".utf8)))
            #expect(try await client.nextRecord() == "KZ|WS3|KC1|")
        }
    }

    @Test func anOversizedRecordFromTheLockSideIsDropped() async throws {
        try await withPMS { simulator, clients in
            let client = try await clients.linked()
            try client.send("KA|WS3|KC1|CT" + String(repeating: "x", count: 2100) + "|")
            try client.send("KA|WS3|KC1|ASOK|")
            #expect(try await simulator.nextRecord(ofType: "KA", timeout: .seconds(5))["AS"] == "OK")
            #expect(simulator.received().filter { $0.hasPrefix("KA") } == ["KA|WS3|KC1|ASOK|"])
        }
    }
}
