import Histogram

/// One round-trip phase as the requester tracks it: when each request was due or sent, and the
/// latency of every reply (µs, HdrHistogram).
struct RequestPhase {
    let id: UInt32
    let requestTopic: String
    var histogram = RequestPhase.emptyHistogram()
    var received = 0
    var lastReplyAt: UInt64 = 0
    /// Open loop: request `seq` was due at `scheduleStart + seq * intervalNanos`.
    var scheduleStart: UInt64 = 0
    var intervalNanos: Double = 0
    /// Closed loop: until when each reply sends a new request; nil in an open loop.
    var closedLoopUntil: UInt64?
    /// Closed loop: when each request was sent, by sequence number.
    var sentAt: [UInt64] = []
    /// Open loop with `--timeline`: each request's latency (µs) by sequence number.
    var timeline: [UInt32]?

    static func emptyHistogram() -> Histogram<UInt64> {
        Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Notes a request sent now in a closed loop; returns its sequence number.
    mutating func noteSent(at now: UInt64) -> UInt64 {
        sentAt.append(now)
        return UInt64(sentAt.count - 1)
    }

    /// Times the reply to `seq`; in a closed loop that is still running, returns the sequence number
    /// of the request to send in its place.
    mutating func recordReply(seq: UInt64, at now: UInt64) -> UInt64? {
        let start: UInt64
        var next: UInt64?
        if let until = closedLoopUntil {
            guard seq < UInt64(sentAt.count) else { return nil }
            start = sentAt[Int(seq)]
            if now < until { next = noteSent(at: now) }
        } else {
            start = scheduleStart + UInt64(Double(seq) * intervalNanos)
        }
        received += 1
        lastReplyAt = now
        let micros = now > start ? (now - start) / 1000 : 0
        histogram.record(min(micros, histogram.highestTrackableValue))
        if let count = timeline?.count, seq < UInt64(count) {
            timeline?[Int(seq)] = UInt32(clamping: micros)
        }
        return next
    }
}
