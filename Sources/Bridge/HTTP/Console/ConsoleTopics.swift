import Topics

/// What the operator console watches: the retained states and the few events it shows, each by a
/// filter of its own. Never `<base>/#`: request and response traffic, which can be heavy, must not
/// reach the console's connection at all.
enum ConsoleTopics {
    static func filters(_ topics: TopicTree) -> [String] {
        let base = topics.base
        return [
            topics.lockStateFilter, topics.lockAvailabilityFilter, "\(base)/locks/+/event",
            topics.encoderStateFilter,
            "\(base)/parking/+/gates/+/recognition", "\(base)/parking/+/gates/+/decision",
            "\(base)/parking/+/gates/+/mode", "\(base)/parking/+/gates/+/loop",
            "\(base)/parking/+/places/+",
            "\(base)/parking/+/devices/+/availability", "\(base)/parking/+/devices/+/alarm",
            "\(base)/ofd/kkts/+", "\(base)/ofd/kkts/+/alerts",
            topics.bridge.state, topics.bridge.health, "\(base)/bridge/adapters/+", topics.bridge.log,
        ]
    }
}
