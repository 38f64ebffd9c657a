/// An MQTT subscription filter, optionally an MQTT 5 shared subscription (`$share/<group>/<filter>`).
public struct TopicFilter: Hashable, Sendable, CustomStringConvertible {
    /// The string to subscribe with, `$share/<group>/` prefix included.
    public let subscription: String
    /// The filter that topics are matched against (without any `$share/<group>/` prefix).
    public let filter: String
    /// The shared-subscription group, or nil for a normal subscription.
    public let group: String?
    private let levels: [Substring]

    /// Parses a filter; nil when it is not a valid MQTT filter.
    public init?(_ subscription: String) {
        var inner = subscription
        var group: String?
        if subscription.hasPrefix("$share/") {
            let parts = subscription.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, Self.isValidGroup(parts[1]) else { return nil }
            group = String(parts[1])
            inner = String(parts[2])
        }
        guard Self.isValidPlainFilter(inner) else { return nil }
        self.subscription = subscription
        self.filter = inner
        self.group = group
        self.levels = inner.split(separator: "/", omittingEmptySubsequences: false)
    }

    public var description: String { subscription }

    /// Whether a topic name published on the broker is delivered to this subscription.
    /// Walks both as UTF-8 bytes without splitting: it runs for every message and subscriber.
    public func matches(_ topic: String) -> Bool {
        var topic = topic
        return topic.withUTF8 { name in
            var filter = filter
            return filter.withUTF8 { pattern in Self.matches(name: name, filter: pattern) }
        }
    }

    private static func matches(name: UnsafeBufferPointer<UInt8>, filter: UnsafeBufferPointer<UInt8>) -> Bool {
        let slash = UInt8(ascii: "/")
        let plus = UInt8(ascii: "+")
        let hash = UInt8(ascii: "#")
        guard !name.isEmpty, !name.contains(where: { $0 == plus || $0 == hash || $0 == 0 }) else { return false }
        // MQTT §4.7.2: a wildcard in the first level never matches a `$…` topic.
        if name[0] == UInt8(ascii: "$"), let first = filter.first, first == plus || first == hash { return false }
        var n = 0  // position in the name
        var f = 0  // position in the filter, always at the start of a filter level
        while true {
            let levelEnd = filter[f...].firstIndex(of: slash) ?? filter.count
            let isLast = levelEnd == filter.count
            if levelEnd - f == 1 && filter[f] == hash { return true }  // also matches the parent: `a/#` matches `a`
            guard n <= name.count else { return false }
            let nameEnd = name[n...].firstIndex(of: slash) ?? name.count
            if !(levelEnd - f == 1 && filter[f] == plus) {
                guard nameEnd - n == levelEnd - f, (0..<(levelEnd - f)).allSatisfy({ name[n + $0] == filter[f + $0] }) else {
                    return false
                }
            }
            if isLast { return nameEnd == name.count }
            // The filter goes on: the name must too (a trailing `/#` matches the parent as well).
            if nameEnd == name.count {
                let rest = filter.count - (levelEnd + 1)
                return rest == 1 && filter[levelEnd + 1] == hash
            }
            n = nameEnd + 1
            f = levelEnd + 1
        }
    }

    /// Whether `subscription` is a valid filter (plain or `$share/<group>/<filter>`).
    public static func isValid(_ subscription: String) -> Bool {
        TopicFilter(subscription) != nil
    }

    /// Whether `topic` may be published to: non-empty, no wildcards, no NUL.
    public static func isValidTopicName(_ topic: String) -> Bool {
        !topic.isEmpty && !topic.unicodeScalars.contains { $0 == "+" || $0 == "#" || $0 == "\u{0}" }
    }

    /// `$share/<group>/<filter>` when a group is configured, else `filter` unchanged.
    public static func shared(group: String?, _ filter: String) -> String {
        guard let group, !group.isEmpty else { return filter }
        return "$share/\(group)/\(filter)"
    }

    private static func isValidGroup(_ group: Substring) -> Bool {
        !group.isEmpty && !group.unicodeScalars.contains { $0 == "+" || $0 == "#" || $0 == "\u{0}" }
    }

    private static func isValidPlainFilter(_ filter: String) -> Bool {
        guard !filter.isEmpty, !filter.unicodeScalars.contains("\u{0}") else { return false }
        let levels = filter.split(separator: "/", omittingEmptySubsequences: false)
        for (index, level) in levels.enumerated() {
            if level == "#" {
                if index != levels.count - 1 { return false }
            } else if level != "+" && (level.contains("+") || level.contains("#")) {
                return false
            }
        }
        return true
    }
}
