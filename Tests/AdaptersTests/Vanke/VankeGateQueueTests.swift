import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

@Suite("Vanke: what holds a gate's queue, and how long a refused car is asked for")
struct VankeGateQueueTests {
    @Test("a recognition superseded while it waits for a retry is a failed record at once: the next car does not wait behind it")
    func supersededDoesNotHoldTheGate() async throws {
        // Retries 3 s apart: car B would wait for car A's retries (65 s against a blackholing platform).
        let h = try await VankeHarness.start(
            platform: { $0.setFault(.httpStatus(502), on: "receivePlateNumber", count: 1) },
            settings: { $0.retryDelay = .seconds(3); $0.retryDelayMax = .seconds(3) })
        let before = VankeTestTime.format(Date().addingTimeInterval(-60))
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "car-a", plate: "粤B30001")
        try await eventually { h.platform.calls("receivePlateNumber") == 1 }
        try h.recognize("CAM-01", uuid: "car-b", plate: "粤B30002")
        let decision = try await h.decision("CAM-01", after: mark)
        #expect(decision == ["uuid": "car-b", "open": true, "by": "platform"], "\(decision)")
        // A was never sent again, never released, and is offered as unpushed.
        #expect(h.platform.plateNumbers.map(\.uuid) == ["car-b"])
        #expect(h.platform.calls("receivePlateNumber") == 2)
        #expect(!h.client.received(on: h.parking.gate("CAM-01").decision).contains { $0.payload.contains("car-a".utf8) })
        let unpushed = try await h.call("queryUnPushRecognitionInfo", ["beginTime": .string(before)]) { $0["total"] == 1 }
        #expect(unpushed["data"]?[0]?["uuid"] == "car-a")
        await h.stop()
    }

    @Test("an attempt in flight when the next car comes: it fails, and is filed instead of retried")
    func supersededInFlight() async throws {
        let h = try await VankeHarness.start(
            platform: { $0.setFault(.hang, on: "receivePlateNumber", count: 1) },
            settings: { $0.retryDelay = .seconds(3); $0.retryDelayMax = .seconds(3); $0.timeout = .seconds(3) })
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "car-a", plate: "粤B30003")
        try await eventually { h.platform.calls("receivePlateNumber") == 1 }
        try h.recognize("CAM-01", uuid: "car-b", plate: "粤B30004")
        // B is stored behind A, which is still in flight.
        let outbox = h.running.bridge.context.store.outbox
        try await eventually { try await outbox.depth(stream: "vanke.gate").pending == 2 }
        // A's attempt ends (answered 502 as the hang is released), B goes next, A is not retried.
        h.platform.setFault(.httpStatus(502), on: "receivePlateNumber", count: 1)
        let decision = try await h.decision("CAM-01", after: mark)
        #expect(decision == ["uuid": "car-b", "open": true, "by": "platform"], "\(decision)")
        #expect(h.platform.plateNumbers.map(\.uuid) == ["car-b"])
        #expect(h.log.text.contains("a newer one came for its gate"))
        await h.stop()
    }

    @Test("with a loop, a refused car is asked for until allowed, past repollFor")
    func repollWhileTheLoopIsOccupied() async throws {
        let h = try await VankeHarness.start(
            platform: { $0.deny(plate: "粤B30005") }, settings: { $0.repollFor = .milliseconds(500) })
        let loop = h.parking.gate("CAM-01").loop
        try h.client.publish(loop, #"{"occupied":true}"#, retain: true)
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "car-c", plate: "粤B30005")
        #expect(try await h.decision("CAM-01", after: mark)["open"] == false)
        // 300 ms apart: the sixth push is well past the 500 ms cap.
        _ = try await h.platform.waitForPushes("receivePlateNumber", count: 6)
        h.platform.clearRules()
        let allowed = try await h.decision("CAM-01", after: h.client.mark())
        #expect(allowed == ["uuid": "car-c", "open": true, "by": "platform"])
        try h.client.publish(loop, "", retain: true)
        await h.stop()
    }

    @Test("without a loop, repollFor ends the asking with a decision that says why")
    func repollCapWithoutLoop() async throws {
        let h = try await VankeHarness.start(
            platform: { $0.deny(plate: "粤B30006") }, settings: { $0.repollFor = .milliseconds(800) })
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "car-d", plate: "粤B30006")
        #expect(try await h.decision("CAM-01", after: mark)["open"] == false)
        let decisions = try await h.client.messages(on: h.parking.gate("CAM-01").decision, count: 2, timeout: .seconds(10))
        let decision = try JSONValue.parse(decisions[1].payload)
        #expect(decision["open"] == false)
        #expect(decision["by"] == "platform")
        #expect(decision["reason"]?.stringValue?.contains("re-sending stopped") == true, "\(decision)")
        #expect(h.log.text.contains("re-sending stopped"))
        let sent = h.platform.plateNumbers.count
        try await Task.sleep(for: .milliseconds(900))  // three intervals: no further re-send (absence)
        #expect(h.platform.plateNumbers.count == sent)
        await h.stop()
    }

    @Test("the re-poll interval runs from the previous send, not from its answer")
    func repollFromTheSend() async throws {
        // Answers take 600 ms, the interval is 500 ms: each re-send is due when the answer comes.
        let h = try await VankeHarness.start(
            platform: { $0.deny(plate: "粤B30007"); $0.setFault(.slow(.milliseconds(600))) },
            settings: { $0.repollInterval = .milliseconds(500) })
        try h.recognize("CAM-01", uuid: "car-e", plate: "粤B30007")
        let pushes = try await h.platform.waitForPushes("receivePlateNumber", count: 4, timeout: .seconds(15))
        let gaps = zip(pushes, pushes.dropFirst()).map { $1.receivedAt.timeIntervalSince($0.receivedAt) }
        // From the answer it would be 600 + 500 ms; from the send, the answer's 600 ms and little more.
        #expect(gaps.allSatisfy { $0 < 1.0 }, "\(gaps)")
        await h.stop()
    }
}
