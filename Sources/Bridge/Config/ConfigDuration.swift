import Foundation

/// Durations as written in the configuration: `250ms`, `60s`, `5m`, `1h`, `1d`, or a bare
/// number of seconds (fractions allowed, e.g. `1.5s`).
public enum ConfigDuration {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400),
    ]

    /// Parses a duration; nil when the text is not one (negative values included).
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        // `units` lists "ms" first, so it wins over "s".
        let unit = units.first { trimmed.hasSuffix($0.suffix) }
        let number = unit.map { String(trimmed.dropLast($0.suffix.count)) } ?? trimmed
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
            let value = Double(number), value.isFinite
        else { return nil }
        let seconds = value * (unit?.seconds ?? 1)
        // A century is far beyond any sensible timeout and keeps the arithmetic exact.
        guard seconds <= 3_153_600_000 else { return nil }
        let milliseconds = seconds * 1000
        if milliseconds == milliseconds.rounded() {
            return .milliseconds(Int64(milliseconds))
        }
        return .seconds(seconds)
    }

    /// Writes a duration back in the shortest configuration form, e.g. `30s`, `24h`, `250ms`.
    public static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds == 0 {
            for (suffix, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60)]
            where seconds != 0 && seconds % size == 0 {
                return "\(seconds / size)\(suffix)"
            }
            return "\(seconds)s"
        }
        let milliseconds = duration.timeInterval * 1000
        if milliseconds == milliseconds.rounded() {
            return "\(Int64(milliseconds))ms"
        }
        return "\(duration.timeInterval)s"
    }
}

extension Duration {
    /// The duration in seconds as a `Double`, for APIs that take a `TimeInterval`.
    public var timeInterval: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
