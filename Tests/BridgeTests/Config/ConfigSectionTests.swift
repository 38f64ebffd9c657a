import Bridge
import Testing

@Suite struct ConfigSectionTests {
    func section(_ yaml: String, environment: [String: String] = [:]) throws -> ConfigSection {
        ConfigSection(root: try ConfigNode.parse(yaml: yaml), environment: environment)
    }

    @Test func scalarReads() throws {
        let root = try section("""
            size: 1_048_576
            on: yes
            off: Off
            ratio: 0.25
            level: WARNING
            name: "00123"
            """)
        #expect(root.int("size", default: 0) == 1_048_576)
        #expect(root.bool("on", default: false) == true)
        #expect(root.bool("off", default: true) == false)
        #expect(root.double("ratio", default: 0) == 0.25)
        #expect(root.enumValue("level", default: GatehouseConfig.LogLevel.info) == .warning)
        #expect(root.string("name", default: "") == "00123")
        #expect(root.string("absent", default: "fallback") == "fallback")
        #expect(root.optionalString("absent") == nil)
        root.finish()
        #expect(root.problemLog.problems.isEmpty)
    }

    @Test func substitutionForms() throws {
        let root = try section(
            "url: http://${HOST}:${PORT:-80}/x\nliteral: $${NOT} costs $5\nempty: ${EMPTY:-d}",
            environment: ["HOST": "h", "EMPTY": ""])
        #expect(root.string("url", default: "") == "http://h:80/x")
        #expect(root.string("literal", default: "") == "${NOT} costs $5")
        #expect(root.string("empty", default: "") == "d")
        #expect(root.problemLog.problems.isEmpty)
    }

    @Test func requiredKeysAndListElementsHavePaths() throws {
        let root = try section("locks:\n  - { room: '101' }\n  - { series: H }\n  - 7\n")
        let locks = root.sectionList("locks")
        #expect(locks.map(\.path) == ["locks[0]", "locks[1]"])
        #expect(locks.map { $0.requiredString("room") } == ["101", ""])
        #expect(root.requiredString("name") == "")
        root.finish()
        #expect(
            root.problemLog.problems.map(\.description) == [
                "locks[2] (line 4): expected a mapping; got a string",
                "locks[1].room (line 3): missing required key",
                "name: missing required key",
                "locks[1].series (line 3): unknown key",
            ])
    }

    @Test func finishLeavesHandedOverSectionsToTheirReader() throws {
        let root = try section("own: { a: 1, b: 2 }\ntheirs: { x: 1 }\n")
        let own = root.section("own")
        _ = own.int("a", default: 0)
        let theirs = root.handOver("theirs")
        root.finish()
        #expect(root.problemLog.problems.map(\.description) == ["own.b (line 1): unknown key"])
        theirs.finish()
        #expect(root.problemLog.problems.map(\.path) == ["own.b", "theirs.x"])
    }

    @Test func missingSectionIsEmptyButStillOverridable() throws {
        let root = try section("", environment: ["GATEHOUSE_EXTRA_COUNT": "3"])
        let extra = root.section("extra")
        #expect(!extra.isPresent && extra.keys.isEmpty)
        #expect(extra.int("count", default: 0) == 3)
    }

    @Test func mergeKeysAreExpanded() throws {
        let root = try section("base: &b { port: 1, host: a }\nnode: { <<: *b, host: b }\n")
        let node = root.section("node")
        #expect(node.int("port", default: 0) == 1)
        #expect(node.string("host", default: "") == "b")
    }

    @Test func customValidationIsReportedAtTheKey() throws {
        let root = try section("a:\n  retries: 50\n")
        root.section("a").report("too many", key: "retries", severity: .warning)
        #expect(root.problemLog.problems.map(\.description) == ["a.retries (line 2): too many"])
        #expect(!root.problemLog.hasErrors)
    }
}
