import Foundation

extension MachineInfo {
    /// This machine, from /proc and `mosquitto -h`.
    static func current(toolchain: String?) -> MachineInfo {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        return MachineInfo(
            cpus: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model, kernel: kernel, toolchain: toolchain,
            mosquitto: mosquittoVersion(), loadAverageAtStart: loadAverage())
    }

    static func loadAverage() -> Double? {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.flatMap { Double($0) }
    }

    /// `mosquitto_sub --help` names the version of both the tools and libmosquitto.
    private static func mosquittoVersion() -> String? {
        guard let child = try? ChildProcess.spawn("mosquitto_sub", ["--help"], stdout: .pipe),
            let fd = child.stdoutPipe
        else { return nil }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            output.append(contentsOf: buffer[0..<n])
        }
        close(fd)
        var status: Int32 = 0
        waitpid(child.pid, &status, 0)
        return String(decoding: output, as: UTF8.self).split(separator: "\n")
            .first { $0.contains("version") }.map { String($0) }
    }
}

extension BrokerInfo {
    /// The tuning lines of the broker's generated mosquitto.conf (later lines win, as in mosquitto).
    static func read(config path: String?, port: Int) -> BrokerInfo {
        var info = BrokerInfo(port: port)
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return info }
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, !fields[0].hasPrefix("#") else { continue }
            switch fields[0] {
            case "max_queued_messages": info.maxQueuedMessages = Int(fields[1])
            case "max_inflight_messages": info.maxInflightMessages = Int(fields[1])
            case "set_tcp_nodelay": info.tcpNoDelay = fields[1] == "true"
            default: break
            }
        }
        return info
    }
}
