import ArgumentParser
import Bridge
import Foundation

/// `gatehouse-bench`: measures throughput, request round trips, memory, the OZLocks facade's round
/// trip and OZLocks lock polling against one broker (started by `scripts/run-bench.sh`), prints a
/// summary and writes the JSON report.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gatehouse-bench",
        abstract: "Gatehouse benchmarks against a running mosquitto (see docs/performance.md; `make bench` runs them).")

    /// The in-process bridge runs on the executor `gatehouse run` uses.
    static func main() async {
        ConcurrencyExecutor.install()
        await main(nil)
    }

    @Option(help: "Broker host.") var host = "127.0.0.1"
    @Option(help: "Broker port.") var port: Int
    @Option(help: "The broker's mosquitto.conf, to record and check its tuning.") var brokerConfig: String?
    @Option(help: "The broker's process id, to report its CPU use.") var brokerPid: Int32?
    @Option(help: "The release `gatehouse` binary, for the memory, facade and polling parts.") var gatehouse: String?
    @Option(help: "Where the JSON reports go.") var results = "bench/results"
    @Option(help: "Scratch directory (payload files, stores, logs); a temporary one by default.") var workDir: String?
    @Option(help: "Messages per QoS 0 throughput run.") var qos0Messages = 200_000
    @Option(help: "Messages per QoS 1 throughput run.") var qos1Messages = 100_000
    @Option(help: "Runs per throughput measurement (the median is reported).") var repeats = 3
    @Option(help: "Seconds per round-trip phase.") var seconds = 10.0
    @Option(help: "Offered request rates of the open-loop phases (repeatable).") var rate: [Int] = [1000, 5000]
    @Option(help: "Outstanding requests in the saturation phase.") var window = 128
    @Option(help: "Echoes to measure: plain, router (repeatable; both by default).") var echo: [String] = ["plain", "router"]
    @Option(help: "Write each open-loop phase's per-request latencies as CSV into this directory.") var timeline: String?
    @Option(help: "QoS of requests and replies.") var requestQos = 1
    @Option(help: "Seconds `gatehouse run` idles before its memory is read.") var idleSeconds = 3.0
    @Option(help: "Vanke part: recognitions per second offered.") var vankeRate = 2000
    @Option(help: "Vanke part: seconds of sustained load.") var vankeSeconds = 60.0
    @Option(help: "Vanke part: gates the recognitions are spread over (a newer recognition at a gate supersedes an older one: keep each gate's interval well above the latency).") var vankeGates = 1000
    @Option(help: "Vanke part: the platform simulator's answer delay in ms.") var vankePlatformDelayMs = 1
    @Option(help: "Offered rates of the OZLocks facade phases, req/s (repeatable; the target is checked at 1000).") var facadeRate: [Int] = [250, 1000]
    @Option(help: "Seconds per OZLocks facade phase (default: --seconds).") var facadeSeconds: Double?
    @Option(help: "Rooms the facade's ReadStates go round robin over.") var facadeRooms = 100
    @Option(help: "Event loops of `gatehouse run` and the facade floor (GATEHOUSE_EVENT_LOOPS; default: theirs).")
    var bridgeEventLoops: Int?
    @Option(help: "bench/floors's facade-floor binary: adds its row to the facade part (scripts/facade-floor.sh).")
    var facadeFloor: String?
    @Option(help: "bench/floors's vanke-floor binary: runs the Vanke part once more with it in place of `gatehouse run` (scripts/vanke-floor.sh).")
    var vankeFloor: String?
    @Option(help: "WR locks the polling part configures (and the simulator has).") var pollLocks = 10_000
    @Option(help: "pollInterval of the polling part, seconds.") var pollInterval = 60
    @Option(help: "Seconds of the polling part's steady window (default: one poll interval).") var pollWindow: Double?
    @Option(help: "Intake part: crossings in the burst.") var intakeCrossings = 40_000
    @Option(help: "Skip a part: throughput, roundtrip, memory, facade, polling, vanke, intake (repeatable).") var skip: [String] = []
    @Option(help: "The command line to record in the report.") var command = "gatehouse-bench"
    @Option(help: "The Swift toolchain to record in the report.") var toolchain: String?

    func validate() throws {
        let parts: Set = ["throughput", "roundtrip", "memory", "facade", "polling", "vanke", "intake"]
        if let unknown = skip.first(where: { !parts.contains($0) }) { throw ValidationError("unknown part '\(unknown)'") }
        if let unknown = echo.first(where: { $0 != "plain" && $0 != "router" }) { throw ValidationError("unknown echo '\(unknown)'") }
        guard (0...2).contains(requestQos) else { throw ValidationError("--request-qos must be 0, 1 or 2") }
        guard facadeRate.allSatisfy({ $0 > 0 }), facadeRooms >= 1 else { throw ValidationError("--facade-rate and --facade-rooms must be positive") }
        guard pollLocks >= 1, pollInterval >= 1, (pollWindow ?? 1) > 0 else {
            throw ValidationError("--poll-locks, --poll-interval and --poll-window must be positive")
        }
    }

    func run() async throws {
        GatehouseMetrics.bootstrap()
        if let bridgeEventLoops { BridgeTuning.environment["GATEHOUSE_EVENT_LOOPS"] = "\(bridgeEventLoops)" }
        let broker = BrokerAddress(host: host, port: port)
        let brokerInfo = BrokerInfo.read(config: brokerConfig, port: port)
        if let limit = brokerInfo.maxQueuedMessages, limit > 0, qos1Messages > limit, !skip.contains("throughput") {
            throw ValidationError(
                "the broker's max_queued_messages (\(limit)) is below --qos1-messages (\(qos1Messages)): "
                    + "mosquitto would silently drop QoS 1 messages for a subscriber that falls behind")
        }
        let work = try workDir ?? Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // A scratch folder made here is removed here; one passed in belongs to the caller.
        defer { if workDir == nil { try? FileManager.default.removeItem(atPath: work) } }
        var report = BenchReport(
            startedAt: Self.timestamp(Date()), command: command, machine: .current(toolchain: toolchain), broker: brokerInfo)

        if !skip.contains("throughput") {
            Log.progress("throughput (\(repeats) runs each, 100-byte payloads)")
            do {
                let control = try MQTTClient(
                    options: MQTTOptions(host: host, port: port, clientID: "bench-control-\(UUID().uuidString.prefix(8))"))
                control.start()
                try await control.waitUntilConnected(timeout: .seconds(10))
                let bench = ThroughputBench(broker: broker, workDirectory: work, control: control)
                report.throughput.append(await bench.run(qos: .atMostOnce, messages: qos0Messages, repeats: repeats))
                report.throughput.append(await bench.run(qos: .atLeastOnce, messages: qos1Messages, repeats: repeats))
                await control.stop()
            } catch {
                report.errors.append("throughput: \(error)")
            }
        }
        if !skip.contains("roundtrip") {
            Log.progress("request/response round trips (\(seconds) s per phase)")
            let bench = RoundTripBench(
                broker: broker, workDirectory: work, seconds: seconds, rates: rate, window: window,
                qos: MQTTQoS(rawValue: Int32(requestQos)) ?? .atLeastOnce, brokerPID: brokerPid, echoes: echo,
                timelineDirectory: timeline)
            do { report.roundTrip = try await bench.run() } catch { report.errors.append("round trip: \(error)") }
        }
        if !skip.contains("memory") {
            if let gatehouse {
                Log.progress("memory of `gatehouse run` (\(idleSeconds) s idle)")
                let bench = MemoryBench(broker: broker, workDirectory: work, gatehouse: gatehouse, idleSeconds: idleSeconds)
                do { report.memory = try await bench.run() } catch { report.errors.append("memory: \(error)") }
            } else {
                report.errors.append("memory: no --gatehouse binary given")
            }
        }
        if !skip.contains("vanke") {
            if let gatehouse {
                Log.progress("Vanke recognitions: \(vankeRate)/s for \(vankeSeconds) s over \(vankeGates) gates, platform answers in \(vankePlatformDelayMs) ms")
                var bench = VankeRecognitionBench(
                    broker: broker, workDirectory: work, gatehouse: gatehouse, rate: vankeRate, seconds: vankeSeconds,
                    gates: vankeGates, platformDelay: .milliseconds(vankePlatformDelayMs), brokerPID: brokerPid)
                do { report.vanke = try await bench.run() } catch { report.errors.append("vanke: \(error)") }
                if let vankeFloor {
                    Log.progress("Vanke recognitions once more through vanke-floor")
                    bench.floor = vankeFloor
                    do { report.vankeFloor = try await bench.run() } catch { report.errors.append("vanke floor: \(error)") }
                }
            } else {
                report.errors.append("vanke: no --gatehouse binary given")
            }
        }
        if !skip.contains("intake") {
            if let gatehouse {
                Log.progress("durable intake: \(intakeCrossings) crossings in a burst into `gatehouse run`")
                let bench = IntakeThroughputBench(broker: broker, workDirectory: work, gatehouse: gatehouse, crossings: intakeCrossings)
                do { report.intake = try await bench.run() } catch { report.errors.append("intake: \(error)") }
            } else {
                report.errors.append("intake: no --gatehouse binary given")
            }
        }
        if !skip.contains("facade") {
            if let gatehouse {
                let phaseSeconds = facadeSeconds ?? seconds
                Log.progress("OZLocks facade round trip, ReadState (\(phaseSeconds) s per phase, direct to the simulator, then through the facade)")
                let bench = FacadeRoundTripBench(
                    broker: broker, workDirectory: work, gatehouse: gatehouse, seconds: phaseSeconds, rates: facadeRate,
                    rooms: facadeRooms, brokerPID: brokerPid, floor: facadeFloor)
                do { report.facade = try await bench.run() } catch { report.errors.append("facade: \(error)") }
            } else {
                report.errors.append("facade: no --gatehouse binary given")
            }
        }
        if !skip.contains("polling") {
            if let gatehouse {
                let window = pollWindow ?? Double(pollInterval)
                Log.progress("OZLocks polling of \(pollLocks) WR locks every \(pollInterval) s (first pass, then a \(window) s steady window)")
                let bench = LockPollingBench(
                    broker: broker, workDirectory: work, gatehouse: gatehouse, locks: pollLocks, interval: pollInterval,
                    window: window, brokerPID: brokerPid)
                do { report.polling = try await bench.run() } catch { report.errors.append("polling: \(error)") }
            } else {
                report.errors.append("polling: no --gatehouse binary given")
            }
        }
        report.benchPeakRssKiB = ProcStatus(pid: nil)?.peakRssKiB
        report.targets = Targets.check(report)
        report.finishedAt = Self.timestamp(Date())
        report.machine.loadAverageAtEnd = MachineInfo.loadAverage()
        let written = try ReportWriter.write(report, to: results)
        print(Summary.text(report))
        print("report: \(written)")
        if !report.errors.isEmpty { throw ExitCode(1) }
    }

    private static func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "gatehouse-bench-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
