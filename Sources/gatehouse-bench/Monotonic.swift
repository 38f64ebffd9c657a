#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in nanoseconds: one time base for every thread of the bench (libmosquitto's
/// callbacks, the pacing thread, Swift tasks), read without allocation.
enum Monotonic {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// Sleeps the calling thread until `deadline` (absolute, so pacing does not drift).
    static func sleep(until deadline: UInt64) {
        var ts = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nil) == EINTR {}
    }

    /// Asks the kernel to wake this thread on time: the default timer slack (50 µs) would make every
    /// paced send up to 50 µs late, and that lateness lands in the measured latencies.
    /// `prctl` is variadic, so Swift cannot import it; called through dlsym with its integer arguments,
    /// which the x86-64 and AArch64 Linux calling conventions pass like a non-variadic call.
    static func tightenTimerSlack() {
        typealias Prctl = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
        // nil is RTLD_DEFAULT: the first prctl the process can see.
        guard let symbol = dlsym(nil, "prctl") else { return }
        let prctl = unsafeBitCast(symbol, to: Prctl.self)
        _ = prctl(29 /* PR_SET_TIMERSLACK */, 1, 0, 0, 0)
    }

    static func seconds(from start: UInt64, to end: UInt64) -> Double {
        Double(end &- start) / 1e9
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
