import Foundation
import Glibc

/// Time since this machine booted (`CLOCK_BOOTTIME`), and which boot that is. Every process on the
/// host reads the same clock, and no NTP step or wrong RTC moves it, so instances sharing a store
/// file (SQLite files are shared on one host only) can time each other's claims with it. A claim
/// made in an earlier boot has a different boot id: its holder is gone.
enum BootClock {
    /// Seconds since boot.
    static var now: Double {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The kernel's id of this boot; empty where the kernel does not say (then claims fall back
    /// to the wall clock).
    static let id: String = {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }()
}
