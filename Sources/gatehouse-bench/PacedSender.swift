import Foundation
import Histogram

/// Sends on a thread of its own at absolute due times (`start + seq * interval`), so pacing neither
/// drifts nor depends on the task pool; a late send is sent at once, never skipped.
enum PacedSender {
    /// Returns how late each send was (µs).
    static func run(count: Int, start: UInt64, intervalNanos: Double, send: @escaping @Sendable (UInt64) -> Void) async
        -> Histogram<UInt64>
    {
        await withCheckedContinuation { (done: CheckedContinuation<Histogram<UInt64>, Never>) in
            Thread.detachNewThread {
                Monotonic.tightenTimerSlack()
                var lateness = RequestPhase.emptyHistogram()
                for seq in 0..<UInt64(count) {
                    let due = start + UInt64(Double(seq) * intervalNanos)
                    if Monotonic.now() < due { Monotonic.sleep(until: due) }
                    let now = Monotonic.now()
                    send(seq)
                    lateness.record(min((now - due) / 1000, 60_000_000))
                }
                done.resume(returning: lateness)
            }
        }
    }
}

/// Per-request latencies of an open-loop phase as CSV (`--timeline`).
enum Timeline {
    /// `seq,due_ms,latency_us` per request; a missing reply has an empty latency.
    static func write(_ timeline: [UInt32], intervalNanos: Double, to path: String) {
        var text = "seq,due_ms,latency_us\n"
        for (seq, micros) in timeline.enumerated() {
            let due = String(format: "%.3f", Double(seq) * intervalNanos / 1e6)
            text += "\(seq),\(due),\(micros == UInt32.max ? "" : String(micros))\n"
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            Log.progress("cannot write \(path): \(error)")
        }
    }
}
