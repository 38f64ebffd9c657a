import AsyncHTTPClient
import Foundation
import Histogram
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The HTTP side of the OZLocks benches: AsyncHTTPClient on one event-loop thread of its own, with
/// keep-alive connections. Open-loop phases send from `PacedSender`'s thread at absolute due times
/// and time every answer from its **due** time (as the MQTT round trip does), so a stall anywhere,
/// in this client too, counts in full. Phases that use the same client against different servers
/// (the simulator directly, the facade) therefore carry the same client overhead, and their
/// difference is the servers' own.
final class HTTPLoad: Sendable {
    /// What one open-loop phase saw.
    struct Phase {
        let id: UInt32
        let scheduleStart: UInt64
        let intervalNanos: Double
        var histogram = RequestPhase.emptyHistogram()
        var completed = 0
        /// Answers with HTTP 200.
        var ok = 0
        /// Other answers and transport errors, by description (`HTTP 500`, `connection closed`…).
        var failures: [String: Int] = [:]

        /// Times the answer to request `seq` from its due time.
        mutating func record(seq: UInt64, at now: UInt64, _ result: Result<HTTPClient.Response, any Error>) {
            let due = scheduleStart + UInt64(Double(seq) * intervalNanos)
            let micros = now > due ? (now - due) / 1000 : 0
            histogram.record(min(micros, histogram.highestTrackableValue))
            completed += 1
            switch result {
            case .success(let response) where response.status == .ok: ok += 1
            case .success(let response): failures["HTTP \(response.status.code)", default: 0] += 1
            case .failure(let error): failures[OZLocksBenchSupport.describe(error), default: 0] += 1
            }
        }
    }

    /// How many connections the pool may open per server; more are used only while answers are slow.
    static let connectionLimit = 64

    private let group: MultiThreadedEventLoopGroup
    let client: HTTPClient
    private let phase = Mutex<Phase?>(nil)
    private let nextPhaseID = Atomic<UInt32>(1)

    init() {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.connectionLimit)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        configuration.decompression = .disabled
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }

    func shutdown() async {
        try? await client.shutdown()
        try? await group.shutdownGracefully()
    }

    /// One request, awaited: for readiness checks and the simulator's `/_sim/` counters.
    func fetch(_ request: HTTPClient.Request) async throws -> (status: Int, body: Data) {
        let response = try await client.execute(request: request, deadline: .now() + .seconds(10)).get()
        return (Int(response.status.code), response.body.map { Data($0.readableBytesView) } ?? Data())
    }

    /// Offers `requests` (round robin) at `rate` per second for `seconds`, then waits for the answers
    /// still in flight (at most 5 s without progress). Returns the phase and the pacing thread's lateness.
    func openLoop(_ requests: [HTTPClient.Request], rate: Int, seconds: Double) async -> (Phase, Histogram<UInt64>) {
        let total = Int(Double(rate) * seconds)
        let interval = 1e9 / Double(rate)
        let start = Monotonic.now() + 20_000_000
        let id = nextPhaseID.add(1, ordering: .relaxed).oldValue
        phase.withLock { $0 = Phase(id: id, scheduleStart: start, intervalNanos: interval) }
        let lateness = await PacedSender.run(count: total, start: start, intervalNanos: interval) { [self] seq in
            let request = requests[Int(seq % UInt64(requests.count))]
            client.execute(request: request, deadline: .now() + .seconds(30)).whenComplete { [self] result in
                record(id: id, seq: seq, result)
            }
        }
        var last = -1
        var lastProgress = ContinuousClock.now
        while true {
            let completed = phase.withLock { $0?.completed ?? 0 }
            if completed >= total { break }
            if completed != last {
                last = completed
                lastProgress = ContinuousClock.now
            } else if ContinuousClock.now - lastProgress > .seconds(5) {
                break
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let finished = phase.withLock { p in defer { p = nil }; return p }
        return (finished ?? Phase(id: id, scheduleStart: start, intervalNanos: interval), lateness)
    }

    /// Runs on the client's event-loop thread as each answer completes. Mutates the phase in place
    /// (optional chaining): a copy would copy the histogram's counts on every answer.
    private func record(id: UInt32, seq: UInt64, _ result: Result<HTTPClient.Response, any Error>) {
        let now = Monotonic.now()
        phase.withLock { current in
            guard current?.id == id else { return }
            current?.record(seq: seq, at: now, result)
        }
    }
}

/// One open-loop HTTP phase of the OZLocks benches (latencies in µs, from the due time).
struct HTTPLatencyResult: Codable {
    /// `null` (`NullHTTPServer`: the client's floor), `direct` (the simulator itself) or `facade`
    /// (Gatehouse's OZLocks facade in front of the simulator).
    var target: String
    var offeredRate: Int
    var seconds: Double
    var sent: Int
    var completed: Int
    /// Answers with HTTP 200; the rest are counted in `failures`.
    var ok: Int
    var failures: [String: Int]
    var achievedRate: Double
    var p50Us: UInt64
    var p90Us: UInt64
    var p99Us: UInt64
    var p999Us: UInt64
    var maxUs: UInt64
    var meanUs: Double
    /// How late the pacing thread sent, p99 (µs): load-generator jitter included in the latencies.
    var senderLatenessP99Us: UInt64
    /// CPU in % of one core over the phase, per process, plus everything else on the machine.
    var cpu: ProcessCPUShares

    init(target: String, rate: Int, seconds: Double, phase: HTTPLoad.Phase, lateness: Histogram<UInt64>, cpu: ProcessCPUShares) {
        let h = phase.histogram
        let empty = h.totalCount == 0
        self.target = target
        offeredRate = rate
        self.seconds = seconds
        sent = Int(Double(rate) * seconds)
        completed = phase.completed
        ok = phase.ok
        failures = phase.failures
        achievedRate = Double(phase.ok) / seconds
        p50Us = empty ? 0 : h.valueAtPercentile(50)
        p90Us = empty ? 0 : h.valueAtPercentile(90)
        p99Us = empty ? 0 : h.valueAtPercentile(99)
        p999Us = empty ? 0 : h.valueAtPercentile(99.9)
        maxUs = empty ? 0 : h.max
        meanUs = empty ? 0 : h.mean
        senderLatenessP99Us = lateness.totalCount == 0 ? 0 : lateness.valueAtPercentile(99)
        self.cpu = cpu
    }

    var label: String { "\(target) @ \(offeredRate)/s" }

    var description: String {
        String(
            format: "%@: %d/%d ok, p50 %llu µs, p99 %llu µs, p99.9 %llu µs, max %llu µs", label, ok, sent, p50Us, p99Us,
            p999Us, maxUs)
    }
}
