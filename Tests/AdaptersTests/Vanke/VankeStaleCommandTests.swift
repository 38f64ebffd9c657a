import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// A barrier never opens late: gate commands and decisions expire, and none is queued while the
/// bridge cannot reach the broker (DESIGN §2, "Delivery").
@Suite("Vanke: no stale gate command")
struct VankeStaleCommandTests {
    @Test("commands and decisions carry the commands' Message Expiry (10 s by default)")
    func commandsExpire() async throws {
        let h = try await VankeHarness.start()
        let gate = h.parking.gate("CAM-01")
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "3"])["respCode"] == "0")
        let command = try await h.client.next(on: gate.command)
        let expiry = try #require(command.properties.messageExpiry, "a gate command without Message Expiry")
        #expect((9...10).contains(expiry))
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "stale-1", plate: "粤B10001")
        let decision = try await h.client.next(on: gate.decision, after: mark)
        #expect((9...10).contains(try #require(decision.properties.messageExpiry)))
        await h.stop()
    }

    @Test("receiveOpenGate while the broker is down: respCode 1 'broker unavailable', and the barrier never gets it later")
    func openWhileBrokerDown() async throws {
        let broker = try TestBroker.start()
        defer { broker.stop() }
        let h = try await VankeHarness.start(broker: broker)
        let gate = h.parking.gate("CAM-01")
        // The barrier keeps its session: a command the bridge sent late would reach it after the restart.
        let barrier = try await MessageCollector(port: broker.port, filters: [gate.command], persistent: true)
        broker.stop()
        let mqtt = h.running.bridge.context.mqtt
        let deadline = ContinuousClock.now + .seconds(10)
        while mqtt.isConnected && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!mqtt.isConnected)

        let answer = try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "3"])
        #expect(answer["respCode"] == "1")
        #expect(answer["respDesc"]?.stringValue?.hasPrefix("broker unavailable") == true, "\(answer)")

        try broker.restart()
        try await mqtt.waitUntilConnected(timeout: .seconds(15))
        try await barrier.client.waitUntilConnected(timeout: .seconds(15))
        // A command sent now is the first the barrier sees: the refused one was never queued.
        #expect(try await h.call("receiveOpenGate", ["deviceNo": "CAM-01", "openMode": "3", "plateNumber": "粤B77777"])["respCode"] == "0")
        let first = try JSONValue.parse(try await barrier.next(on: gate.command).payload)
        #expect(first["plate"] == "粤B77777", "a command refused while disconnected reached the barrier: \(first)")
        ChaosFigures.record([
            "fault": "broker-down-during-receiveOpenGate", "refused": answer["respCode"] == "1" ? 1 : 0,
            "staleCommandsDelivered": first["plate"] == "粤B77777" ? 0 : 1,
        ])
        await barrier.stop()
        await h.stop()
    }
}
