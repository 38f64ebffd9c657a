import Foundation

/// The targets from the brief, checked against a report.
enum Targets {
    static let minimumThroughputRatio = 0.8
    static let maximumP99AtFiveThousandMicros = 2_000.0
    static let minimumSaturationRate = 20_000.0
    static let maximumIdleRssKiB = 30.0 * 1024

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
        if let memory = report.memory {
            checks.append(TargetCheck("gatehouse run idle RSS", value: Double(memory.gatehouseIdleRssKiB), atMost: maximumIdleRssKiB, unit: "KiB"))
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
    static func text(_ report: BenchReport) -> String {
        var lines: [String] = []
        lines.append("")
        lines.append("Gatehouse bench, \(report.startedAt) — \(report.machine.cpus) × \(report.machine.cpuModel)")
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
            lines.append("Request/response round trip (QoS \(roundTrip.requestQoS), µs)")
            lines.append(row(["", "answered", "req/s", "p50", "p99", "p99.9", "max", "CPU bench/broker"], first: 34))
            for r in roundTrip.results {
                let cpu = "\(number(r.benchCpuPercent))% / \(number(r.brokerCpuPercent))%"
                lines.append(
                    row(
                        [r.label, "\(r.completed)/\(r.sent)", number(r.achievedRate), "\(r.p50Us)", "\(r.p99Us)", "\(r.p999Us)", "\(r.maxUs)", cpu],
                        first: 34))
            }
        }
        if let m = report.memory {
            lines.append("")
            lines.append(
                "Memory of `gatehouse run`, idle \(number(m.idleSeconds)) s after going online (\(number(m.startupSeconds, decimals: 2)) s after start):")
            lines.append(
                "  RSS \(mib(m.gatehouseIdleRssKiB)) (private/anon \(mib(m.gatehouseAnonRssKiB)), file-backed \(mib(m.gatehouseFileRssKiB))), peak \(mib(m.gatehousePeakRssKiB))")
        }
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

    private static func row(_ cells: [String], first: Int = 8) -> String {
        cells.enumerated().map { i, cell in
            i == 0 ? cell.padding(toLength: first, withPad: " ", startingAt: 0) : String(repeating: " ", count: max(1, 12 - cell.count)) + cell
        }.joined()
    }

    private static func mib(_ kib: Int?) -> String {
        kib.map { String(format: "%.1f MiB", Double($0) / 1024) } ?? "-"
    }

    private static func number(_ value: Double?, decimals: Int = 0) -> String {
        guard let value else { return "-" }
        return String(format: "%.\(decimals)f", value)
    }
}
