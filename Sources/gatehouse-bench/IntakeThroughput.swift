import Bridge
import Foundation
import Simulators
import Topics

#if canImport(Glibc)
import Glibc
#endif

/// Part (e): durable intake. A burst of crossings, published at QoS 1 as fast as the broker takes
/// them, into `gatehouse run`'s Vanke adapter; the rate is how fast they become durable in its
/// store (each stored before its PUBACK, then claimed in the outbox transaction), next to how fast
/// the broker accepted them from the publisher in the same run.
struct IntakeThroughputBench {
    let broker: BrokerAddress
    let workDirectory: String
    let gatehouse: String
    let crossings: Int

    static let secret = "bench-intake-secret"
    static let lot = "lot-intake"

    func run() async throws -> IntakeResult {
        let platform = VankePlatformSimulator(appId: "bench", appSecret: Self.secret, parkingLotId: Self.lot)
        let platformPort = try await platform.start()
        defer { Task { await platform.stop() } }
        let base = "bench-in-\(UUID().uuidString.prefix(8).lowercased())"
        let storePath = "\(workDirectory)/\(base).sqlite"
        let log = "\(workDirectory)/gatehouse-intake.log"
        let watcher = try MQTTClient(options: MQTTOptions(host: broker.host, port: broker.port, clientID: "\(base)-watch"))
        watcher.subscribe("\(base)/bridge/adapters/vanke", qos: .atLeastOnce)
        watcher.start()
        try await watcher.waitUntilConnected(timeout: .seconds(10))
        let child = try ChildProcess.spawn(
            gatehouse, ["run", "--adapter", "vanke"], stdout: .file(log), stderr: .file(log),
            environment: VankeRecognitionBench.bridgeEnvironment(
                broker: broker, base: base, store: storePath, platformPort: platformPort, secret: Self.secret, lot: Self.lot))
        defer { child.signal(SIGTERM) }
        // The adapter shows its state after its consumers are registered and it has connected.
        guard let _ = await watcher.nextBatch() else { throw BenchError("no adapter state from gatehouse run; see \(log)") }
        await watcher.stop()

        let publisher = try MQTTClient(options: MQTTOptions(host: broker.host, port: broker.port, clientID: "\(base)-camera"))
        publisher.start()
        try await publisher.waitUntilConnected(timeout: .seconds(10))
        let parking = TopicTree(base: base).parking(Self.lot)
        let topics = (0..<8).map { parking.gate("G\($0)").crossing }
        let cpu = ProcessCPUWindow([("bridge", child.pid)])
        let start = ContinuousClock.now
        var sent = 0
        // Steps of 1,000, each acknowledged by the broker before the next: libmosquitto's queue
        // stays small, and the publisher's rate is the broker's accepting rate.
        while sent < crossings {
            let step = min(1000, crossings - sent)
            try await publisher.acknowledging(timeout: .seconds(30)) {
                var last: Int32?
                for i in sent..<(sent + step) {
                    let payload = #"{"uuid":"in-\#(i)","plate":"粤B\#(i % 100_000)","color":"blue"}"#
                    last = try publisher.publish(topics[i % topics.count], Data(payload.utf8), qos: .atLeastOnce)
                }
                return last
            }
            sent += step
        }
        let published = ContinuousClock.now - start
        await publisher.stop()
        let store = try Store(path: storePath)
        defer { store.close() }
        let deadline = ContinuousClock.now + .seconds(120)
        var taken = 0
        while taken < crossings && ContinuousClock.now < deadline {
            taken = try await store.intake.claimCount()
            if taken < crossings { try await Task.sleep(for: .milliseconds(20)) }
        }
        let stored = ContinuousClock.now - start
        let shares = cpu.usage()
        return IntakeResult(
            crossings: crossings, stored: taken, publishedPerSecond: Double(crossings) / published.seconds,
            storedPerSecond: Double(taken) / stored.seconds, gatehouseCpuPercent: shares["bridge"])
    }
}

struct IntakeResult: Codable {
    var crossings: Int
    /// Crossings durably taken (claimed in the outbox transaction) by the end.
    var stored: Int
    /// How fast the broker acknowledged the publisher: the baseline of the run.
    var publishedPerSecond: Double
    /// First publish → last crossing durable in Gatehouse's store.
    var storedPerSecond: Double
    var gatehouseCpuPercent: Double?
}
