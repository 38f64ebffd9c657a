import Bridge
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Part (c): resident memory of `gatehouse run` (the release binary) once it is online and idle.
struct MemoryBench {
    let broker: BrokerAddress
    let workDirectory: String
    let gatehouse: String
    let idleSeconds: Double

    func run() async throws -> MemoryResult {
        let base = "bench-rss-\(UUID().uuidString.prefix(8).lowercased())"
        let watcher = try StateWatcher(broker: broker, topic: "\(base)/bridge/state")
        try await watcher.start()
        do {
            let result = try await measure(base: base, watcher: watcher)
            await watcher.stop()
            return result
        } catch {
            await watcher.stop()
            throw error
        }
    }

    private func measure(base: String, watcher: StateWatcher) async throws -> MemoryResult {
        let log = "\(workDirectory)/gatehouse-run.log"
        let started = ContinuousClock.now
        let child = try ChildProcess.spawn(
            gatehouse, ["run"], stdout: .file(log), stderr: .file(log),
            environment: [
                "GATEHOUSE_MQTT_URL": "mqtt://\(broker.host):\(broker.port)",
                "GATEHOUSE_MQTT_BASE_TOPIC": base,
                "GATEHOUSE_STORE_PATH": "\(workDirectory)/\(base).sqlite",
                "GATEHOUSE_HTTP_LISTEN": "127.0.0.1:0",
            ])
        do {
            try await watcher.waitForOnline(timeout: .seconds(30), whileRunning: child.pid)
        } catch {
            child.signal(SIGKILL)
            _ = await child.wait()
            throw BenchError("\(error); last lines of \(log):\n\(Self.tail(log))")
        }
        let startup = ContinuousClock.now - started
        try await Task.sleep(for: .seconds(idleSeconds))
        let status = ProcStatus(pid: child.pid)
        let stopping = ContinuousClock.now
        child.signal(SIGTERM)
        let (exit, killed) = await child.wait(timeout: .seconds(15))
        let shutdown = ContinuousClock.now - stopping
        guard let rss = status?.rssKiB, let hwm = status?.peakRssKiB else {
            throw BenchError("cannot read /proc/\(child.pid)/status")
        }
        return MemoryResult(
            idleSeconds: idleSeconds, startupSeconds: startup.seconds, gatehouseIdleRssKiB: rss,
            gatehousePeakRssKiB: hwm, gatehouseAnonRssKiB: status?.anonKiB, gatehouseFileRssKiB: status?.fileKiB,
            shutdownSeconds: killed ? nil : shutdown.seconds, exitStatus: exit)
    }

    private static func tail(_ path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(15).joined(separator: "\n")
    }
}

/// Resident memory from `/proc/<pid>/status`, in KiB.
struct ProcStatus {
    var rssKiB: Int?
    var peakRssKiB: Int?
    var anonKiB: Int?
    var fileKiB: Int?

    init?(pid: pid_t?) {
        let path = pid.map { "/proc/\($0)/status" } ?? "/proc/self/status"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            if fields[0] == "VmRSS:" { rssKiB = Int(fields[1]) }
            if fields[0] == "VmHWM:" { peakRssKiB = Int(fields[1]) }
            if fields[0] == "RssAnon:" { anonKiB = Int(fields[1]) }
            if fields[0] == "RssFile:" { fileKiB = Int(fields[1]) }
        }
    }
}

/// Follows a bridge's retained `bridge/state` until it says online.
final class StateWatcher: Sendable {
    private let client: MQTTClient
    private let online = Atomic<Bool>(false)

    init(broker: BrokerAddress, topic: String) throws {
        client = try MQTTClient(
            options: MQTTOptions(host: broker.host, port: broker.port, clientID: "bench-watch-\(UUID().uuidString.prefix(8))"))
        client.subscribe(topic, qos: .atLeastOnce)
    }

    func start() async throws {
        client.start()
        try await client.waitUntilConnected(timeout: .seconds(10))
        Task { await self.watch() }
    }

    private func watch() async {
        while let batch = await client.nextBatch() {
            if batch.contains(where: { (try? JSONDecoder().decode([String: String].self, from: $0.payload))?["state"] == "online" }) {
                online.store(true, ordering: .releasing)
            }
        }
    }

    func stop() async { await client.stop() }

    func waitForOnline(timeout: Duration, whileRunning pid: pid_t) async throws {
        let deadline = ContinuousClock.now + timeout
        while !online.load(ordering: .acquiring) {
            // A child that exited stays a zombie (state Z) until it is waited for.
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?
                .split(separator: ")").last?.split(separator: " ").first
            guard state != nil, state != "Z" else { throw BenchError("gatehouse run exited before going online") }
            guard ContinuousClock.now < deadline else { throw BenchError("gatehouse run not online within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
