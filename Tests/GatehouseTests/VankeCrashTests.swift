import Bridge
import Foundation
import Simulators
import TestSupport
import Testing
import Topics

/// The Vanke outbox across a SIGKILL of the real `gatehouse` process.
@Suite("Vanke pushes survive kill -9")
struct VankeCrashTests {
    static let secret = "crash-secret-\(UUID().uuidString.prefix(6))"

    private func environment(broker: Int, base: String, store: String, platform: Int) -> [String: String] {
        [
            "GATEHOUSE_MQTT_URL": "mqtt://127.0.0.1:\(broker)",
            "GATEHOUSE_MQTT_BASE_TOPIC": base,
            "GATEHOUSE_MQTT_CLIENT_ID": "gatehouse-\(base)",
            "GATEHOUSE_STORE_PATH": store,
            "GATEHOUSE_HTTP_LISTEN": "127.0.0.1:0",
            "GATEHOUSE_SITE_TIME_ZONE": "Asia/Shanghai",
            "GATEHOUSE_ADAPTERS_VANKE_ENABLED": "true",
            "GATEHOUSE_ADAPTERS_VANKE_PLATFORM_URL": "http://127.0.0.1:\(platform)",
            "GATEHOUSE_ADAPTERS_VANKE_APP_ID": "99848791",
            "GATEHOUSE_ADAPTERS_VANKE_APP_SECRET": Self.secret,
            "GATEHOUSE_ADAPTERS_VANKE_PARKING_LOT_ID": "lot-9",
            "GATEHOUSE_ADAPTERS_VANKE_LISTEN": "127.0.0.1:0",
            "GATEHOUSE_ADAPTERS_VANKE_PUSH_CONCURRENCY": "16",
            // The platform hangs until every crossing is stored: no attempt may time out meanwhile.
            "GATEHOUSE_ADAPTERS_VANKE_TIMEOUT": "60s",
        ]
    }

    @Test("killed while 1,000 crossings are in flight: each reaches the platform once or is a failed record")
    func crossingsSurviveKill() async throws {
        let platform = VankePlatformSimulator(appId: "99848791", appSecret: Self.secret, parkingLotId: "lot-9")
        platform.setFault(.hang)  // nothing is delivered until every crossing is stored
        let platformPort = try await platform.start()
        let base = "vk-\(UUID().uuidString.prefix(8).lowercased())"
        let storePath = TestFiles.directory("vanke-crash").appendingPathComponent("gatehouse.sqlite").path
        let env = environment(broker: TestBroker.shared.port, base: base, store: storePath, platform: platformPort)
        let watcher = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(base)/bridge/adapters/vanke"])
        var gatehouse = try GatehouseProcess(["run"], environment: env)
        // The adapter publishes its state after subscribing, on the same connection: once it shows,
        // its subscriptions are active and no crossing published now can miss them.
        _ = try await watcher.next(on: "\(base)/bridge/adapters/vanke", timeout: .seconds(30))
        let publisher = try await MessageCollector(port: TestBroker.shared.port, filters: [])
        let parking = TopicTree(base: base).parking("lot-9")
        let uuids = (0..<1000).map { "cross-\($0)" }
        for (i, uuid) in uuids.enumerated() {
            try publisher.publish(parking.gate("G\(i % 20)").crossing, #"{"uuid":"\#(uuid)","plate":"粤B\#(i)","color":"blue"}"#)
        }
        let store = try Store(path: storePath)
        try await until("all 1,000 crossings stored", timeout: .seconds(60)) {
            try await store.outbox.depth(stream: "vanke.gate").pending == 1000
        }
        platform.setFault(.slow(.milliseconds(5)))
        try await until("deliveries under way") { platform.crossings.count >= 200 }
        gatehouse.signal(SIGKILL)
        _ = try await gatehouse.waitForExit()
        let atKill = platform.crossings.count
        #expect(atKill < 1000, "the kill came too late to prove anything")

        gatehouse = try GatehouseProcess(["run"], environment: env)
        try await until("every crossing delivered or recorded", timeout: .seconds(60)) {
            let (pending, _) = try await store.outbox.depth(stream: "vanke.gate")
            return pending == 0
        }
        let failed = try await store.outbox.deadLetters(stream: "vanke.unpushed.crossing", limit: 1000)
            .compactMap { (try? JSONValue.parse($0.payload))?["uuid"]?.stringValue }
        let received = platform.crossings.compactMap(\.uuid)
        #expect(Set(received).count == received.count, "a crossing reached the platform twice")
        #expect(Set(received).union(failed) == Set(uuids), "a crossing was lost")
        // In doubt = leased when killed: at most the pushes that were in flight.
        #expect(failed.count <= 16, "\(failed.count) failed records")
        gatehouse.signal(SIGTERM)
        _ = try await gatehouse.waitForExit()
        await publisher.stop()
        await watcher.stop()
        await platform.stop()
    }
}
