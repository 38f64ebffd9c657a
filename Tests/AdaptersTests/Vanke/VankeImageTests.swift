@testable import Vanke
import Bridge
import Foundation
import Logging
import Simulators
import TestSupport
import Testing


@Suite("Vanke: every recognition carries a picture address a browser opens")
struct VankeImageTests {
    @Test("a strict platform that opens every picture: one without a picture gets the stored 'no picture' JPEG, not image:\"\"")
    func noPictureAgainstAStrictPlatform() async throws {
        let port = try FreePort.pick()
        let h = try await VankeHarness.start(
            withHTTP: true, platform: { $0.setStrictness(VankeStrictness(imageRequired: true, openImages: true)) },
            settings: { $0.imageBaseUrl = "http://127.0.0.1:\(port)" }, bridge: { $0.http.listen.port = port })
        let mark = h.client.mark()
        try h.recognize("CAM-01", uuid: "bare", plate: "粤B20001")
        // Refused as "image 不能为空" before: the gate stayed shut for a car the platform would allow.
        #expect(try await h.decision("CAM-01", after: mark) == ["uuid": "bare", "open": true, "by": "platform"])
        let push = try #require(try await h.platform.waitForPushes("receivePlateNumber", count: 1).first)
        #expect(push.fields["image"]?.hasPrefix("http://127.0.0.1:\(port)/images/") == true)
        #expect(h.platform.imageFetches.map(\.isJPEG) == [true], "\(h.platform.imageFetches)")
        #expect(h.platform.rejected.isEmpty, "\(h.platform.rejected)")

        // A real picture is opened as sent.
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]) + Data("JFIF-test-picture".utf8) + Data([0xFF, 0xD9])
        let second = h.client.mark()
        try h.recognize("CAM-01", uuid: "pictured", plate: "粤B20002", extra: #","image":"\#(jpeg.base64EncodedString())""#)
        #expect(try await h.decision("CAM-01", after: second)["open"] == true)
        #expect(h.platform.imageFetches.map(\.isJPEG) == [true, true])
        await h.stop()
    }

    @Test("pictures stay at least as long as the failed records that point at them")
    func picturesOutliveFailedRecords() async throws {
        let store = try Store.temporary()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var settings = VankeSettings()
        settings.imageRetention = .seconds(7 * 86_400)
        settings.failedPushRetention = .seconds(30 * 86_400)
        try await store.pool.write { db in
            for (id, days) in [("week-old", 8.0), ("month-old", 31.0)] {
                try store.images.put(id: id, contentType: "image/jpeg", data: Data([1]), now: now.addingTimeInterval(-days * 86_400), in: db)
            }
        }
        await VankeAdapter.purge(store, settings: settings, now: now, logger: Logger(label: "test"))
        #expect(try await store.images.get(id: "week-old") != nil, "a failed record of 8 days still points at it")
        #expect(try await store.images.get(id: "month-old") == nil)
    }

    @Test("check-config warns when the platform is told a loopback picture address")
    func loopbackImageBase() throws {
        func warnings(_ extra: String) throws -> [String] {
            let yaml = "appId: a\nappSecret: s\nparkingLotId: l\nplatformUrl: https://vanke.example.com\n" + extra
            let root = ConfigSection(root: try ConfigNode.parse(yaml: yaml), environment: [:])
            _ = VankeSettings(section: root)
            return root.problemLog.problems.map(\.description)
        }
        #expect(try warnings("").contains { $0.contains("imageBaseUrl") }, "unset: the bridge's loopback listener")
        #expect(try warnings("imageBaseUrl: http://localhost:8080\n").contains { $0.contains("imageBaseUrl") })
        #expect(try warnings("imageBaseUrl: http://127.0.0.1:8080\n").contains { $0.contains("imageBaseUrl") })
        #expect(try warnings("imageBaseUrl: https://parking.example.com\n").isEmpty)
        // A platform on this host (the demo's simulator) reaches loopback.
        let local = "appId: a\nappSecret: s\nparkingLotId: l\nplatformUrl: http://127.0.0.1:8093\n"
        let root = ConfigSection(root: try ConfigNode.parse(yaml: local), environment: [:])
        _ = VankeSettings(section: root)
        #expect(root.problemLog.problems.isEmpty)
    }
}
