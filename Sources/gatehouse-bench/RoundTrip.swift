import Bridge
import Foundation
import Histogram

/// Part (b): request/response round trips through the router, and through a plain echo for
/// comparison: open loop at fixed offered rates, then a closed loop at saturation.
struct RoundTripBench {
    let broker: BrokerAddress
    let workDirectory: String
    let seconds: Double
    let rates: [Int]
    let window: Int
    let qos: MQTTQoS
    /// The broker's process, to report its CPU use per phase.
    let brokerPID: Int32?
    /// Which echoes to measure: `plain`, `router` (both by default; one alone for profiling).
    let echoes: [String]
    /// When set, each open-loop phase's per-request latencies go to `<dir>/<echo>-<rate>.csv`.
    let timelineDirectory: String?

    static let requestPayload = Data(#"{"op":"echo","note":"gatehouse round-trip bench request"}"#.utf8)

    func run() async throws -> RoundTripReport {
        let base = "bench-\(UUID().uuidString.prefix(8).lowercased())"
        let routerTopic = "\(base)/bench/1/request/echo"
        let plainTopic = "\(base)/plain/1/request/echo"
        let router = try await RouterEcho(broker: broker, baseTopic: base, storePath: "\(workDirectory)/\(base).sqlite")
        let plain = try PlainEcho(broker: broker, requestTopic: plainTopic)
        let requester = try Requester(
            broker: broker, replyTopic: "\(base)/clients/bench/replies", payload: Self.requestPayload, qos: qos)
        var report = RoundTripReport(requestQoS: Int(qos.rawValue), requestPayloadBytes: Self.requestPayload.count)
        do {
            try await plain.start()
            try await requester.start()
            for (echo, topic) in [("plain", plainTopic), ("router", routerTopic)] where echoes.contains(echo) {
                try await waitForAnswers(requester, topic)
                _ = await closedLoop(requester, echo: echo, topic: topic, seconds: 1, window: 32)  // warm-up
                for rate in rates {
                    let result = await openLoop(requester, echo: echo, topic: topic, rate: rate)
                    Log.progress("  \(Self.describe(result))")
                    report.results.append(result)
                }
                let saturation = await closedLoop(requester, echo: echo, topic: topic, seconds: seconds, window: window)
                Log.progress("  \(Self.describe(saturation))")
                report.results.append(saturation)
            }
        } catch {
            await requester.stop()
            await plain.stop()
            await router.stop()
            throw error
        }
        await requester.stop()
        await plain.stop()
        await router.stop()
        return report
    }

    /// Sends single requests until one is answered: the echo's subscription is then in place.
    private func waitForAnswers(_ requester: Requester, _ topic: String) async throws {
        let id = requester.begin(topic) { $0.closedLoopUntil = 0 }
        for _ in 0..<100 {
            requester.sendTimed(phase: id)
            try await Task.sleep(for: .milliseconds(100))
            if requester.received > 0 {
                _ = requester.end()
                return
            }
        }
        _ = requester.end()
        throw BenchError("no answer on \(topic) within 10 s")
    }

    /// Requests due at a fixed schedule; latency counts from the due time, not the actual send, so
    /// a stall anywhere (including in this process) shows in the figures instead of slowing the load.
    private func openLoop(_ requester: Requester, echo: String, topic: String, rate: Int) async -> LatencyResult {
        let total = Int(Double(rate) * seconds)
        let interval = 1e9 / Double(rate)
        let start = Monotonic.now() + 20_000_000
        let cpu = CPUWindow(brokerPID: brokerPID)
        let id = requester.begin(topic) { phase in
            phase.scheduleStart = start
            phase.intervalNanos = interval
            if timelineDirectory != nil { phase.timeline = Array(repeating: UInt32.max, count: total) }
        }
        let lateness = await PacedSender.run(count: total, start: start, intervalNanos: interval) { seq in
            requester.send(topic, phase: id, seq: seq)
        }
        await drain(requester, expected: total)
        let phase = requester.end()
        if let timelineDirectory, let timeline = phase?.timeline {
            Timeline.write(timeline, intervalNanos: interval, to: "\(timelineDirectory)/\(echo)-\(rate).csv")
        }
        return Self.result(
            phase, echo: echo, mode: "open", offeredRate: rate, window: nil, sent: total, seconds: seconds,
            achieved: Double(phase?.received ?? 0) / seconds, lateness: lateness.valueAtPercentile(99), cpu: cpu)
    }

    /// `window` requests outstanding at all times; each reply sends the next until time is up.
    private func closedLoop(_ requester: Requester, echo: String, topic: String, seconds: Double, window: Int) async
        -> LatencyResult
    {
        let cpu = CPUWindow(brokerPID: brokerPID)
        let start = Monotonic.now()
        let until = start + UInt64(seconds * 1e9)
        let id = requester.begin(topic) { $0.closedLoopUntil = until }
        for _ in 0..<window { requester.sendTimed(phase: id) }
        try? await Task.sleep(for: .seconds(seconds))
        let sent = requester.sentCount
        await drain(requester, expected: sent)
        let elapsed = Monotonic.seconds(from: start, to: max(until, requester.lastReplyAt))
        let phase = requester.end()
        return Self.result(
            phase, echo: echo, mode: "closed", offeredRate: nil, window: window, sent: phase?.sentAt.count ?? sent,
            seconds: seconds, achieved: Double(phase?.received ?? 0) / elapsed, lateness: nil, cpu: cpu)
    }

    /// Waits for the replies still in flight; gives up after 5 s without progress (lost replies).
    private func drain(_ requester: Requester, expected: Int) async {
        var last = -1
        var lastProgress = ContinuousClock.now
        while true {
            let received = requester.received
            if received >= expected { return }
            if received != last {
                last = received
                lastProgress = ContinuousClock.now
            } else if ContinuousClock.now - lastProgress > .seconds(5) {
                return
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    private static func result(
        _ phase: RequestPhase?, echo: String, mode: String, offeredRate: Int?, window: Int?, sent: Int,
        seconds: Double, achieved: Double, lateness: UInt64?, cpu: CPUWindow
    ) -> LatencyResult {
        let usage = cpu.usage()
        let h = phase?.histogram ?? RequestPhase.emptyHistogram()
        let empty = h.totalCount == 0
        return LatencyResult(
            echo: echo, mode: mode, offeredRate: offeredRate, window: window, seconds: seconds, sent: sent,
            completed: phase?.received ?? 0, achievedRate: achieved,
            p50Us: empty ? 0 : h.valueAtPercentile(50), p90Us: empty ? 0 : h.valueAtPercentile(90),
            p99Us: empty ? 0 : h.valueAtPercentile(99), p999Us: empty ? 0 : h.valueAtPercentile(99.9),
            maxUs: empty ? 0 : h.max, meanUs: empty ? 0 : h.mean, senderLatenessP99Us: lateness,
            benchCpuPercent: usage.bench, brokerCpuPercent: usage.broker, machineBusyPercent: usage.machineBusy,
            machineKernelPercent: usage.machineKernel, otherCpuPercent: usage.others)
    }

    static func describe(_ r: LatencyResult) -> String {
        String(
            format: "%@: %d/%d answered, %.0f req/s, p50 %llu µs, p99 %llu µs, p99.9 %llu µs, max %llu µs",
            r.label, r.completed, r.sent, r.achievedRate, r.p50Us, r.p99Us, r.p999Us, r.maxUs)
    }
}
