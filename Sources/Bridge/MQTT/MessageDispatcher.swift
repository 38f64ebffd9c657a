import Foundation
import Logging
import Synchronization
import Topics

/// Delivers received messages to whoever subscribed to a matching filter.
///
/// Request topics go to the router, which answers concurrently. Other subscribers are awaited in
/// arrival order, so events on one topic (recognitions at a gate, loop states) keep their order;
/// they should store and return quickly.
public final class MessageDispatcher: Sendable {
    public typealias Handler = @Sendable (MQTTMessage) async -> Void

    private struct Subscriber: Sendable {
        let filter: TopicFilter
        let handler: Handler
    }

    private let client: MQTTClient
    private let router: RequestRouter
    private let subscribers = Mutex<[Subscriber]>([])
    private let logger: Logger

    public init(client: MQTTClient, router: RequestRouter, logger: Logger) {
        self.client = client
        self.router = router
        self.logger = logger
    }

    /// Calls `handler` for every message matching `filter`; the caller subscribes on the client.
    public func on(_ filter: String, _ handler: @escaping Handler) {
        guard let parsed = TopicFilter(filter) else { preconditionFailure("invalid topic filter '\(filter)'") }
        subscribers.withLock { $0.append(Subscriber(filter: parsed, handler: handler)) }
    }

    /// Runs until the client stops.
    public func run() async {
        while let batch = await client.nextBatch() {
            for message in batch {
                await deliver(message)
            }
        }
    }

    private func deliver(_ message: MQTTMessage) async {
        let matching = subscribers.withLock { $0.filter { $0.filter.matches(message.topic) } }
        for subscriber in matching {
            await subscriber.handler(message)
        }
        router.receive(message)
    }
}
