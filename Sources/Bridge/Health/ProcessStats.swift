import Foundation

/// Figures about this process for the health topic.
enum ProcessStats {
    /// Resident set size from /proc/self/statm (Linux); 0 where unavailable.
    static var residentBytes: Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
