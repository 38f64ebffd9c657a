import Bridge
import Foundation
import Simulators
import Synchronization
import TestSupport
import Topics

/// A real `gatehouse run` with the Vanke adapter against the platform simulator, fed crossings at
/// a steady rate by a publisher that counts a crossing as published only once the broker
/// acknowledged it, while a fault is injected. Afterwards every published crossing must have
/// reached the platform exactly once or be a failed record (DESIGN §2, "Delivery").
struct CrossingLoad {
    enum Fault: String, Sendable {
        /// SIGKILL of the bridge, restarted at once.
        case kill
        /// SIGTERM (a deploy), restarted once it has exited.
        case term
        /// The broker stopped and started again (its persistence kept).
        case brokerRestart = "broker-restart"
    }

    /// What one run showed, written to `GATEHOUSE_CHAOS_RESULTS` for `make chaos`'s summary.
    struct Figures: Sendable {
        var fault: String
        var faults: Int
        var rate: Int
        var published: Int
        var pushed: Int
        var failed: Int
        var lost: Int
        var duplicated: Int
        /// Pushed and also a failed record: in flight when the bridge died, so filed as in doubt.
        var inDoubt: Int
        var recoverySeconds: Double
    }

    static let appId = "99848791"
    static let secret = "chaos-secret-\(UUID().uuidString.prefix(6))"
    static let lot = "lot-7"

    var fault: Fault
    var faults: Int
    var rate = 500
    var seconds: Double

    /// Kill points: `faults` moments spread over the load, each at a random place in its slot.
    private func faultTimes() -> [Duration] {
        let slot = seconds / Double(faults + 1)
        return (1...max(1, faults)).map { .milliseconds(Int((Double($0) * slot + Double.random(in: -0.4...0.4) * slot) * 1000)) }
    }

    func run() async throws -> Figures {
        let broker = fault == .brokerRestart ? try TestBroker.start() : TestBroker.shared
        defer { if fault == .brokerRestart { broker.stop() } }
        let platform = VankePlatformSimulator(appId: Self.appId, appSecret: Self.secret, parkingLotId: Self.lot)
        let platformPort = try await platform.start()
        defer { Task { await platform.stop() } }
        let base = "cl-\(UUID().uuidString.prefix(8).lowercased())"
        let storePath = TestFiles.directory("crossing-load").appendingPathComponent("gatehouse.sqlite").path
        let env = Self.environment(broker: broker.port, base: base, store: storePath, platform: platformPort)
        let parking = TopicTree(base: base).parking(Self.lot)

        // The first start creates the session; from then on the broker queues for it.
        let watcher = try await MessageCollector(port: broker.port, filters: ["\(base)/bridge/adapters/vanke"])
        let bridge = Mutex(try GatehouseProcess(["run"], environment: env))
        _ = try await watcher.next(on: "\(base)/bridge/adapters/vanke", timeout: .seconds(30))
        await watcher.stop()

        let publisher = try MQTTClient(
            options: MQTTOptions(port: broker.port, clientID: "\(base)-camera", reconnectMaxDelay: .seconds(1)))
        publisher.start()
        try await publisher.waitUntilConnected(timeout: .seconds(10))
        let total = Int(Double(rate) * seconds)
        let published = Mutex<[String]>([])
        let started = ContinuousClock.now
        let load = Task {
            let interval = Duration.seconds(1) / rate
            for i in 0..<total {
                let uuid = "\(base)-\(i)"
                let payload = Data(#"{"uuid":"\#(uuid)","plate":"粤B\#(i)","color":"blue"}"#.utf8)
                let topic = parking.gate("G\(i % 8)").crossing
                // Until the broker acknowledges it: a retry after a lost PUBACK may reach the
                // bridge twice, which the bridge must recognise by the uuid.
                while true {
                    do {
                        try await publisher.publishAcknowledged(topic, payload, timeout: .seconds(2))
                        break
                    } catch {
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
                published.withLock { $0.append(uuid) }
                let due = started + interval * (i + 1)
                if due > .now { try? await Task.sleep(until: due) }
            }
        }
        for at in faultTimes() {
            try? await Task.sleep(until: started + at)
            switch fault {
            case .kill:
                let old = bridge.withLock { $0 }
                old.signal(SIGKILL)
                _ = try await old.waitForExit()
                try bridge.withLock { $0 = try GatehouseProcess(["run"], environment: env) }
            case .term:
                let old = bridge.withLock { $0 }
                // A deploy stops a running service: a SIGTERM in the first instants of exec, before
                // the process can trap it, ends it like a SIGKILL (covered by .kill), so wait for it
                // to be up (on a loaded machine start-up takes seconds).
                try await old.waitForOutput("connected to the broker", timeout: .seconds(30))
                old.signal(SIGTERM)
                let status = try await old.waitForExit(timeout: .seconds(30))
                if status != 0 { throw TestFailure("SIGTERM: gatehouse exited with \(status):\n\(old.text.suffix(3000))") }
                try bridge.withLock { $0 = try GatehouseProcess(["run"], environment: env) }
            case .brokerRestart:
                try broker.restart()
            }
        }
        await load.value
        let loadEnded = ContinuousClock.now
        let sent = published.withLock { $0 }

        let store = try Store(path: storePath)
        var failed: [String] = []
        var received: [String] = []
        let deadline = ContinuousClock.now + .seconds(90)
        while true {
            failed = try await store.outbox.deadLetters(stream: "vanke.unpushed.crossing", limit: 1_000_000)
                .compactMap { (try? JSONValue.parse($0.payload))?["uuid"]?.stringValue }
            received = platform.crossings.compactMap(\.uuid)
            if Set(received).union(failed).isSuperset(of: sent) || ContinuousClock.now > deadline { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let recovered = ContinuousClock.now - loadEnded
        let current = bridge.withLock { $0 }
        current.signal(SIGTERM)
        _ = try? await current.waitForExit(timeout: .seconds(30))
        await publisher.stop()

        let accounted = Set(received).union(failed)
        let figures = Figures(
            fault: fault.rawValue, faults: faults, rate: rate, published: sent.count, pushed: Set(received).count,
            failed: failed.count, lost: Set(sent).subtracting(accounted).count,
            duplicated: received.count - Set(received).count, inDoubt: Set(received).intersection(failed).count,
            recoverySeconds: Double(recovered.components.seconds) + Double(recovered.components.attoseconds) / 1e18)
        Self.record(figures)
        return figures
    }

    static func environment(broker: Int, base: String, store: String, platform: Int) -> [String: String] {
        [
            "GATEHOUSE_MQTT_URL": "mqtt://127.0.0.1:\(broker)",
            "GATEHOUSE_MQTT_BASE_TOPIC": base,
            "GATEHOUSE_MQTT_CLIENT_ID": "gatehouse-\(base)",
            "GATEHOUSE_MQTT_RECONNECT_MAX_DELAY": "1s",
            "GATEHOUSE_STORE_PATH": store,
            "GATEHOUSE_HTTP_LISTEN": "127.0.0.1:0",
            "GATEHOUSE_SITE_TIME_ZONE": "Asia/Shanghai",
            "GATEHOUSE_ADAPTERS_VANKE_ENABLED": "true",
            "GATEHOUSE_ADAPTERS_VANKE_PLATFORM_URL": "http://127.0.0.1:\(platform)",
            "GATEHOUSE_ADAPTERS_VANKE_APP_ID": appId,
            "GATEHOUSE_ADAPTERS_VANKE_APP_SECRET": secret,
            "GATEHOUSE_ADAPTERS_VANKE_PARKING_LOT_ID": lot,
            "GATEHOUSE_ADAPTERS_VANKE_LISTEN": "127.0.0.1:0",
        ]
    }

    private static func record(_ figures: Figures) {
        ChaosFigures.record([
            "fault": figures.fault, "faults": figures.faults, "rate": figures.rate, "published": figures.published,
            "pushed": figures.pushed, "failed": figures.failed, "lost": figures.lost, "duplicated": figures.duplicated,
            "inDoubt": figures.inDoubt, "recoverySeconds": figures.recoverySeconds,
        ])
    }
}
