import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import TestSupport
import Topics

/// A Server-Sent Events client for tests: reads `/console/events` over real HTTP and keeps every
/// event, so a test can wait for one with a deadline that fails loudly.
final class EventStreamReader: Sendable {
    struct Event: Sendable, CustomStringConvertible {
        let name: String
        let data: String
        var json: JSONValue? { try? JSONValue.parse(data) }
        var description: String { "\(name): \(data)" }
    }

    let contentType: String?
    private final class Box: Sendable {
        let events = Mutex<[Event]>([])
        let ended = Mutex<String?>(nil)
    }

    private let box = Box()
    private let reader: Task<Void, Never>

    init(url: String, headers: [(String, String)]) async throws {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(3600))
        guard response.status == .ok else { throw TestFailure("\(url) answered \(response.status)") }
        contentType = response.headers.first(name: "content-type")
        let box = self.box
        reader = Task {
            var pending = ""
            do {
                for try await chunk in response.body {
                    pending += String(buffer: chunk)
                    while let end = pending.range(of: "\n\n") {
                        let block = String(pending[..<end.lowerBound])
                        pending = String(pending[end.upperBound...])
                        if let event = Self.parse(block) { box.events.withLock { $0.append(event) } }
                    }
                }
                box.ended.withLock { $0 = "the server ended the stream" }
            } catch {
                box.ended.withLock { $0 = "the stream failed: \(error)" }
            }
        }
    }

    /// One event block; nil for comments (heartbeats) and `retry:` lines alone.
    private static func parse(_ block: String) -> Event? {
        var name = "message"
        var data: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
        }
        return data.isEmpty ? nil : Event(name: name, data: data.joined(separator: "\n"))
    }

    var received: [Event] { box.events.withLock { $0 } }
    /// Why the stream ended, or nil while it is open.
    var endReason: String? { box.ended.withLock { $0 } }

    /// The first event (from `from` on) that satisfies `predicate`, within `timeout`.
    func first(
        _ what: String, from: Int = 0, timeout: Duration = .seconds(10), where predicate: (Event) -> Bool
    ) async throws -> (index: Int, event: Event) {
        let deadline = ContinuousClock.now + timeout
        while true {
            let all = received
            if let hit = all.indices.dropFirst(from).first(where: { predicate(all[$0]) }) { return (hit, all[hit]) }
            guard ContinuousClock.now < deadline, endReason == nil else {
                throw TestFailure("no \(what) on the event stream within \(timeout) (\(endReason ?? "still open")); got:\n"
                    + all.map(\.description).joined(separator: "\n"))
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until the server ends the stream.
    func waitForEnd(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while endReason == nil {
            guard ContinuousClock.now < deadline else { throw TestFailure("the event stream is still open after \(timeout)") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func stop() { reader.cancel() }
}
