import Foundation

/// CPU use of several processes over one window, in % of one core each, from `/proc/<pid>/stat`
/// (utime + stime of all threads), plus the rest of the machine from `/proc/stat`.
struct ProcessCPUWindow {
    private let names: [String]
    private let pids: [pid_t?]
    private let before: [CPUTime?]
    private let machine = MachineCPU()
    private let start = ContinuousClock.now

    /// Processes without a pid (e.g. no `--broker-pid`) are left out.
    init(_ processes: [(name: String, pid: pid_t?)]) {
        let known = processes.filter { $0.pid != nil }
        names = known.map(\.name)
        pids = known.map(\.pid)
        before = known.map { CPUTime(pid: $0.pid) }
    }

    func usage() -> ProcessCPUShares {
        let wall = (ContinuousClock.now - start).seconds
        var shares = ProcessCPUShares(seconds: (wall * 100).rounded() / 100)
        var sum = 0.0
        for (index, name) in names.enumerated() {
            guard let first = before[index], let last = CPUTime(pid: pids[index]), wall > 0 else { continue }
            let used = last.seconds - first.seconds
            shares.processes[name] = (used / wall * 1000).rounded() / 10
            shares.cpuSeconds[name] = (used * 1000).rounded() / 1000
            sum += used / wall * 100
        }
        if let first = machine, let last = MachineCPU(), last.total > first.total {
            let busy = (last.busy - first.busy) / (last.total - first.total) * 100
            shares.machineBusy = (busy * 10).rounded() / 10
            shares.machineKernel = ((last.kernel - first.kernel) / (last.total - first.total) * 1000).rounded() / 10
            shares.others = max(0, (busy * Double(ProcessInfo.processInfo.activeProcessorCount) - sum).rounded())
        }
        return shares
    }
}

/// What `ProcessCPUWindow` measured.
struct ProcessCPUShares: Codable {
    /// Length of the window (s).
    var seconds: Double
    /// Process name → % of one core over the window.
    var processes: [String: Double] = [:]
    /// Process name → CPU seconds used in the window (user + system).
    var cpuSeconds: [String: Double] = [:]
    /// The whole machine, % of all cores: busy, and the kernel's part of it.
    var machineBusy: Double?
    var machineKernel: Double?
    /// Machine busy × cores − the processes above, in % of one core: other work plus kernel time
    /// not charged to a process. Large values mean a disturbed window.
    var others: Double?

    subscript(_ name: String) -> Double? { processes[name] }
}
