import FIAS
import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("FIAS link with a simulated PMS over real TCP")
struct FIASLinkTests {
    @Test("the PMS speaks first (LS): link start LD, LR for KR/KD/KA/KZ, LA; the adapter reports connected")
    func pmsSpeaksFirst() async throws {
        let h = try await FIASHarness.start()
        #expect(h.pms.isAlive)
        #expect(Set(h.pms.receivedLR) == ["KR", "KD", "KA", "KZ"])
        let ld = try #require(h.pms.received().first { $0.hasPrefix("LD|") })
        #expect(ld.contains("V#1.0|") && ld.contains("IFDL|"))
        try await h.waitForLinkState("connected")
        await h.stop()
    }

    @Test("a PMS that waits for us: we start the link ourselves")
    func pmsWaits() async throws {
        var options = PMSSimulator.Options()
        options.speaksFirst = false
        let h = try await FIASHarness.start(pms: options)
        #expect(h.pms.isAlive)
        #expect(h.pms.linkStarts == 1)
        await h.stop()
    }

    @Test("keep-alive LS is answered; a PMS that answers LS with LS restarted: the link start is redone")
    func keepAliveAndRestart() async throws {
        let h = try await FIASHarness.start(keepAlive: .seconds(1))
        _ = try await h.pms.nextRecord(ofType: "LS", timeout: .seconds(5))
        #expect(h.pms.linkStarts == 1)
        h.pms.restart()
        let deadline = ContinuousClock.now + .seconds(10)
        while h.pms.linkStarts < 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(h.pms.linkStarts == 2)
        try await h.pms.waitUntilAlive(timeout: .seconds(5))
        await h.stop()
    }

    @Test("an LS from the PMS while the link is alive (it restarted): LD, LR…, LA again, not a bare LA")
    func lsWhileAlive() async throws {
        let h = try await FIASHarness.start()
        #expect(h.pms.linkStarts == 1)
        h.pms.restart()
        try await h.pms.send("LS|DA251203|TI120000|")
        try await h.pms.waitUntilAlive(timeout: .seconds(5))
        #expect(h.pms.linkStarts == 2)
        await h.stop()
    }

    @Test("a PMS that never answers LA: the link is given up after linkTimeout, reported with the reason, and started again")
    func pmsNeverAnswersLA() async throws {
        var options = PMSSimulator.Options()
        options.answersLA = false
        let pms = PMSSimulator(options: options)
        let port = try await pms.start()
        var settings = FIASSettings()
        settings.port = port
        settings.linkTimeout = .seconds(1)
        settings.reconnectMinDelay = .milliseconds(100)
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let watcher = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(config.mqtt.baseTopic)/bridge/adapters/fias"])
        let running = try await RunningBridge(config: config, adapters: [FIASAdapter(settings: settings)])
        try await until("the link given up for want of an LA") {
            watcher.received(on: "\(config.mqtt.baseTopic)/bridge/adapters/fias").contains {
                (try? JSONValue.parse($0.payload))?["detail"]?.stringValue?.contains("no LA from the PMS") == true
            }
        }
        try await until("a second connection") { pms.connections >= 2 }
        #expect(!pms.isAlive)
        await watcher.stop()
        await running.stop()
        await pms.stop()
    }

    @Test("a PMS writing cp866: names arrive intact at the lock system with codePage cp866")
    func cp866() async throws {
        var options = PMSSimulator.Options()
        options.codePage = "cp866"
        let h = try await FIASHarness.start(pms: options, settings: { $0.codePage = FIASCodePage.named("cp866") ?? $0.codePage })
        let answer = try await h.pms.request(
            "KR|WS3|KC1|RN101|KTN|DT12:00|GA250904|GD250920|GNЁлкина Ольга|DA250904|TI210000|", timeout: .seconds(10))
        #expect(answer["AS"] == "OK", "\(answer)")
        #expect(h.locks.issuedCards.first?.guestName == "Ёлкина Ольга")
        await h.stop()
    }

    @Test("a dropped connection is re-established and the link started again")
    func reconnects() async throws {
        let h = try await FIASHarness.start()
        await h.pms.dropConnection()
        try await h.waitForLinkState("disconnected")
        let deadline = ContinuousClock.now + .seconds(10)
        while h.pms.linkStarts < 2 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        try await h.pms.waitUntilAlive(timeout: .seconds(5))
        #expect(h.pms.connections >= 2)
        try await h.waitForLinkState("connected")
        await h.stop()
    }

    @Test("LE from the PMS is answered with LE; Gatehouse sends LE when it stops")
    func linkEnd() async throws {
        let h = try await FIASHarness.start()
        try await h.pms.sendLE()
        _ = try await h.pms.nextRecord(ofType: "LE", timeout: .seconds(5))
        try await h.pms.waitUntilAlive(timeout: .seconds(10))  // reconnected and restarted
        let before = h.pms.received().filter { $0.hasPrefix("LE|") }.count
        await h.running.stop()
        #expect(h.pms.received().filter { $0.hasPrefix("LE|") }.count == before + 1)
        await h.client.stop()
        await h.pms.stop()
        await h.locks.stop()
    }

    @Test("garbage and a 3000-byte record from the PMS do not kill the link")
    func garbageAndOversize() async throws {
        let h = try await FIASHarness.start()
        try await h.pms.sendGarbage(Array("noise\r\n".utf8))
        try await h.pms.sendOversizedRecord(length: 3000)
        let answer = try await h.pms.request("KZ|WS3|KC1|", answerType: "KZ", timeout: .seconds(10))
        #expect(answer["AS"] != nil)
        #expect(h.pms.connections == 1)
        await h.stop()
    }
}
