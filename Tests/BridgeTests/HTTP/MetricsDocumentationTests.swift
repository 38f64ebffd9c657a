import Bridge
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TestSupport
import Testing
import Topics

/// docs/operations.md's metrics table against what `/metrics` really exposes: a name or a label
/// the page does not list (it once described a `status="done"` that never existed) fails.
@Suite("metrics as documented")
struct MetricsDocumentationTests {
    /// `name → labels` from the table under "## Metrics".
    static func documented() throws -> [String: Set<String>] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        guard let start = text.range(of: "\n## Metrics\n") else { throw TestFailure("no Metrics section") }
        let section = text[start.upperBound...].prefix { _ in true }
        var table: [String: Set<String>] = [:]
        for line in section.split(separator: "\n") {
            if line.hasPrefix("## ") { break }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count > 4, cells[1].hasPrefix("`gatehouse_") else { continue }
            let name = cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            // Labels are the backticked words before any parenthesis: `operation`, `status`.
            let labelCell = cells[3].split(separator: "(").first.map(String.init) ?? ""
            let labels = labelCell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map { String($0.element.prefix { $0 != "=" }) }
            table[name] = Set(labels)
        }
        return table
    }

    /// `family → label names` of the exposition's `gatehouse_` samples (histogram parts folded).
    static func exposed(_ text: String) -> [String: Set<String>] {
        var families: [String: Set<String>] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("gatehouse_") {
            let head = line.prefix { $0 != " " }
            var name = String(head.prefix { $0 != "{" })
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && name.hasPrefix("gatehouse_request_duration") {
                name = String(name.dropLast(suffix.count))
            }
            var labels = families[name] ?? []
            if let open = head.firstIndex(of: "{") {
                for pair in head[head.index(after: open)...].dropLast().split(separator: ",") {
                    let label = String(pair.prefix { $0 != "=" })
                    if label != "le" { labels.insert(label) }
                }
            }
            families[name] = labels
        }
        return families
    }

    @Test("every gatehouse_ metric on /metrics is in docs/operations.md, with exactly the labels it shows")
    func documentedAsExposed() async throws {
        let documented = try Self.documented()
        #expect(documented["gatehouse_requests_total"] == ["operation", "status"], "the parser reads the table: \(documented)")
        var config = RunningBridge.testConfig(port: TestBroker.shared.port)
        config.http.apiKey = Secret("metrics-key")
        let running = try await RunningBridge(config: config, withHTTP: true)
        // Traffic so the request series exist: one answered, one refused.
        let client = try await MessageCollector(port: TestBroker.shared.port, filters: ["\(config.mqtt.baseTopic)/bridge/response/#"])
        try client.publish("\(config.mqtt.baseTopic)/bridge/request/health-check", "{}")
        try client.publish("\(config.mqtt.baseTopic)/bridge/request/health-check", "{not json")
        _ = try await client.messages(on: "\(config.mqtt.baseTopic)/bridge/response/health-check", count: 2)
        let port = try #require(running.httpPort)
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)/metrics")))
        request.setValue("metrics-key", forHTTPHeaderField: "X-API-Key")
        let (data, _) = try await URLSession.shared.data(for: request)
        let exposed = Self.exposed(String(decoding: data, as: UTF8.self))
        #expect(exposed["gatehouse_requests_total"] != nil, "no request series after two requests")
        for (name, labels) in exposed {
            let listed = try #require(documented[name], "\(name) is exposed but not in docs/operations.md")
            #expect(labels == listed, "\(name): exposed labels \(labels.sorted()), documented \(listed.sorted())")
        }
        let statuses = String(decoding: data, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("gatehouse_requests_total{") }
            .compactMap { line in line.range(of: #"status="[a-z]+""#, options: .regularExpression).map { String(line[$0]) } }
        #expect(Set(statuses).isSubset(of: [#"status="ok""#, #"status="error""#]), "\(statuses)")
        await client.stop()
        await running.stop()
    }
}
