import Foundation
import NIOCore
import Testing

@testable import Bridge

/// The console's cache and fan-out, without a network: snapshot then updates, and a browser that
/// does not read is cut off rather than waited for.
@Suite("Console hub")
struct ConsoleHubTests {
    private func hub() -> ConsoleHub { ConsoleHub(logTopic: "gh/bridge/log", timeZone: TimeZone(identifier: "UTC")!) }

    private func message(_ topic: String, _ payload: String, retain: Bool = true) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Data(payload.utf8), retain: retain)
    }

    private func frames(_ stream: AsyncStream<ByteBuffer>, count: Int) async -> [String] {
        var out: [String] = []
        for await frame in stream {
            out.append(String(buffer: frame))
            if out.count == count { break }
        }
        return out
    }

    @Test("a browser gets hello, the latest state per topic, ready, then live updates; cleared states go")
    func snapshotThenUpdates() async throws {
        let hub = hub()
        hub.receive(message("gh/locks/101", #"{"room":"101","lowBattery":false}"#))
        hub.receive(message("gh/locks/101", #"{"room":"101","lowBattery":true}"#))
        hub.receive(message("gh/locks/102", #"{"room":"102"}"#))
        hub.receive(message("gh/locks/102", ""))
        let (_, stream) = try #require(hub.attach(hello: ConsoleEvent.frame("hello", json: Data("{}".utf8))))
        hub.receive(message("gh/encoders/001", #"{"state":"busy"}"#, retain: false))
        let got = await frames(stream, count: 5)
        #expect(got[0].hasPrefix("retry: "))
        #expect(got[1].hasPrefix("event: hello\n"))
        #expect(got[2].hasPrefix("event: state\n") && got[2].contains(#""lowBattery":true"#))
        #expect(!got.joined().contains(#""room":"102""#), "a cleared state is not in the snapshot")
        #expect(got[3] == "event: ready\ndata: {}\n\n")
        #expect(got[4].contains(#""topic":"gh/encoders/001""#) && got[4].contains(#""retained":false"#))
        for frame in got { #expect(frame.hasSuffix("\n\n") && !frame.dropLast(2).contains("\n\n")) }
    }

    @Test("pictures and oversized payloads stay out of the page; text payloads come as text")
    func shaping() async throws {
        let hub = hub()
        let image = String(repeating: "A", count: 5000)
        hub.receive(message("gh/parking/l/gates/g/recognition", #"{"plate":"A123BC","image":"\#(image)"}"#, retain: false))
        hub.receive(message("gh/locks/101/set", "OPEN", retain: false))
        hub.receive(message("gh/parking/l/places/p", String(repeating: "x", count: ConsoleEvent.maxPayloadBytes + 1)))
        let (_, stream) = try #require(hub.attach(hello: ConsoleEvent.frame("hello", json: Data("{}".utf8))))
        let all = await frames(stream, count: 6).joined()
        #expect(all.contains(#""plate":"A123BC""#) && all.contains(#""image":"5000 characters""#) && !all.contains("AAAA"))
        #expect(all.contains(#""text":"OPEN""#))
        #expect(all.contains(#""omitted":"\#(ConsoleEvent.maxPayloadBytes + 1) bytes""#))
    }

    @Test("a browser that stops reading is disconnected, and receiving never waits for it")
    func laggingBrowserIsCutOff() async throws {
        let hub = hub()
        let (_, stream) = try #require(hub.attach(hello: ConsoleEvent.frame("hello", json: Data("{}".utf8))))
        #expect(hub.clientCount == 1)
        let start = ContinuousClock.now
        for i in 0..<(ConsoleHub.clientBuffer * 4) { hub.receive(message("gh/locks/\(i)", #"{"room":"\#(i)"}"#)) }
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(hub.clientCount == 0)
        // What was buffered is still delivered, then the stream ends: EventSource reconnects for a fresh snapshot.
        var count = 0
        for await _ in stream { count += 1 }
        #expect(count == 3 + ConsoleHub.clientBuffer)
        // The cache itself kept every state for the next browser.
        let (_, again) = try #require(hub.attach(hello: ConsoleEvent.frame("hello", json: Data("{}".utf8))))
        #expect(await frames(again, count: 2 + ConsoleHub.clientBuffer * 4 + 1).last == "event: ready\ndata: {}\n\n")
    }

    @Test("the log keeps the last lines; close ends every stream and refuses new ones")
    func logAndClose() async throws {
        let hub = hub()
        for i in 0..<(ConsoleHub.logLines + 10) { hub.receive(message("gh/bridge/log", #"{"message":"m\#(i)"}"#, retain: false)) }
        let (_, stream) = try #require(hub.attach(hello: ConsoleEvent.frame("hello", json: Data("{}".utf8))))
        hub.close()
        var logs: [String] = []
        for await frame in stream where String(buffer: frame).hasPrefix("event: log") { logs.append(String(buffer: frame)) }
        #expect(logs.count == ConsoleHub.logLines)
        #expect(logs.first?.contains(#""m10""#) == true)
        #expect(hub.attach(hello: ConsoleEvent.frame("hello", json: Data("{}".utf8))) == nil)
    }
}
