import Bridge
import Foundation
import TestSupport
import Testing
import Topics

/// A recognition larger than `mqtt.maxPacketSize`: before, Gatehouse announced exactly that limit,
/// the broker dropped the message unseen and the barrier waited for a decision that never came.
@Suite("Vanke: oversize recognitions are reported, never silently lost")
struct VankeOversizeTests {
    @Test("a recognition over mqtt.maxPacketSize gets open:false by bridge, reason too-large, and is never pushed")
    func tooLarge() async throws {
        let h = try await VankeHarness.start(bridge: { $0.mqtt.maxPacketSize = 64 << 10 })
        let mark = h.client.mark()
        // 96 KiB: over the 64 KiB limit, under the twice-the-limit Gatehouse announces to the broker.
        let picture = String(repeating: "A", count: 96 << 10)
        try h.recognize("CAM-01", uuid: "big-1", plate: "粤B12345", extra: #","image":"\#(picture)""#)
        let decision = try await h.decision("CAM-01", after: mark)
        #expect(decision["uuid"] == "big-1")
        #expect(decision["open"] == false)
        #expect(decision["by"] == "bridge")
        #expect(decision["reason"]?.stringValue?.hasPrefix("too-large") == true, "\(decision)")
        #expect(h.log.text.contains("over mqtt.maxPacketSize"))
        // The gate still serves: the next, normal recognition is pushed and decided.
        let next = h.client.mark()
        try h.recognize("CAM-01", uuid: "small-1", plate: "粤B12345")
        #expect(try await h.decision("CAM-01", after: next)["uuid"] == "small-1")
        let pushes = try await h.platform.waitForPushes("receivePlateNumber", count: 1)
        #expect(pushes.map { $0.fields["uuid"] } == ["small-1"], "the oversize recognition was pushed")
        await h.stop()
    }
}
