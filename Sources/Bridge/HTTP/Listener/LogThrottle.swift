import Synchronization

/// At most one log line per key and interval: what a flood of bad connections or requests
/// deserves is a counter and one line, not one line each.
final class LogThrottle: Sendable {
    private let interval: Duration
    private let last = Mutex<[String: ContinuousClock.Instant]>([:])

    init(interval: Duration) { self.interval = interval }

    /// Whether a line for `key` may be written now.
    func allow(_ key: String, now: ContinuousClock.Instant = .now) -> Bool {
        last.withLock { last in
            if let previous = last[key], now - previous < interval { return false }
            last[key] = now
            return true
        }
    }
}
