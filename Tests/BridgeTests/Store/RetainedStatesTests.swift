import Foundation
import Testing
@testable import Bridge

@Suite("Retained states")
struct RetainedStatesTests {
    @Test func putReportsWhetherThePayloadChanged() async throws {
        let retained = try Store.temporary().retained
        let topic = "gatehouse/locks/101/state"
        #expect(try await retained.put(topic: topic, payload: "locked".storeData))
        #expect(try await !retained.put(topic: topic, payload: "locked".storeData))
        #expect(try await retained.put(topic: topic, payload: "open".storeData))
        #expect(try await retained.payload(topic: topic) == "open".storeData)
        // An empty payload is a value too, distinct from the previous one.
        #expect(try await retained.put(topic: topic, payload: Data()))
        #expect(try await !retained.put(topic: topic, payload: Data()))
    }

    @Test func removeForgetsTheState() async throws {
        let retained = try Store.temporary().retained
        try await retained.put(topic: "a", payload: "1".storeData)
        #expect(try await retained.remove(topic: "a"))
        #expect(try await !retained.remove(topic: "a"))
        #expect(try await retained.payload(topic: "a") == nil)
        #expect(try await retained.put(topic: "a", payload: "1".storeData))
    }

    @Test func allIsOrderedByTopicAndFiltersByLiteralPrefix() async throws {
        let retained = try Store.temporary().retained
        for topic in ["gatehouse/places/2/state", "gatehouse/locks/b/state", "gatehouse/locks/a/state",
                      "gatehouse/locks%_x/state", "other/locks/a"] {
            try await retained.put(topic: topic, payload: topic.storeData)
        }
        let all = try await retained.all()
        #expect(all.map(\.topic) == [
            "gatehouse/locks%_x/state", "gatehouse/locks/a/state", "gatehouse/locks/b/state",
            "gatehouse/places/2/state", "other/locks/a",
        ])
        #expect(all.allSatisfy { $0.payload == $0.topic.storeData })

        let locks = try await retained.all(matching: "gatehouse/locks/")
        #expect(locks.map(\.topic) == ["gatehouse/locks/a/state", "gatehouse/locks/b/state"])
        // % and _ are not wildcards.
        let literal = try await retained.all(matching: "gatehouse/locks%_")
        #expect(literal.map(\.topic) == ["gatehouse/locks%_x/state"])
        #expect(try await retained.all(matching: "none/").isEmpty)
    }

    @Test func forEachPagesThroughTheStatesInTopicOrder() async throws {
        let retained = try Store.temporary().retained
        let locks = (1...7).map { "gatehouse/locks/\($0)/state" }
        for topic in locks.shuffled() + ["gatehouse/places/1/state", "gatehouse/locks%x"] {
            try await retained.put(topic: topic, payload: topic.storeData)
        }
        var pages: [[String]] = []
        try await retained.forEach(matching: "gatehouse/locks/", pageSize: 3) { page in
            #expect(page.allSatisfy { $0.payload == $0.topic.storeData })
            pages.append(page.map(\.topic))
        }
        #expect(pages == [Array(locks[0..<3]), Array(locks[3..<6]), [locks[6]]])

        var everything: [String] = []
        try await retained.forEach(pageSize: 2) { everything += $0.map(\.topic) }
        #expect(everything == (try await retained.all()).map(\.topic))
        #expect(everything.count == 9)

        var none = 0
        try await retained.forEach(matching: "none/") { _ in none += 1 }
        #expect(none == 0)
    }

    @Test func forEachCanLeaveAPrefixOut() async throws {
        let retained = try Store.temporary().retained
        for topic in ["ha/device/a/config", "ha/device/b/config", "gatehouse/locks/1/state", "hb/x"] {
            try await retained.put(topic: topic, payload: topic.storeData)
        }
        var seen: [String] = []
        try await retained.forEach(excluding: "ha/device/", pageSize: 1) { seen += $0.map(\.topic) }
        #expect(seen == ["gatehouse/locks/1/state", "hb/x"])
    }
}
