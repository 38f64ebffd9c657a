import Foundation

/// The targets from the brief, checked against a report.
enum Targets {
    static let minimumThroughputRatio = 0.8
    static let maximumP99AtFiveThousandMicros = 2_000.0
    static let minimumSaturationRate = 20_000.0
    static let maximumIdleRssKiB = 30.0 * 1024
    static let minimumVankeRate = 2000.0 * 0.98
    static let maximumVankeP99Micros = 20_000.0
    /// Issue 16: crossings stored before acknowledged, per second.
    static let minimumIntakeRate = 2000.0
    /// Issue 3: ReadState through the OZLocks facade, p99 at 1000 req/s offered.
    static let maximumFacadeP99Micros = 5_000.0
    /// Issue 3: polling 10,000 WR locks every 60 s, the bridge's CPU (% of one core) and RSS.
    static let maximumPollingCpuPercent = 10.0
    static let maximumPollingRssKiB = 80.0 * 1024

    static func check(_ report: BenchReport) -> [TargetCheck] {
        var checks: [TargetCheck] = []
        for result in report.throughput {
            if let ratio = result.ratio {
                checks.append(
                    TargetCheck("QoS \(result.qos) throughput, Swift / mosquitto_pub", value: ratio, atLeast: minimumThroughputRatio, unit: "ratio"))
            }
        }
        let router = report.roundTrip?.results.filter { $0.echo == "router" } ?? []
        if let atFiveK = router.first(where: { $0.mode == "open" && $0.offeredRate == 5000 }) {
            checks.append(TargetCheck("router p99 at 5000 req/s", value: Double(atFiveK.p99Us), atMost: maximumP99AtFiveThousandMicros, unit: "µs"))
        }
        if let saturation = router.first(where: { $0.mode == "closed" }) {
            checks.append(TargetCheck("router saturation", value: saturation.achievedRate, atLeast: minimumSaturationRate, unit: "req/s"))
        }
        if let intake = report.intake {
            checks.append(TargetCheck("durable intake (stored before PUBACK)", value: intake.storedPerSecond, atLeast: minimumIntakeRate, unit: "crossings/s"))
        }
        if let memory = report.memory {
            checks.append(TargetCheck("gatehouse run idle RSS", value: Double(memory.gatehouseIdleRssKiB), atMost: maximumIdleRssKiB, unit: "KiB"))
        }
        if let vanke = report.vanke {
            checks.append(TargetCheck("Vanke recognitions offered", value: vanke.achievedRate, atLeast: minimumVankeRate, unit: "rec/s"))
            checks.append(TargetCheck("Vanke recognitions without a decision", value: Double(vanke.missing), atMost: 0, unit: "rec"))
            checks.append(TargetCheck("Vanke recognition → decision p99", value: Double(vanke.p99Us), atMost: maximumVankeP99Micros, unit: "µs"))
        }
        if let facade = report.facade?.results.first(where: { $0.target == "facade" && $0.offeredRate == 1000 }) {
            checks.append(TargetCheck("OZLocks facade ReadState p99 at 1000 req/s", value: Double(facade.p99Us), atMost: maximumFacadeP99Micros, unit: "µs"))
        }
        // The targets are for 10,000 locks every 60 s; other settings (shorter runs) are reported only.
        if let polling = report.polling, polling.locks == 10_000, polling.pollIntervalSeconds == 60 {
            if let cpu = polling.steadyCPU["gatehouse"] {
                checks.append(TargetCheck("polling 10,000 WR locks every 60 s, bridge CPU", value: cpu, atMost: maximumPollingCpuPercent, unit: "% of one core"))
            }
            if let peak = polling.gatehousePeakRssKiB {
                checks.append(TargetCheck("polling 10,000 WR locks every 60 s, bridge peak RSS", value: Double(peak), atMost: maximumPollingRssKiB, unit: "KiB"))
            }
        }
        return checks
    }
}

enum ReportWriter {
    /// Writes `<UTC timestamp>.json` and `latest.json`; returns the first path.
    static func write(_ report: BenchReport, to directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(report)
        let name = report.startedAt.replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "-", with: "")
        let path = "\(directory)/\(name).json"
        try data.write(to: URL(fileURLWithPath: path))
        try data.write(to: URL(fileURLWithPath: "\(directory)/latest.json"))
        return path
    }
}

/// The human-readable summary printed at the end of a run.
enum Summary {
    private static let roundTripWidths = [30, 15, 8, 8, 8, 8, 8, 7, 8, 8, 8]

    static func text(_ report: BenchReport) -> String {
        var lines: [String] = []
        lines.append("")
        lines.append("Gatehouse bench, \(report.startedAt) — \(report.machine.cpus) × \(report.machine.cpuModel)")
        lines.append(
            "Load average (1 min) at start \(number(report.machine.loadAverageAtStart, decimals: 2)), at end \(number(report.machine.loadAverageAtEnd, decimals: 2)): other work on the machine skews every figure")
        if !report.throughput.isEmpty {
            lines.append("")
            lines.append("Throughput, end to end (median msgs/s of the runs; subscriber: mosquitto_sub for both)")
            lines.append(row(["", "messages", "Swift", "mosquitto_pub", "ratio"]))
            for t in report.throughput {
                lines.append(
                    row([
                        "QoS \(t.qos)", "\(t.messages)", number(t.swift.median), number(t.mosquittoPub.median),
                        t.ratio.map { String(format: "%.2f", $0) } ?? "-",
                    ]))
            }
        }
        if let roundTrip = report.roundTrip {
            lines.append("")
            lines.append("Request/response round trip (QoS \(roundTrip.requestQoS), latencies in µs)")
            lines.append(row(["", "answered", "req/s", "p50", "p99", "p99.9", "max", "late", "bench", "broker", "others"], widths: roundTripWidths))
            for r in roundTrip.results {
                lines.append(
                    row(
                        [
                            r.label, "\(r.completed)/\(r.sent)", number(r.achievedRate), "\(r.p50Us)", "\(r.p99Us)", "\(r.p999Us)",
                            "\(r.maxUs)", r.senderLatenessP99Us.map { "\($0)" } ?? "-", percent(r.benchCpuPercent), percent(r.brokerCpuPercent), percent(r.otherCpuPercent),
                        ],
                        widths: roundTripWidths))
            }
            lines.append("  late: p99 of how late the pacing thread sent (µs), already included in the latencies")
            lines.append(
                "  CPU in % of one core: this bench process (requester, echoes, bridge), the broker, and everything else"
                    + " (other work and unattributed kernel time; high means a disturbed phase)")
        }
        if let m = report.memory {
            lines.append("")
            lines.append(
                "Memory of `gatehouse run`, idle \(number(m.idleSeconds)) s after going online (\(number(m.startupSeconds, decimals: 2)) s after start):")
            lines.append(
                "  RSS \(mib(m.gatehouseIdleRssKiB)) (private/anon \(mib(m.gatehouseAnonRssKiB)), file-backed \(mib(m.gatehouseFileRssKiB))), peak \(mib(m.gatehousePeakRssKiB))")
        }
        for v in [report.vanke, report.vankeFloor].compactMap({ $0 }) {
            let process = v.process ?? "gatehouse run"
            lines.append("")
            lines.append(
                "Vanke recognitions → decisions (`\(process)`, \(v.gates) gates, platform answers in \(number(v.platformDelayMs)) ms):")
            lines.append(
                "  offered \(v.offeredRate)/s for \(number(v.seconds)) s (sent at \(number(v.achievedRate))/s, sender p99 late \(v.senderLateP99Us) µs): \(v.decisions)/\(v.sent) decided, \(v.platformCalls) platform calls")
            lines.append(
                "  p50 \(v.p50Us) µs, p99 \(v.p99Us) µs, p99.9 \(v.p999Us) µs, max \(v.maxUs) µs; \(process) CPU \(percent(v.gatehouseCpuPercent)) of a core, peak RSS \(mib(v.gatehousePeakRssKiB))")
            lines.append(
                "  bench process (sender, collector, platform simulator) CPU \(percent(v.benchCpuPercent)), broker \(percent(v.brokerCpuPercent))")
        }
        if let i = report.intake {
            lines.append("")
            lines.append("Durable intake (`gatehouse run`, Vanke crossings, each stored before its PUBACK):")
            lines.append(
                "  \(i.stored)/\(i.crossings) stored at \(number(i.storedPerSecond))/s; the broker accepted them at \(number(i.publishedPerSecond))/s; gatehouse run CPU \(percent(i.gatehouseCpuPercent)) of a core")
        }
        if let facade = report.facade { lines += facadeLines(facade) }
        if let polling = report.polling { lines += pollingLines(polling) }
        if let bench = report.benchPeakRssKiB {
            lines.append("Peak RSS of the bench process (requester, echoes, in-process bridge): \(mib(bench))")
        }
        if !report.targets.isEmpty {
            lines.append("")
            lines.append("Targets")
            for t in report.targets {
                lines.append(
                    "  \(t.met ? "met   " : "MISSED") \(t.name): \(number(t.value, decimals: t.unit == "ratio" ? 2 : 0)) \(t.unit) (target \(t.comparison) \(number(t.limit, decimals: t.unit == "ratio" ? 2 : 0)))")
            }
        }
        for error in report.errors { lines.append("ERROR \(error)") }
        return lines.joined(separator: "\n")
    }

    private static let facadeWidths = [18, 13, 7, 7, 7, 7, 6, 7, 10, 10, 8, 8]

    private static func facadeLines(_ facade: FacadeReport) -> [String] {
        var lines = ["", "OZLocks facade round trip, \(facade.operation) over HTTP (latencies in µs from the due time)"]
        lines.append(
            row(["", "ok", "p50", "p99", "p99.9", "max", "late", "bench", "gatehouse", "simulator", "broker", "others"], widths: facadeWidths))
        for r in facade.results {
            lines.append(
                row(
                    [
                        r.label, "\(r.ok)/\(r.sent)", "\(r.p50Us)", "\(r.p99Us)", "\(r.p999Us)", "\(r.maxUs)", "\(r.senderLatenessP99Us)",
                        percent(r.cpu["bench"]), percent(r.cpu["floor"] ?? r.cpu["gatehouse"]), percent(r.cpu["simulator"]), percent(r.cpu["broker"]),
                        percent(r.cpu.others),
                    ],
                    widths: facadeWidths))
            if !r.failures.isEmpty {
                lines.append("  failures: " + r.failures.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", "))
            }
        }
        for a in facade.added {
            lines.append(
                "  added by Gatehouse @ \(a.offeredRate)/s: p50 \(signed(a.p50Us)) µs, p99 \(signed(a.p99Us)) µs"
                    + "\(a.p99Ratio.map { String(format: " (× %.2f)", $0) } ?? ""), p99.9 \(signed(a.p999Us)) µs")
        }
        for a in facade.floorAdded {
            lines.append(
                "  added by the floor @ \(a.offeredRate)/s: p50 \(signed(a.p50Us)) µs, p99 \(signed(a.p99Us)) µs"
                    + "\(a.p99Ratio.map { String(format: " (× %.2f)", $0) } ?? ""), p99.9 \(signed(a.p999Us)) µs")
        }
        lines.append("  client: \(facade.client); CPU in % of one core\(facade.floorAdded.isEmpty ? "" : " (in the floor row the gatehouse column is facade-floor)")")
        lines.append("  gatehouse run (facade + adapter) after the phases: RSS \(mib(facade.gatehouseRssKiB)), peak \(mib(facade.gatehousePeakRssKiB))")
        return lines
    }

    private static func pollingLines(_ p: PollingResult) -> [String] {
        func cpu(_ shares: ProcessCPUShares) -> String {
            "gatehouse \(String(format: "%.1f%%", shares["gatehouse"] ?? -1)), simulator \(percent(shares["simulator"])), "
                + "broker \(percent(shares["broker"])), others \(percent(shares.others))"
        }
        return [
            "",
            "OZLocks polling: \(p.locks) WR locks every \(p.pollIntervalSeconds) s (ReadState + ReadLogLock each, pollConcurrency \(p.pollConcurrency)); CPU in % of one core",
            "  first pass (unspread): \(number(p.firstPassSeconds, decimals: 1)) s after online (online \(number(p.startupSeconds, decimals: 1)) s after start); \(cpu(p.firstPassCPU))",
            "  between passes (\(number(p.idleCPU.seconds)) s): \(cpu(p.idleCPU))",
            "  steady pass (\(number(p.windowSeconds)) s): \(p.readStatesInWindow) ReadState + \(p.readLogsInWindow) ReadLogLock; \(cpu(p.steadyCPU)); "
                + "\(number(p.gatehouseCpuMicrosPerLock)) µs of bridge CPU per lock",
            "  gatehouse run RSS \(mib(p.gatehouseRssKiB)) (private/anon \(mib(p.gatehouseAnonRssKiB)), file-backed \(mib(p.gatehouseFileRssKiB))), "
                + "after the first pass \(mib(p.gatehouseRssAfterFirstPassKiB)), peak \(mib(p.gatehousePeakRssKiB)); \(p.gatehouseLogLines) log lines",
        ]
    }

    private static func signed(_ value: Int64) -> String { value >= 0 ? "+\(value)" : "\(value)" }

    /// The first cell left-aligned in `widths[0]`, the others right-aligned in theirs (default 10).
    private static func row(_ cells: [String], widths: [Int] = [8, 10, 12, 14, 8]) -> String {
        cells.enumerated().map { i, cell in
            let width = i < widths.count ? widths[i] : 10
            return i == 0
                ? cell.padding(toLength: width, withPad: " ", startingAt: 0)
                : String(repeating: " ", count: max(1, width - cell.count)) + cell
        }.joined()
    }

    private static func percent(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0) } ?? "-" }

    private static func mib(_ kib: Int?) -> String {
        kib.map { String(format: "%.1f MiB", Double($0) / 1024) } ?? "-"
    }

    private static func number(_ value: Double?, decimals: Int = 0) -> String {
        guard let value else { return "-" }
        return String(format: "%.\(decimals)f", value)
    }
}
