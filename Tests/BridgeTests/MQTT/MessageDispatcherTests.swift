import Bridge
import Foundation
import TestSupport
import Testing
import Topics

/// Holds an event handler until released, and says when it has started.
private final class Latch: Sendable {
    let entered: AsyncStream<Void>
    private let enteredSink: AsyncStream<Void>.Continuation
    private let released: AsyncStream<Void>
    private let releaseSink: AsyncStream<Void>.Continuation

    init() {
        (entered, enteredSink) = AsyncStream.makeStream()
        (released, releaseSink) = AsyncStream.makeStream()
    }

    /// Called by the handler: reports that it runs, then waits for `release()`.
    func hold() async {
        enteredSink.yield()
        for await _ in released { return }
    }

    func release() { releaseSink.finish() }
}

@Suite("Message dispatcher end to end")
struct MessageDispatcherTests {
    @Test("a request and its reply get through while an event handler is still busy with an earlier event")
    func requestsDoNotWaitBehindEvents() async throws {
        let latch = Latch()
        let config = RunningBridge.testConfig(port: TestBroker.shared.port)
        let base = config.mqtt.baseTopic
        let bridge = try await RunningBridge(config: config) { bridge in
            bridge.context.subscribe("\(base)/gates/+/recognition") { _ in await latch.hold() }
            bridge.context.serve(RequestRoute("\(base)/echo/+/request/+") { _ in .string("pong") })
        }
        let requests = RequestClient(context: bridge.bridge.context, name: "dispatcher-test")
        requests.start()
        do {
            try bridge.bridge.context.mqtt.publish("\(base)/gates/g1/recognition", Data(#"{"plate":"A1"}"#.utf8))
            var entered = latch.entered.makeAsyncIterator()
            _ = await entered.next()
            // The dispatcher's task is held by the handler above. Both the request (to the router)
            // and its reply (to the waiting client) must be handled as they arrive, not queued behind it.
            let envelope = try await requests.request(
                "\(base)/echo/x/request/ping", payload: Data("{}".utf8), timeout: .seconds(5))
            #expect(envelope.status == .ok)
            #expect(envelope.data == .string("pong"))
        } catch {
            latch.release()
            await bridge.stop()
            throw error
        }
        latch.release()
        await bridge.stop()
    }
}
