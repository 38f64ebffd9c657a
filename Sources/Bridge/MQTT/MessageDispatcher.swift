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
///
/// Events (`consume`) take a third way: the network thread stores them in the intake before their
/// PUBACK is written, and `runIntake` delivers them from there in arrival order, also the ones an
/// earlier process stored and did not finish.
public final class MessageDispatcher: Sendable {
    public typealias Handler = @Sendable (MQTTMessage) async -> Void
    /// Runs on libmosquitto's network thread: must not block or wait.
    public typealias QuickHandler = @Sendable (MQTTMessage) -> Void
    /// Takes a stored event; says whether it is settled or handed on (see `IntakeDisposition`).
    public typealias EventHandler = @Sendable (IntakeEvent) async -> IntakeDisposition

    private struct Subscriber: Sendable {
        let filter: TopicFilter
        let handler: Handler
    }

    private struct QuickSubscriber: Sendable {
        let filter: TopicFilter
        let handler: QuickHandler
    }

    private struct Consumer: Sendable {
        let filter: TopicFilter
        let handler: EventHandler
    }

    private let client: MQTTClient
    private let router: RequestRouter
    private let intake: EventIntake
    private let subscribers = Mutex<[Subscriber]>([])
    private let quickSubscribers = Mutex<[QuickSubscriber]>([])
    private let consumers = Mutex<[Consumer]>([])
    /// Wakes `runIntake` after the network thread stored events.
    private let stored: AsyncStream<Void>
    private let storedSignal: AsyncStream<Void>.Continuation
    private let logger: Logger

    /// `intakeClient` is the connection events are consumed on (its own, see `MQTTOptions.intake`).
    public init(client: MQTTClient, intakeClient: MQTTClient, router: RequestRouter, intake: EventIntake, logger: Logger) {
        self.client = client
        self.router = router
        self.intake = intake
        self.logger = logger
        (stored, storedSignal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        client.handleOnArrival { [weak self] message in self?.arrived(message) ?? .queue }
        intakeClient.handleOnArrival { [weak self] message in self?.consumer(for: message.topic) == nil ? .handled : .durable }
        intakeClient.storeDurably { [intake, storedSignal] messages in
            try intake.append(messages)
            storedSignal.yield()
        }
    }

    /// Whether any adapter consumes events (then the intake connection is needed).
    public var hasConsumers: Bool { consumers.withLock { !$0.isEmpty } }

    /// Calls `handler` for every message matching `filter`; the caller subscribes on the client.
    public func on(_ filter: String, _ handler: @escaping Handler) {
        subscribers.withLock { $0.append(Subscriber(filter: Self.parse(filter), handler: handler)) }
    }

    /// Calls `handler` on the network thread for every message matching `filter`, before any other
    /// subscriber; the caller subscribes on the client.
    public func onArrival(_ filter: String, _ handler: @escaping QuickHandler) {
        quickSubscribers.withLock { $0.append(QuickSubscriber(filter: Self.parse(filter), handler: handler)) }
    }

    /// Consumes the events on `filter` durably: each is stored before the broker hears it arrived,
    /// and `handler` gets it from the store, in order; the caller subscribes on the client.
    /// Register before the client connects, so a resumed session's queued events are recognised.
    public func consume(_ filter: String, _ handler: @escaping EventHandler) {
        consumers.withLock { $0.append(Consumer(filter: Self.parse(filter), handler: handler)) }
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

    /// Delivers stored events, oldest first, until cancelled: first what an earlier process left,
    /// then each batch the network thread stores. An event whose consumer settled it is removed;
    /// one handed on is removed by whoever took it, in the transaction that keeps its effect.
    public func runIntake() async {
        var after: Int64 = 0
        storedSignal.yield()  // what is already in the store
        for await _ in stored {
            while !Task.isCancelled {
                let entries: [EventIntake.Entry]
                do {
                    entries = try await intake.entries(after: after, limit: 500)
                } catch {
                    logger.error("cannot read the event intake: \(error)")
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                guard let last = entries.last else { break }
                let settled = await deliver(entries)
                after = last.id
                do {
                    try await intake.settle(settled)
                } catch {
                    // Left in the store: replayed at the next start, where consumers recognise them.
                    logger.error("cannot remove \(settled.count) processed event(s) from the intake: \(error)")
                }
            }
        }
    }

    /// Hands each stored event to its consumer, in order; the ids of those now settled.
    private func deliver(_ entries: [EventIntake.Entry]) async -> [Int64] {
        var settled: [Int64] = []
        for entry in entries {
            guard let consumer = consumer(for: entry.message.topic) else {
                logger.warning("no consumer for the stored event on \(entry.message.topic): dropped")
                settled.append(entry.id)
                continue
            }
            if await consumer.handler(IntakeEvent(id: entry.id, message: entry.message)) == .settled { settled.append(entry.id) }
        }
        return settled
    }

    private func consumer(for topic: String) -> Consumer? {
        consumers.withLock { $0.first { $0.filter.matches(topic) } }
    }

    /// On the network thread: where the message goes.
    private func arrived(_ message: MQTTMessage) -> MessageRoute {
        if let quick = quickSubscribers.withLock({ $0.first { $0.filter.matches(message.topic) } }) {
            quick.handler(message)
            return .handled
        }
        guard !subscribers.withLock({ $0.contains { $0.filter.matches(message.topic) } }) else { return .queue }
        router.receive(message)
        return .handled
    }

    private func deliver(_ message: MQTTMessage) async {
        let matching = subscribers.withLock { $0.filter { $0.filter.matches(message.topic) } }
        for subscriber in matching {
            await subscriber.handler(message)
        }
        router.receive(message)
    }
}
