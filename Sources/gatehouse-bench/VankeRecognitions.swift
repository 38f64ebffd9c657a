import Bridge
import Foundation
import Histogram
import Simulators
import Synchronization
import Topics

#if canImport(Glibc)
import Glibc
#endif

/// Part (d): plate recognitions from MQTT through `gatehouse run`'s Vanke outbox to the platform
/// simulator (answering after `platformDelay`), at a fixed offered rate spread over many gates.
/// Latency is recognition published → decision received; loss is a recognition without a decision.
struct VankeRecognitionBench {
    let broker: BrokerAddress
    let workDirectory: String
    let gatehouse: String
    let rate: Int
    let seconds: Double
    let gates: Int
    let platformDelay: Duration
    var brokerPID: pid_t?
    /// bench/floors's vanke-floor instead of `gatehouse run` (the least the path must do).
    var floor: String?

    static let secret = "bench-vanke-secret"
    static let lot = "lot-bench"

    func run() async throws -> VankeResult {
        let platform = VankePlatformSimulator(appId: "bench", appSecret: Self.secret, parkingLotId: Self.lot)
        platform.setFault(.slow(platformDelay))
        let platformPort = try await platform.start()
        defer { Task { await platform.stop() } }
        let base = "bench-vk-\(UUID().uuidString.prefix(8).lowercased())"
        let parking = TopicTree(base: base).parking(Self.lot)
        let log = "\(workDirectory)/gatehouse-vanke.log"
        let decisions = try DecisionCollector(broker: broker, base: base, count: Int(Double(rate) * seconds))
        try await decisions.start()
        let child = try spawnBridge(base: base, platformPort: platformPort, log: log)
        defer {
            child.signal(SIGTERM)
        }
        do {
            try await decisions.waitForAdapter(timeout: .seconds(30), whileRunning: child.pid)
        } catch {
            child.signal(SIGKILL)
            throw BenchError("\(error); see \(log)")
        }
        let sender = try MQTTClient(
            options: MQTTOptions(host: broker.host, port: broker.port, clientID: "bench-camera-\(UUID().uuidString.prefix(8))"))
        sender.start()
        try await sender.waitUntilConnected(timeout: .seconds(10))

        let count = Int(Double(rate) * seconds)
        let topics = (0..<gates).map { parking.gate("G\($0)").recognition }
        let cpu = ProcessCPUWindow([("bridge", child.pid), ("bench", getpid()), ("broker", brokerPID)])
        let wallStart = ContinuousClock.now
        let start = Monotonic.now() + 50_000_000
        let lateness = await PacedSender.run(count: count, start: start, intervalNanos: 1e9 / Double(rate)) { seq in
            decisions.noteSent(Int(seq), at: Monotonic.now())
            let payload = #"{"uuid":"b-\#(seq)","plate":"粤B\#(seq % 100_000)","color":"blue"}"#
            _ = try? sender.publish(topics[Int(seq) % topics.count], Data(payload.utf8), qos: .atLeastOnce)
        }
        let sendSeconds = (ContinuousClock.now - wallStart).seconds
        let complete = await decisions.waitForAll(timeout: .seconds(20))
        let shares = cpu.usage()
        let status = ProcStatus(pid: child.pid)
        await sender.stop()
        await decisions.stop()
        let summary = decisions.summary()
        return VankeResult(
            offeredRate: rate, seconds: seconds, gates: gates, platformDelayMs: platformDelay.seconds * 1000,
            sent: count, decisions: summary.received, missing: count - summary.received, allDecided: complete,
            platformCalls: platform.calls("receivePlateNumber"), achievedRate: Double(count) / sendSeconds,
            p50Us: summary.histogram.valueAtPercentile(50), p99Us: summary.histogram.valueAtPercentile(99),
            p999Us: summary.histogram.valueAtPercentile(99.9), maxUs: summary.histogram.max,
            senderLateP99Us: lateness.valueAtPercentile(99), gatehouseCpuPercent: shares["bridge"],
            gatehousePeakRssKiB: status?.peakRssKiB, process: floor == nil ? "gatehouse run" : "vanke-floor",
            benchCpuPercent: shares["bench"], brokerCpuPercent: shares["broker"])
    }

    private func spawnBridge(base: String, platformPort: Int, log: String) throws -> ChildProcess {
        if let floor {
            return try ChildProcess.spawn(
                floor,
                [
                    "--broker-port", "\(broker.port)", "--base", base, "--lot", Self.lot,
                    "--platform", "http://127.0.0.1:\(platformPort)", "--app-id", "bench", "--secret", Self.secret,
                    "--store", "\(workDirectory)/\(base)-floor.sqlite",
                ], stdout: .file(log), stderr: .file(log), environment: BridgeTuning.environment)
        }
        return try ChildProcess.spawn(
            gatehouse, ["run", "--adapter", "vanke"], stdout: .file(log), stderr: .file(log),
            environment: Self.bridgeEnvironment(
                broker: broker, base: base, store: "\(workDirectory)/\(base).sqlite", platformPort: platformPort,
                secret: Self.secret, lot: Self.lot))
    }

    /// `gatehouse run --adapter vanke` against the platform simulator, for the bench's parts.
    static func bridgeEnvironment(
        broker: BrokerAddress, base: String, store: String, platformPort: Int, secret: String, lot: String
    ) -> [String: String] {
        [
            "GATEHOUSE_MQTT_URL": "mqtt://\(broker.host):\(broker.port)",
            "GATEHOUSE_MQTT_BASE_TOPIC": base,
            "GATEHOUSE_STORE_PATH": store,
            "GATEHOUSE_HTTP_LISTEN": "127.0.0.1:0",
            "GATEHOUSE_LOG_LEVEL": "warning",
            "GATEHOUSE_ADAPTERS_VANKE_ENABLED": "true",
            "GATEHOUSE_ADAPTERS_VANKE_PLATFORM_URL": "http://127.0.0.1:\(platformPort)",
            "GATEHOUSE_ADAPTERS_VANKE_APP_ID": "bench",
            "GATEHOUSE_ADAPTERS_VANKE_APP_SECRET": secret,
            "GATEHOUSE_ADAPTERS_VANKE_PARKING_LOT_ID": lot,
            "GATEHOUSE_ADAPTERS_VANKE_LISTEN": "127.0.0.1:0",
        ].merging(BridgeTuning.environment) { $1 }
    }
}

struct VankeResult: Codable {
    var offeredRate: Int
    var seconds: Double
    var gates: Int
    var platformDelayMs: Double
    var sent: Int
    var decisions: Int
    var missing: Int
    var allDecided: Bool
    /// receivePlateNumber calls the simulator counted (≥ sent: nothing is refused in this run).
    var platformCalls: Int
    var achievedRate: Double
    var p50Us: UInt64
    var p99Us: UInt64
    var p999Us: UInt64
    var maxUs: UInt64
    /// How late the paced sender was at p99: a late sender makes the offered rate a lie.
    var senderLateP99Us: UInt64
    /// CPU of `gatehouse run` over the phase, % of one core.
    var gatehouseCpuPercent: Double?
    var gatehousePeakRssKiB: Int?
    /// What ran as the bridge: `gatehouse run` or `vanke-floor`.
    var process: String?
    /// The bench process (sender, decision collector, platform simulator), % of one core.
    var benchCpuPercent: Double?
    var brokerCpuPercent: Double?
}

/// Subscribes to every gate's decision and times each against its recognition's send time.
final class DecisionCollector: Sendable {
    private struct State {
        var sentAt: [UInt64]
        var decided: [Bool]
        var received = 0
        var histogram = RequestPhase.emptyHistogram()
        var adapterUp = false
    }

    private let client: MQTTClient
    private let state: Mutex<State>
    private let count: Int

    init(broker: BrokerAddress, base: String, count: Int) throws {
        self.count = count
        state = Mutex(State(sentAt: Array(repeating: 0, count: count), decided: Array(repeating: false, count: count)))
        client = try MQTTClient(
            options: MQTTOptions(host: broker.host, port: broker.port, clientID: "bench-gate-\(UUID().uuidString.prefix(8))"))
        client.subscribe("\(base)/parking/\(VankeRecognitionBench.lot)/gates/+/decision", qos: .atLeastOnce)
        // The adapter shows its state after subscribing: from then on no recognition can miss it.
        client.subscribe("\(base)/bridge/adapters/vanke", qos: .atLeastOnce)
    }

    func start() async throws {
        client.start()
        try await client.waitUntilConnected(timeout: .seconds(10))
        Task { await self.collect() }
    }

    func stop() async { await client.stop() }

    func noteSent(_ seq: Int, at now: UInt64) {
        state.withLock { $0.sentAt[seq] = now }
    }

    private func collect() async {
        while let batch = await client.nextBatch() {
            let now = Monotonic.now()
            for message in batch {
                if message.topic.hasSuffix("/adapters/vanke") {
                    state.withLock { $0.adapterUp = true }
                    continue
                }
                guard let seq = Self.sequence(in: message.payload) else { continue }
                state.withLock { state in
                    guard seq < state.sentAt.count, !state.decided[seq], state.sentAt[seq] > 0 else { return }
                    state.decided[seq] = true
                    state.received += 1
                    state.histogram.record(min((now - state.sentAt[seq]) / 1000, 60_000_000))
                }
            }
        }
    }

    /// `"uuid":"b-<seq>"` without a JSON parse per message.
    static func sequence(in payload: Data) -> Int? {
        guard let text = String(data: payload, encoding: .utf8), let range = text.range(of: "\"uuid\":\"b-") else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }

    func waitForAdapter(timeout: Duration, whileRunning pid: pid_t) async throws {
        let deadline = ContinuousClock.now + timeout
        while !state.withLock({ $0.adapterUp }) {
            guard kill(pid, 0) == 0 else { throw BenchError("gatehouse run exited before the Vanke adapter started") }
            guard ContinuousClock.now < deadline else { throw BenchError("the Vanke adapter did not start within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Whether every recognition got its decision within `timeout` after the last was sent.
    func waitForAll(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.received }) < count {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    func summary() -> (received: Int, histogram: Histogram<UInt64>) {
        state.withLock { ($0.received, $0.histogram) }
    }
}
