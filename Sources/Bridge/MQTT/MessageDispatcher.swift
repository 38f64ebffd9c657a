import Foundation
import Logging
import Synchronization
import Topics

/// Delivers received messages to whoever subscribed to a matching filter.
///
/// Request topics go to the router, which answers concurrently. Other subscribers are awaited in
/// arrival order, so events on one topic (recognitions at a gate, loop states) keep their order;
/// they should store and return quickly.
///
/// A message no awaited subscriber wants is handled on the network thread as it arrives: requests
/// go to the router (which only checks them and starts a task) and quick handlers (a reply someone
/// waits for) run there. Queueing them for the dispatcher's task first cost a thread hop each, and
/// a request no longer waits behind events that are being stored.
public final class MessageDispatcher: Sendable {
    public typealias Handler = @Sendable (MQTTMessage) async -> Void
    /// Runs on libmosquitto's network thread: must not block or wait.
    public typealias QuickHandler = @Sendable (MQTTMessage) -> Void

    private struct Subscriber: Sendable {
        let filter: TopicFilter
        let handler: Handler
    }

    private struct QuickSubscriber: Sendable {
        let filter: TopicFilter
        let handler: QuickHandler
    }

    private let client: MQTTClient
    private let router: RequestRouter
    private let subscribers = Mutex<[Subscriber]>([])
    private let quickSubscribers = Mutex<[QuickSubscriber]>([])
    private let logger: Logger

    public init(client: MQTTClient, router: RequestRouter, logger: Logger) {
        self.client = client
        self.router = router
        self.logger = logger
        client.handleOnArrival { [weak self] message in self?.arrived(message) ?? false }
    }

    /// Calls `handler` for every message matching `filter`; the caller subscribes on the client.
    public func on(_ filter: String, _ handler: @escaping Handler) {
        subscribers.withLock { $0.append(Subscriber(filter: Self.parse(filter), handler: handler)) }
    }

    /// Calls `handler` on the network thread for every message matching `filter`, before any other
    /// subscriber; the caller subscribes on the client.
    public func onArrival(_ filter: String, _ handler: @escaping QuickHandler) {
        quickSubscribers.withLock { $0.append(QuickSubscriber(filter: Self.parse(filter), handler: handler)) }
    }

    private static func parse(_ filter: String) -> TopicFilter {
        guard let parsed = TopicFilter(filter) else { preconditionFailure("invalid topic filter '\(filter)'") }
        return parsed
    }

    /// Runs until the client stops.
    public func run() async {
        while let batch = await client.nextBatch() {
            for message in batch {
                await deliver(message)
            }
        }
    }

    /// On the network thread: true when the message is handled, false to queue it for `run`.
    private func arrived(_ message: MQTTMessage) -> Bool {
        if let quick = quickSubscribers.withLock({ $0.first { $0.filter.matches(message.topic) } }) {
            quick.handler(message)
            return true
        }
        guard !subscribers.withLock({ $0.contains { $0.filter.matches(message.topic) } }) else { return false }
        router.receive(message)
        return true
    }

    private func deliver(_ message: MQTTMessage) async {
        let matching = subscribers.withLock { $0.filter { $0.filter.matches(message.topic) } }
        for subscriber in matching {
            await subscriber.handler(message)
        }
        router.receive(message)
    }
}
