import AsyncHTTPClient
import Bridge
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Part (e): `gatehouse run` polling many WR locks (ReadState and ReadLogLock of each, every
/// `pollInterval`) on `gatehouse simulate ozlocks --room-count N`: the bridge's CPU over one full
/// spread pass, and its resident memory.
///
/// Timeline: the bridge starts; its first pass reads every lock at once (`pollConcurrency` in
/// flight, no spreading) and records each lock's log baseline in the store; the second pass starts
/// one interval after the first began and spreads the locks evenly over the interval. The steady
/// window opens when the second pass has started (the simulator's ReadState count passes N) and
/// lasts `window` seconds (one interval by default): that is the load a running bridge carries.
/// Pass progress comes from the simulator's `/_sim/calls` counters.
struct LockPollingBench {
    let broker: BrokerAddress
    let workDirectory: String
    let gatehouse: String
    let locks: Int
    let interval: Int
    let window: Double
    let brokerPID: Int32?

    func run() async throws -> PollingResult {
        let base = "bench-poll-\(UUID().uuidString.prefix(8).lowercased())"
        let simulator = try await ListeningProcess.simulator(
            gatehouse: gatehouse, rooms: ["--room-count", "\(locks)"], log: "\(workDirectory)/\(base)-simulator.log")
        let bridge: BridgeProcess
        do {
            let config = BridgeProcess.config(
                broker: broker, baseTopic: base, storePath: "\(workDirectory)/\(base).sqlite", simulatorURL: simulator.url,
                locks: (1...locks).map(String.init), pollInterval: interval, facadePort: nil)
            bridge = try await BridgeProcess.start(
                gatehouse: gatehouse, broker: broker, baseTopic: base, config: config, workDirectory: workDirectory)
        } catch {
            await simulator.stop()
            throw error
        }
        let load = HTTPLoad()
        let outcome: Result<PollingResult, any Error>
        do {
            outcome = .success(try await measure(load: load, simulator: simulator, bridge: bridge))
        } catch {
            outcome = .failure(error)
        }
        await load.shutdown()
        let exit = await bridge.stop()
        await simulator.stop()
        var result = try outcome.get()
        result.gatehouseExitStatus = exit
        return result
    }

    private func measure(load: HTTPLoad, simulator: ListeningProcess, bridge: BridgeProcess) async throws -> PollingResult {
        let callsRequest = try HTTPClient.Request(url: "\(simulator.url)/_sim/calls")
        func calls() async throws -> (readState: Int, readLog: Int) {
            let (status, body) = try await load.fetch(callsRequest)
            guard status == 200, let counts = try? JSONDecoder().decode([String: Int].self, from: body) else {
                throw BenchError("GET /_sim/calls answered \(status)")
            }
            return (counts["ReadState"] ?? 0, counts["ReadLogLock"] ?? 0)
        }
        let processes: [(name: String, pid: pid_t?)] = [
            ("gatehouse", bridge.child.pid), ("simulator", simulator.child.pid), ("broker", brokerPID),
        ]
        var maxRss = 0
        func sampleRss() {
            if let rss = ProcStatus(pid: bridge.child.pid)?.rssKiB { maxRss = max(maxRss, rss) }
        }
        func failure(_ what: String) -> BenchError {
            BenchError("\(what); last lines of \(bridge.log):\n\(OZLocksBenchSupport.tail(bridge.log))")
        }

        // First pass: every lock read once, unspread.
        let firstCPU = ProcessCPUWindow(processes)
        let firstStart = ContinuousClock.now
        let firstDeadline = firstStart + .seconds(max(600, interval))
        while true {
            sampleRss()
            let (states, logs) = try await calls()
            if states >= locks && logs >= locks { break }
            guard ContinuousClock.now < firstDeadline else {
                throw failure("the first pass did not finish within \(max(600, interval)) s (\(states) ReadState, \(logs) ReadLogLock of \(locks))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        let firstPass = firstCPU.usage()
        let firstSeconds = (ContinuousClock.now - firstStart).seconds
        let afterFirst = ProcStatus(pid: bridge.child.pid)
        Log.progress(
            String(
                format: "  first pass: %d locks in %.1f s after online, gatehouse CPU %.0f%% of one core, RSS %.1f MiB",
                locks, firstSeconds, firstPass["gatehouse"] ?? -1, Double(afterFirst?.rssKiB ?? 0) / 1024))

        // Until the second pass starts: the bridge idles (health, keep-alives).
        let idleCPU = ProcessCPUWindow(processes)
        let secondDeadline = ContinuousClock.now + .seconds(interval + 60)
        var startCounts = try await calls()
        while startCounts.readState <= locks {
            sampleRss()
            guard ContinuousClock.now < secondDeadline else { throw failure("the second pass did not start within \(interval + 60) s") }
            try await Task.sleep(for: .milliseconds(100))
            startCounts = try await calls()
        }
        let idle = idleCPU.usage()

        // The steady window: one spread pass.
        let steadyCPU = ProcessCPUWindow(processes)
        let windowEnd = ContinuousClock.now + .seconds(window)
        while ContinuousClock.now < windowEnd {
            sampleRss()
            try await Task.sleep(until: min(windowEnd, ContinuousClock.now + .seconds(1)))
        }
        let steady = steadyCPU.usage()
        let endCounts = try await calls()
        sampleRss()
        let status = ProcStatus(pid: bridge.child.pid)
        let states = endCounts.readState - startCounts.readState
        let logLines = ((try? String(contentsOfFile: bridge.log, encoding: .utf8)) ?? "").split(separator: "\n").count
        var result = PollingResult(
            locks: locks, pollIntervalSeconds: interval, windowSeconds: steady.seconds, startupSeconds: bridge.startupSeconds,
            firstPassSeconds: (firstSeconds * 100).rounded() / 100, firstPassCPU: firstPass, idleCPU: idle, steadyCPU: steady,
            readStatesInWindow: states, readLogsInWindow: endCounts.readLog - startCounts.readLog,
            gatehouseRssAfterFirstPassKiB: afterFirst?.rssKiB, gatehouseRssKiB: status?.rssKiB,
            gatehousePeakRssKiB: status?.peakRssKiB, gatehouseAnonRssKiB: status?.anonKiB, gatehouseFileRssKiB: status?.fileKiB,
            maxSampledRssKiB: maxRss, gatehouseLogLines: logLines)
        if let seconds = steady.cpuSeconds["gatehouse"], states > 0 {
            result.gatehouseCpuMicrosPerLock = (seconds / Double(states) * 1e6 * 10).rounded() / 10
        }
        Log.progress(
            String(
                format: "  steady pass: %d ReadState + %d ReadLogLock in %.0f s, gatehouse CPU %.1f%% of one core, RSS %.1f MiB (peak %.1f MiB)",
                result.readStatesInWindow, result.readLogsInWindow, steady.seconds, steady["gatehouse"] ?? -1,
                Double(status?.rssKiB ?? 0) / 1024, Double(status?.peakRssKiB ?? 0) / 1024))
        return result
    }
}

struct PollingResult: Codable {
    var locks: Int
    var pollIntervalSeconds: Int
    /// The adapter's default `pollConcurrency`, not changed by the bench.
    var pollConcurrency = 8
    var windowSeconds: Double
    /// `gatehouse run` from spawn to online (with this many locks in its config).
    var startupSeconds: Double
    /// From online until the simulator had answered a ReadState and a ReadLogLock for every lock.
    var firstPassSeconds: Double
    var firstPassCPU: ProcessCPUShares
    /// Between the end of the first pass and the start of the second.
    var idleCPU: ProcessCPUShares
    /// The steady window (one spread pass): what the targets are checked against.
    var steadyCPU: ProcessCPUShares
    var readStatesInWindow: Int
    var readLogsInWindow: Int
    /// The bridge's CPU time in the steady window ÷ ReadStates in it (each lock: ReadState,
    /// ReadLogLock and the log cursor lookup), in µs.
    var gatehouseCpuMicrosPerLock: Double?
    var gatehouseRssAfterFirstPassKiB: Int?
    /// At the end of the steady window: VmRSS, VmHWM (peak since start), RssAnon, RssFile.
    var gatehouseRssKiB: Int?
    var gatehousePeakRssKiB: Int?
    var gatehouseAnonRssKiB: Int?
    var gatehouseFileRssKiB: Int?
    /// The largest VmRSS seen by sampling about once a second.
    var maxSampledRssKiB: Int
    /// Lines the bridge logged (level warning and above): polling failures show here.
    var gatehouseLogLines: Int
    var gatehouseExitStatus: Int32?

    init(
        locks: Int, pollIntervalSeconds: Int, windowSeconds: Double, startupSeconds: Double, firstPassSeconds: Double,
        firstPassCPU: ProcessCPUShares, idleCPU: ProcessCPUShares, steadyCPU: ProcessCPUShares, readStatesInWindow: Int,
        readLogsInWindow: Int, gatehouseRssAfterFirstPassKiB: Int?, gatehouseRssKiB: Int?, gatehousePeakRssKiB: Int?,
        gatehouseAnonRssKiB: Int?, gatehouseFileRssKiB: Int?, maxSampledRssKiB: Int, gatehouseLogLines: Int
    ) {
        self.locks = locks
        self.pollIntervalSeconds = pollIntervalSeconds
        self.windowSeconds = windowSeconds
        self.startupSeconds = startupSeconds
        self.firstPassSeconds = firstPassSeconds
        self.firstPassCPU = firstPassCPU
        self.idleCPU = idleCPU
        self.steadyCPU = steadyCPU
        self.readStatesInWindow = readStatesInWindow
        self.readLogsInWindow = readLogsInWindow
        self.gatehouseRssAfterFirstPassKiB = gatehouseRssAfterFirstPassKiB
        self.gatehouseRssKiB = gatehouseRssKiB
        self.gatehousePeakRssKiB = gatehousePeakRssKiB
        self.gatehouseAnonRssKiB = gatehouseAnonRssKiB
        self.gatehouseFileRssKiB = gatehouseFileRssKiB
        self.maxSampledRssKiB = maxSampledRssKiB
        self.gatehouseLogLines = gatehouseLogLines
    }
}
