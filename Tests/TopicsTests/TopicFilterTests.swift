import Testing
import Topics

@Suite("TopicFilter")
struct TopicFilterTests {
    @Test("matching follows MQTT rules", arguments: [
        ("gatehouse/locks/+/request/+", "gatehouse/locks/101/request/open", true),
        ("gatehouse/locks/+/request/+", "gatehouse/locks/101/request", false),
        ("gatehouse/locks/+/request/+", "gatehouse/locks/101/request/open/x", false),
        ("gatehouse/locks/+", "gatehouse/locks/", true),  // `+` matches an empty level
        ("gatehouse/locks/+", "gatehouse/locks", false),
        ("gatehouse/bridge/#", "gatehouse/bridge", true),  // `#` includes the parent
        ("gatehouse/bridge/#", "gatehouse/bridge/adapters/fias", true),
        ("gatehouse/bridge/#", "gatehouse/bridgehead", false),
        ("#", "gatehouse/x", true),
        ("#", "$SYS/x", false),
        ("+/x", "$SYS/x", false),
        ("$SYS/#", "$SYS/x", true),
        ("$share/g/gatehouse/+/request/+", "gatehouse/ofd/request/pay-status", true),
        ("$share/g/#", "$SYS/broker", false),
        ("$share/g/a/b", "$share/g/a/b", false),
        ("a/b", "a/b", true),
        ("a/b", "a/B", false),
        ("a/b", "a/+", false),  // a topic name never contains wildcards
        ("+/+", "/a", true),
        ("Номер/+", "Номер/101", true),
    ])
    func matches(filter: String, topic: String, expected: Bool) throws {
        let parsed = try #require(TopicFilter(filter))
        #expect(parsed.matches(topic) == expected)
    }

    @Test("validity", arguments: [
        ("a/b", true), ("#", true), ("+", true), ("a/+/c/#", true), ("/", true),
        ("", false), ("a/#/b", false), ("a#", false), ("a/b+", false), ("a/+b/c", false),
        ("a\u{0}b", false),
        ("$share/g/a/+", true), ("$share/g/", false), ("$share//a", false), ("$share/g", false),
        ("$share/g+/a", false),
    ])
    func validity(filter: String, valid: Bool) {
        #expect(TopicFilter.isValid(filter) == valid)
        #expect((TopicFilter(filter) != nil) == valid)
    }

    @Test func sharedSubscriptionExposesGroupAndInnerFilter() throws {
        let filter = try #require(TopicFilter("$share/gatehouse/gatehouse/locks/+/request/+"))
        #expect(filter.subscription == "$share/gatehouse/gatehouse/locks/+/request/+")
        #expect(filter.filter == "gatehouse/locks/+/request/+")
        #expect(filter.group == "gatehouse")

        let plain = try #require(TopicFilter("gatehouse/bridge/#"))
        #expect(plain.subscription == plain.filter)
        #expect(plain.group == nil)
    }

    @Test func sharedBuildsTheSubscriptionString() {
        #expect(TopicFilter.shared(group: "gatehouse", "gatehouse/ofd/request/+") == "$share/gatehouse/gatehouse/ofd/request/+")
        #expect(TopicFilter.shared(group: nil, "gatehouse/ofd/request/+") == "gatehouse/ofd/request/+")
        #expect(TopicFilter.shared(group: "", "a/b") == "a/b")
    }

    @Test func topicNames() {
        #expect(TopicFilter.isValidTopicName("gatehouse/locks/101"))
        #expect(!TopicFilter.isValidTopicName(""))
        #expect(!TopicFilter.isValidTopicName("a/+"))
        #expect(!TopicFilter.isValidTopicName("a/#"))
    }
}
