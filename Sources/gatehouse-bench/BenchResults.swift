import Foundation
import Histogram

/// Everything one `make bench` run measured, as written to `bench/results/*.json`.
struct BenchReport: Codable {
    var startedAt: String
    var finishedAt = ""
    var command: String
    var machine: MachineInfo
    var broker: BrokerInfo
    var throughput: [ThroughputResult] = []
    var roundTrip: RoundTripReport?
    var memory: MemoryResult?
    var vanke: VankeResult?
    /// The same part through bench/floors's vanke-floor (`--vanke-floor`).
    var vankeFloor: VankeResult?
    /// OZLocks ReadState through the facade vs. straight to the simulator.
    var facade: FacadeReport?
    /// `gatehouse run` polling OZLocks WR locks.
    var polling: PollingResult?
    /// Crossings made durable by `gatehouse run` (stored before acknowledged).
    var intake: IntakeResult?
    /// Peak RSS (VmHWM) of this bench process: requester, echoes and the in-process bridge.
    var benchPeakRssKiB: Int?
    var targets: [TargetCheck] = []
    /// Measurements that could not be taken, and why.
    var errors: [String] = []
}

struct MachineInfo: Codable {
    var cpus: Int
    var cpuModel: String
    var kernel: String
    var toolchain: String?
    var mosquitto: String?
    /// 1-minute load average when the run started and ended: other work on the machine skews the figures.
    var loadAverageAtStart: Double?
    var loadAverageAtEnd: Double?
}

/// The tuning of the private broker the numbers depend on (from its generated config).
struct BrokerInfo: Codable {
    var port: Int
    var maxQueuedMessages: Int?
    var maxInflightMessages: Int?
    var tcpNoDelay: Bool?
}

/// Messages per second of several runs of one publisher.
struct Series: Codable {
    var client: String
    var rates: [Double] = []
    var median: Double?
    var failures: [String] = []

    func summarised() -> Series {
        var copy = self
        copy.median = Stats.median(rates)
        return copy
    }
}

struct ThroughputResult: Codable {
    var qos: Int
    var messages: Int
    var payloadBytes: Int
    var subscriber: String
    var swift: Series
    var mosquittoPub: Series
    /// Median Swift rate over median mosquitto_pub rate.
    var ratio: Double? {
        guard let s = swift.median, let m = mosquittoPub.median, m > 0 else { return nil }
        return s / m
    }

    private enum CodingKeys: String, CodingKey { case qos, messages, payloadBytes, subscriber, swift, mosquittoPub, ratio }

    init(qos: Int, messages: Int, payloadBytes: Int, subscriber: String, swift: Series, mosquittoPub: Series) {
        self.qos = qos
        self.messages = messages
        self.payloadBytes = payloadBytes
        self.subscriber = subscriber
        self.swift = swift
        self.mosquittoPub = mosquittoPub
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            qos: try c.decode(Int.self, forKey: .qos), messages: try c.decode(Int.self, forKey: .messages),
            payloadBytes: try c.decode(Int.self, forKey: .payloadBytes), subscriber: try c.decode(String.self, forKey: .subscriber),
            swift: try c.decode(Series.self, forKey: .swift), mosquittoPub: try c.decode(Series.self, forKey: .mosquittoPub))
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(qos, forKey: .qos)
        try c.encode(messages, forKey: .messages)
        try c.encode(payloadBytes, forKey: .payloadBytes)
        try c.encode(subscriber, forKey: .subscriber)
        try c.encode(swift, forKey: .swift)
        try c.encode(mosquittoPub, forKey: .mosquittoPub)
        try c.encodeIfPresent(ratio, forKey: .ratio)
    }
}

struct RoundTripReport: Codable {
    var requestQoS: Int
    var requestPayloadBytes: Int
    var results: [LatencyResult] = []
}

/// One round-trip phase: who answered, how requests were offered, and the latencies (µs).
struct LatencyResult: Codable {
    /// `router` (GatehouseBridge + RequestRouter) or `plain` (a client that republishes).
    var echo: String
    /// `open` (fixed offered rate, latency from the scheduled send time) or `closed` (fixed window).
    var mode: String
    var offeredRate: Int?
    var window: Int?
    var seconds: Double
    var sent: Int
    var completed: Int
    var achievedRate: Double
    var p50Us: UInt64
    var p90Us: UInt64
    var p99Us: UInt64
    var p999Us: UInt64
    var maxUs: UInt64
    var meanUs: Double
    /// How late the pacing thread sent, p99 (µs): load-generator jitter included in the latencies.
    var senderLatenessP99Us: UInt64?
    /// CPU use during the phase in % of one core: the bench process (requester, echo and bridge
    /// together) and the broker. With 2 cores, 200 % in total is the ceiling.
    var benchCpuPercent: Double?
    var brokerCpuPercent: Double?
    /// The whole machine during the phase, in % of all cores: busy (not idle), and the part of it
    /// spent in the kernel (system, irq, softirq: syscalls, loopback TCP, wake-ups).
    var machineBusyPercent: Double?
    var machineKernelPercent: Double?
    /// CPU used by neither the bench nor the broker, in % of one core (machine busy × cores − both):
    /// other work on the machine plus kernel time not charged to a process. Large values mean the
    /// phase was disturbed.
    var otherCpuPercent: Double?

    var label: String {
        mode == "open" ? "\(echo) @ \(offeredRate ?? 0)/s" : "\(echo) saturation (window \(window ?? 0))"
    }
}

struct MemoryResult: Codable {
    var idleSeconds: Double
    var startupSeconds: Double
    /// VmRSS: every resident page, including clean file-backed pages of the binary and the
    /// shared Swift/Foundation libraries that other processes share.
    var gatehouseIdleRssKiB: Int
    /// VmHWM: the peak VmRSS since start.
    var gatehousePeakRssKiB: Int
    /// RssAnon: private memory (heap, stacks): what the process itself allocated.
    var gatehouseAnonRssKiB: Int?
    /// RssFile: resident pages mapped from files (code, read-only data).
    var gatehouseFileRssKiB: Int?
    var shutdownSeconds: Double?
    var exitStatus: Int32?
}

struct TargetCheck: Codable {
    var name: String
    var value: Double
    var limit: Double
    /// `>=` or `<=`.
    var comparison: String
    var unit: String
    var met: Bool

    init(_ name: String, value: Double, atLeast limit: Double, unit: String) {
        self.name = name
        self.value = value
        self.limit = limit
        comparison = ">="
        self.unit = unit
        met = value >= limit
    }

    init(_ name: String, value: Double, atMost limit: Double, unit: String) {
        self.name = name
        self.value = value
        self.limit = limit
        comparison = "<="
        self.unit = unit
        met = value <= limit
    }
}

enum Stats {
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// Progress on stderr while the bench runs; the summary goes to stdout at the end.
enum Log {
    static func progress(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
