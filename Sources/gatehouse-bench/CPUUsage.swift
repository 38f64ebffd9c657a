import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// CPU use over one phase. Process shares are in % of one core; machine shares in % of all cores.
struct PhaseCPU {
    var bench: Double?
    var broker: Double?
    var machineBusy: Double?
    var machineKernel: Double?
    /// Machine busy × cores − bench − broker, in % of one core.
    var others: Double?
}

/// CPU use of this process and of the broker over one phase, in percent of one core.
struct CPUWindow {
    let brokerPID: Int32?
    let bench = CPUTime(pid: nil)
    let broker: CPUTime?
    let machine = MachineCPU()
    let start = ContinuousClock.now

    init(brokerPID: Int32?) {
        self.brokerPID = brokerPID
        broker = brokerPID.flatMap { CPUTime(pid: $0) }
    }

    /// What the phase used since this window opened.
    func usage() -> PhaseCPU {
        let wall = (ContinuousClock.now - start).seconds
        func share(_ before: CPUTime?, _ after: CPUTime?) -> Double? {
            guard let before, let after, wall > 0 else { return nil }
            return ((after.seconds - before.seconds) / wall * 1000).rounded() / 10
        }
        var busy: Double?
        var kernel: Double?
        if let before = machine, let after = MachineCPU(), after.total > before.total {
            busy = ((after.busy - before.busy) / (after.total - before.total) * 1000).rounded() / 10
            kernel = ((after.kernel - before.kernel) / (after.total - before.total) * 1000).rounded() / 10
        }
        let benchShare = share(bench, CPUTime(pid: nil))
        let brokerShare = share(broker, brokerPID.flatMap { CPUTime(pid: $0) })
        let others = busy.map { busy in
            max(0, (busy * Double(ProcessInfo.processInfo.activeProcessorCount) - (benchShare ?? 0) - (brokerShare ?? 0)).rounded())
        }
        return PhaseCPU(bench: benchShare, broker: brokerShare, machineBusy: busy, machineKernel: kernel, others: others)
    }
}

/// CPU time a process has used (all threads, user + system), from `/proc/<pid>/stat`.
struct CPUTime {
    let seconds: Double

    init?(pid: pid_t?) {
        let path = pid.map { "/proc/\($0)/stat" } ?? "/proc/self/stat"
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            let fields = text.split(separator: ")").last?.split(separator: " "), fields.count > 13,
            let user = Double(fields[11]), let system = Double(fields[12])
        else { return nil }
        seconds = (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// Whole-machine CPU counters from the first line of `/proc/stat` (all cores, in clock ticks).
struct MachineCPU {
    let busy: Double
    let kernel: Double
    let total: Double

    init?() {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first, line.hasPrefix("cpu ")
        else { return nil }
        // user nice system idle iowait irq softirq steal
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }
        guard ticks.count == 8 else { return nil }
        total = ticks.reduce(0, +)
        busy = total - ticks[3] - ticks[4]
        kernel = ticks[2] + ticks[5] + ticks[6]
    }
}
