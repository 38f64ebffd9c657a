import Foundation
import Testing

/// `docs/topics.md` is the human reference of `docs/asyncapi.yaml`: every topic its tables list is
/// a channel of the document, and every channel is listed (a response channel through its
/// request, since topics.md gives the answer topic by rule: `…/request/<op>` → `…/response/<op>`).
@Suite("topics.md against asyncapi.yaml")
struct TopicsReferenceTests {
    private static func doc(_ path: String) -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)) ?? ""
    }

    /// `address:` values, e.g. `gatehouse/locks/{room}/request/open`.
    static let channels: [String] = doc("docs/asyncapi.yaml").split(separator: "\n").compactMap { line in
        let text = line.trimmingCharacters(in: .whitespaces)
        // Channel addresses only, not the `address` members of payload schemas.
        guard text.hasPrefix("address: gatehouse/") || text.hasPrefix("address: homeassistant/") else { return nil }
        return String(text.dropFirst("address: ".count))
    }

    /// The first cell of every table row that names a topic, e.g. `gatehouse/locks/<room>/request/<op>`.
    static let rows: [String] = doc("docs/topics.md").split(separator: "\n").compactMap { line in
        guard line.hasPrefix("| `gatehouse/") || line.hasPrefix("| `homeassistant/") else { return nil }
        let cell = line.dropFirst(3).prefix { $0 != "`" }
        // The discovery object id is one level, spelled out in the reference.
        return String(cell).replacingOccurrences(of: "gatehouse_<instance>_<kind>_<id>", with: "<objectId>")
    }

    /// Topics the reference lists that are not part of the contract Gatehouse publishes or serves.
    static let notChannels: Set = [
        "gatehouse/bridge/probe/<clientId>",  // the health check's own round trip
        "homeassistant/status",  // Home Assistant's birth message, only listened to
    ]

    /// A reference row covers an address level by level: `<x>` stands for any `{y}`, and `<op>` for
    /// every operation name.
    static func covers(_ row: String, _ address: String) -> Bool {
        let want = row.split(separator: "/"), got = address.split(separator: "/")
        guard want.count == got.count else { return false }
        return zip(want, got).allSatisfy { w, g in
            w == g || w == "<op>" || (w.hasPrefix("<") && g.hasPrefix("{"))
        }
    }

    @Test func bothDocumentsAreThere() {
        #expect(Self.channels.count > 40)
        #expect(Self.rows.count > 30)
    }

    @Test func everyListedTopicIsAChannel() {
        for row in Self.rows where !Self.notChannels.contains(row) {
            #expect(Self.channels.contains { Self.covers(row, $0) }, "topics.md lists \(row), asyncapi.yaml has no such channel")
        }
    }

    @Test func everyChannelIsListed() {
        for address in Self.channels {
            let listed = address.contains("/response/") ? address.replacingOccurrences(of: "/response/", with: "/request/") : address
            let setAnswer = address.hasSuffix("/response/set") ? address.replacingOccurrences(of: "/response/set", with: "/set") : listed
            #expect(
                Self.rows.contains { Self.covers($0, listed) || Self.covers($0, setAnswer) },
                "asyncapi.yaml has \(address), topics.md does not list it")
        }
    }

    @Test func theCheckCanFail() {
        #expect(!Self.covers("gatehouse/locks/<room>/request/<op>", "gatehouse/locks/{room}/event"))
        #expect(!Self.covers("gatehouse/locks/<room>", "gatehouse/encoders/{encoder}"))
        #expect(Self.covers("gatehouse/locks/<room>/request/<op>", "gatehouse/locks/{room}/request/open"))
    }
}
