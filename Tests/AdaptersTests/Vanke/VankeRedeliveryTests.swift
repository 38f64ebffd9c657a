import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// A crossing or recognition that arrives again (a broker redelivery after a lost PUBACK, a
/// camera repeating itself) is recognised by its uuid and pushed once (DESIGN §2, "Delivery").
@Suite("Vanke: redeliveries are pushed once")
struct VankeRedeliveryTests {
    @Test("the same crossing uuid twice, then another: the platform gets the first once and the other")
    func crossingTwice() async throws {
        let h = try await VankeHarness.start()
        try h.cross("CAM-01", uuid: "again-1", plate: "粤B30001")
        try await until("the first crossing pushed") { h.platform.crossings.count == 1 }
        try h.cross("CAM-01", uuid: "again-1", plate: "粤B30001")
        try h.cross("CAM-01", uuid: "again-2", plate: "粤B30002")
        // One gate's pushes keep their order: once the next one is in, a second copy would be too.
        try await until("the next crossing pushed") { h.platform.crossings.contains { $0.uuid == "again-2" } }
        #expect(h.platform.crossings.compactMap(\.uuid) == ["again-1", "again-2"])
        await h.stop()
    }

    @Test("the same recognition uuid twice: one receivePlateNumber, one decision")
    func recognitionTwice() async throws {
        let h = try await VankeHarness.start()
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "seen-1", plate: "粤B30003")
        _ = try await h.decision("CAM-01", after: mark)
        try h.recognize("CAM-01", uuid: "seen-1", plate: "粤B30003")
        try h.cross("CAM-01", uuid: "seen-1-x", plate: "粤B30003")
        try await until("the crossing after it pushed") { h.platform.crossings.contains { $0.uuid == "seen-1-x" } }
        #expect(h.platform.plateNumbers.filter { $0.uuid == "seen-1" }.count == 1)
        await h.stop()
    }
}
