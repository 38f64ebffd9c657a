import AsyncHTTPClient
import Bridge
import Foundation
import NIOHTTP1

#if canImport(Glibc)
import Glibc
#endif

/// Part (d): ReadState through Gatehouse's OZLocks facade, end to end, against the same ReadState
/// sent straight to the simulator at the same offered rate by the same HTTP client.
///
/// Facade path: HTTP → facade (in `gatehouse run`) → MQTT request `locks/<room>/request/read-state`
/// → broker → the OZLocks adapter (same process) → HTTP ReadState to `gatehouse simulate ozlocks`
/// → MQTT response → broker → facade → HTTP answer. Direct path: HTTP → simulator → HTTP answer.
/// The difference is what Gatehouse adds. A third target, `null` (`NullHTTPServer`, in this
/// process), answers at once without any work: the floor of the client and the loopback. With
/// `floor`, a fourth target between direct and facade: bench/floors's `facade-floor`, the same
/// round trip with nothing of Gatehouse's (bench/floors/Sources/facade-floor).
struct FacadeRoundTripBench {
    let broker: BrokerAddress
    let workDirectory: String
    let gatehouse: String
    let seconds: Double
    let rates: [Int]
    /// ReadState goes round robin over rooms 1…rooms.
    let rooms: Int
    let brokerPID: Int32?
    /// The `facade-floor` binary, when its row is wanted.
    let floor: String?

    static let workstation = "BENCH01"

    func run() async throws -> FacadeReport {
        let base = "bench-facade-\(UUID().uuidString.prefix(8).lowercased())"
        let simulator = try await ListeningProcess.simulator(
            gatehouse: gatehouse, rooms: ["--room-count", "\(rooms)"], log: "\(workDirectory)/\(base)-simulator.log")
        let bridge: BridgeProcess
        let facadePort: Int
        do {
            facadePort = try OZLocksBenchSupport.freePort()
            // No locks listed: every room is served as WR and nothing is polled, so only the facade's
            // requests reach the simulator.
            let config = BridgeProcess.config(
                broker: broker, baseTopic: base, storePath: "\(workDirectory)/\(base).sqlite", simulatorURL: simulator.url,
                locks: [], pollInterval: 60, facadePort: facadePort)
            bridge = try await BridgeProcess.start(
                gatehouse: gatehouse, broker: broker, baseTopic: base, config: config, workDirectory: workDirectory)
        } catch {
            await simulator.stop()
            throw error
        }
        let load = HTTPLoad()
        let outcome: Result<FacadeReport, any Error>
        var floorProcess: ListeningProcess?
        do {
            if let floor {
                floorProcess = try await ListeningProcess.facadeFloor(
                    floor, broker: broker, simulatorURL: simulator.url, log: "\(workDirectory)/\(base)-floor.log")
            }
            outcome = .success(
                try await measure(
                    load: load, simulator: simulator, bridge: bridge, floor: floorProcess,
                    facadeURL: "http://127.0.0.1:\(facadePort)"))
        } catch {
            outcome = .failure(error)
        }
        await load.shutdown()
        await floorProcess?.stop()
        let exit = await bridge.stop()
        await simulator.stop()
        var report = try outcome.get()
        report.gatehouseExitStatus = exit
        return report
    }

    private func measure(
        load: HTTPLoad, simulator: ListeningProcess, bridge: BridgeProcess, floor floorProcess: ListeningProcess?, facadeURL: String
    ) async throws -> FacadeReport {
        let null = try NullHTTPServer()
        defer { null.stop() }
        let floor = try Self.readStates(url: "http://127.0.0.1:\(null.port)", key: "none", rooms: rooms)
        let direct = try Self.readStates(url: simulator.url, key: OZLocksBenchSupport.simulatorKey, rooms: rooms)
        let facade = try Self.readStates(url: facadeURL, key: OZLocksBenchSupport.facadeKey, rooms: rooms)
        try await Self.waitForOK(load, floor[0], what: "the null server", log: "/dev/null")
        try await Self.waitForOK(load, direct[0], what: "the simulator", log: simulator.log)
        try await Self.waitForOK(load, facade[0], what: "the facade", log: bridge.log)
        var targets = [("null", floor), ("direct", direct)]
        if let floorProcess {
            let requests = try Self.readStates(url: floorProcess.url, key: "none", rooms: rooms)
            try await Self.waitForOK(load, requests[0], what: "the facade floor", log: floorProcess.log)
            targets.append(("floor", requests))
        }
        targets.append(("facade", facade))
        var report = FacadeReport(
            rooms: rooms, startupSeconds: bridge.startupSeconds,
            client:
                "AsyncHTTPClient, 1 event-loop thread in the bench process, keep-alive, at most \(HTTPLoad.connectionLimit) connections per server")
        // The floor's row counts the floor program, not the idle bridge (that lands in "others").
        let underTest: (name: String, pid: pid_t?) = ("gatehouse", bridge.child.pid)
        let floorUnderTest: (name: String, pid: pid_t?) = ("floor", floorProcess?.child.pid)
        func processes(_ target: String) -> [(name: String, pid: pid_t?)] {
            [("bench", getpid()), target == "floor" ? floorUnderTest : underTest, ("simulator", simulator.child.pid), ("broker", brokerPID)]
        }
        // Warm-up (not recorded): connection pools of the client and of the adapter, code paths.
        for (_, requests) in targets { _ = await load.openLoop(requests, rate: rates.first ?? 1000, seconds: 2) }
        for rate in rates {
            var pair: [String: HTTPLatencyResult] = [:]
            for (target, requests) in targets {
                let cpu = ProcessCPUWindow(processes(target))
                let (phase, lateness) = await load.openLoop(requests, rate: rate, seconds: seconds)
                let result = HTTPLatencyResult(
                    target: target, rate: rate, seconds: seconds, phase: phase, lateness: lateness, cpu: cpu.usage())
                Log.progress("  \(result.description)")
                report.results.append(result)
                pair[target] = result
            }
            if let d = pair["direct"], let f = pair["facade"] { report.added.append(AddedLatency(direct: d, facade: f)) }
            if let d = pair["direct"], let f = pair["floor"] { report.floorAdded.append(AddedLatency(direct: d, facade: f)) }
        }
        let status = ProcStatus(pid: bridge.child.pid)
        report.gatehouseRssKiB = status?.rssKiB
        report.gatehousePeakRssKiB = status?.peakRssKiB
        return report
    }

    /// `GET /ReadState` with the JSON body the spec gives, one request per room.
    static func readStates(url: String, key: String, rooms: Int) throws -> [HTTPClient.Request] {
        try (1...max(1, rooms)).map { room in
            var headers = HTTPHeaders()
            headers.add(name: "X-API-Key", value: key)
            headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            headers.add(name: "Accept", value: "application/json")
            return try HTTPClient.Request(
                url: "\(url)/ReadState", method: .GET, headers: headers,
                body: .string(#"{"Room":"\#(room)","WorkstationID":"\#(workstation)"}"#))
        }
    }

    /// Retries one request until it is answered with 200 (the facade's subscription is then in place).
    static func waitForOK(_ load: HTTPLoad, _ request: HTTPClient.Request, what: String, log: String) async throws {
        var last = "no answer"
        for _ in 0..<100 {
            do {
                let (status, body) = try await load.fetch(request)
                if status == 200 { return }
                last = "HTTP \(status): \(String(decoding: body.prefix(200), as: UTF8.self))"
            } catch {
                last = OZLocksBenchSupport.describe(error)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("ReadState through \(what) never answered 200 (last: \(last)); last lines of \(log):\n\(OZLocksBenchSupport.tail(log))")
    }
}

struct FacadeReport: Codable {
    var operation = "ReadState"
    var rooms: Int
    /// `gatehouse run` from spawn to online.
    var startupSeconds: Double
    /// The load generator, the same for both targets.
    var client: String
    var results: [HTTPLatencyResult] = []
    /// Facade minus direct, per offered rate.
    var added: [AddedLatency] = []
    /// Floor minus direct, per offered rate, when the floor ran.
    var floorAdded: [AddedLatency] = []
    /// `gatehouse run` (facade + adapter) after the phases: VmRSS and VmHWM.
    var gatehouseRssKiB: Int?
    var gatehousePeakRssKiB: Int?
    var gatehouseExitStatus: Int32?
}

/// What Gatehouse adds over calling the simulator directly, in the same run at the same offered
/// rate: differences of the percentiles (not percentiles of differences), in µs, and p99's ratio.
struct AddedLatency: Codable {
    var offeredRate: Int
    var p50Us: Int64
    var p99Us: Int64
    var p999Us: Int64
    var p99Ratio: Double?

    init(direct: HTTPLatencyResult, facade: HTTPLatencyResult) {
        offeredRate = facade.offeredRate
        p50Us = Int64(facade.p50Us) - Int64(direct.p50Us)
        p99Us = Int64(facade.p99Us) - Int64(direct.p99Us)
        p999Us = Int64(facade.p999Us) - Int64(direct.p999Us)
        p99Ratio = direct.p99Us > 0 ? (Double(facade.p99Us) / Double(direct.p99Us) * 100).rounded() / 100 : nil
    }
}
