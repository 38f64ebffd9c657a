import Foundation
import Logging
import Metrics
import Synchronization
import Topics

/// Serves request topics: checks each request, runs its handler and publishes the response.
///
/// The checks, in order: size, retain flag (a retained command is never executed), JSON shape and
/// the `transaction`/`expiresAt` fields, expiry, then the journal (a repeated transaction is
/// answered from it, not run again). Handlers run concurrently unless their route serialises them
/// by key; each has a deadline after which the caller gets `timeout`.
public final class RequestRouter: Sendable {
    private let client: MQTTClient
    let journal: RequestJournal?
    let policy: RequestPolicy
    let logger: Logger
    private let routes = Mutex<[RequestRoute]>([])
    private let serializer = KeyedSerializer()
    let inFlight = Mutex<[String: Task<Data, Never>]>([:])
    /// Requests being served right now, so a shutdown can let them finish before the store closes.
    private let serving = Atomic<Int>(0)
    /// Requests accepted and not yet answered; beyond `policy.maxInFlight` new ones get `busy`
    /// at once instead of a task each (a flood would otherwise grow tasks and memory unbounded).
    private let inProgress = Atomic<Int>(0)
    /// Reply topics of the bridge's own requesters (`RequestClient`), with how each recognises
    /// the Correlation Data of its own requests.
    let mailboxes = Mutex<[String: @Sendable (Data?) -> Bool]>([:])
    private let metrics = RequestMetrics()
    /// MQTT 5 Response Topics must lie under this prefix (`<base>/clients/`). The bridge may publish
    /// anywhere under its base topic, so an arbitrary Response Topic would let any requester make it
    /// publish a command (`…/locks/102/request/open`) with the bridge's rights.
    public let responseTopicPrefix: String

    public init(
        client: MQTTClient, journal: RequestJournal?, policy: RequestPolicy, responseTopicPrefix: String, logger: Logger
    ) {
        self.client = client
        self.responseTopicPrefix = responseTopicPrefix
        self.journal = journal
        self.policy = policy
        self.logger = logger
    }

    public func register(_ route: RequestRoute) {
        routes.withLock { $0.append(route) }
        routeCache.withLock { $0.removeAll() }
    }

    public var filters: [TopicFilter] { routes.withLock { $0.map(\.filter) } }

    /// Topics seen recently → their route: matching filters level by level on every request showed
    /// in profiles. Bounded: cleared when it grows past 10,000 topics.
    private let routeCache = Mutex<[String: Int]>([:])

    func route(for topic: String) -> RequestRoute? {
        if let index = routeCache.withLock({ $0[topic] }) { return routes.withLock { $0[index] } }
        guard let index = routes.withLock({ routes in routes.firstIndex { $0.filter.matches(topic) } }) else { return nil }
        routeCache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll(keepingCapacity: true) }
            cache[topic] = index
        }
        return routes.withLock { $0[index] }
    }

    /// Handles one message from a request topic; returns at once, the work runs in its own task.
    ///
    /// The request is checked and takes its place in its key's line here, in arrival order,
    /// before the work goes to a task: tasks start in no particular order, and a serialised route
    /// (one encoder) must serve its requests first come, first served.
    public func receive(_ message: MQTTMessage) {
        guard let route = route(for: message.topic) else { return }
        if message.retain, message.payload.isEmpty, message.oversize == nil {
            // An empty retained message clears a retained request (`mosquitto_pub -r -n`, as
            // docs/broker.md says): nothing to refuse, nothing to run, nothing to answer.
            logger.debug("a retained request was cleared", metadata: ["topic": "\(message.topic)"])
            return
        }
        let started = ContinuousClock.now
        let operation = String(message.topic.split(separator: "/").last ?? "")
        guard inProgress.wrappingAdd(1, ordering: .relaxed).newValue <= policy.maxInFlight else {
            inProgress.subtract(1, ordering: .relaxed)
            let refusal = GatehouseError(
                .busy, "\(policy.maxInFlight) requests are in progress (requests.maxInFlight); nothing ran, try again shortly")
            respond(to: message, with: ResponseEnvelope.failure(refusal, transaction: transactionHint(message)).encoded())
            note(refusal, message: message, operation: operation, started: started)
            return
        }
        let admission = Result { () throws -> Admitted in
            let request = try admit(message, route, operation: operation)
            let turn = try route.serializationKey?(request).map { try serializer.enqueue($0, limit: route.queueLimit) }
            return Admitted(request: request, turn: turn)
        }
        Task {
            await self.serve(message, route, admission, operation: operation, started: started)
            self.inProgress.subtract(1, ordering: .relaxed)
        }
    }

    /// Reserves `topic` as the reply mailbox of one of the bridge's own requesters: a request
    /// naming it as Response Topic is refused unless `owns` recognises its Correlation Data, so
    /// no other client can have the bridge publish into that mailbox.
    public func reserveMailbox(_ topic: String, owns: @escaping @Sendable (Data?) -> Bool) {
        mailboxes.withLock { $0[topic] = owns }
    }

    /// A request that passed the checks, with its place in line when its route serialises.
    struct Admitted: Sendable {
        let request: RequestContext
        let turn: KeyedSerializer.Ticket?
    }

    /// Gives up the place in line of a request that will not run (answered from the journal, or
    /// already running under the same transaction).
    func abandon(_ admitted: Admitted) {
        if let turn = admitted.turn { serializer.release(turn) }
    }

    /// How many requests hold or wait for a serialisation key (e.g. an encoder's queue length).
    public func queueDepth(_ key: String) -> Int { serializer.depth(key) }

    // MARK: -

    /// Waits until no request is being served, or `timeout` passed.
    public func drain(timeout: Duration) async {
        let deadline = ContinuousClock.now + timeout
        while serving.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func serve(
        _ message: MQTTMessage, _ route: RequestRoute, _ admission: Result<Admitted, any Error>, operation: String,
        started: ContinuousClock.Instant
    ) async {
        serving.add(1, ordering: .acquiringAndReleasing)
        defer { serving.subtract(1, ordering: .acquiringAndReleasing) }
        let checked: Admitted
        switch admission {
        case .success(let admitted):
            checked = admitted
        case .failure(let error):
            // Refused before anything ran: nothing to journal, a retry may succeed.
            let refusal = Self.asGatehouseError(error)
            respond(to: message, with: ResponseEnvelope.failure(refusal, transaction: transactionHint(message)).encoded())
            note(refusal, message: message, operation: operation, started: started)
            return
        }
        guard let transaction = checked.request.transaction else {
            let envelope = await execute(checked, route)
            respond(to: message, with: envelope.encoded())
            metrics.record(operation: operation, envelope: envelope, since: started)
            if let error = envelope.error { note(error, message: message, operation: operation, started: nil) }
            return
        }
        let response = await runOnce(checked, route, transaction: transaction)
        respond(to: message, with: response)
        if let envelope = try? ResponseEnvelope.decode(response) {
            metrics.record(operation: operation, envelope: envelope, since: started)
        }
    }

    /// Turns a message into a checked request, or throws why it is refused.
    private func admit(_ message: MQTTMessage, _ route: RequestRoute, operation: String) throws -> RequestContext {
        let size = message.oversize ?? message.payload.count
        if size > policy.maxPayloadBytes {
            throw GatehouseError(.invalidRequest, "payload: \(size) bytes exceed the maximum of \(policy.maxPayloadBytes)")
        }
        if let responseTopic = message.properties.responseTopic, !isAllowedResponseTopic(responseTopic) {
            throw GatehouseError(
                .invalidRequest,
                "Response Topic '\(responseTopic)' is not allowed: use a topic under \(responseTopicPrefix)")
        }
        if let responseTopic = message.properties.responseTopic, !isOwnMailboxAllowed(responseTopic, message.properties.correlationData) {
            throw GatehouseError(
                .invalidRequest, "Response Topic '\(responseTopic)' is the mailbox of one of Gatehouse's own requesters")
        }
        if message.retain {
            throw GatehouseError(
                .retainedCommand,
                "retained requests are never executed; publish the request without the retain flag")
        }
        var meta = RequestMeta(transaction: nil, expiresAt: nil)
        if Self.looksLikeJSONObject(message.payload) || !route.acceptsPlainText {
            meta = try RequestDecoder.decode(RequestMeta.self, from: message.payload)
        }
        let deadline: Date
        if let expiresAt = meta.expiresAt {
            deadline = expiresAt
        } else if let expiry = message.properties.messageExpiry {
            deadline = message.receivedAt.addingTimeInterval(TimeInterval(expiry))
        } else {
            deadline = message.receivedAt.addingTimeInterval(policy.lifetime.timeInterval)
        }
        if Date() > deadline { throw Self.expired(deadline) }
        return RequestContext(message: message, operation: operation, transaction: meta.transaction, deadline: deadline)
    }

    /// Runs a request that carries a transaction at most once, across redeliveries and restarts.
    func execute(_ admitted: Admitted, _ route: RequestRoute) async -> ResponseEnvelope {
        var request = admitted.request
        let turn = admitted.turn
        let serializer = self.serializer
        do {
            if let turn { await serializer.wait(turn) }
            if Date() > request.deadline {
                if let turn { serializer.release(turn) }
                throw Self.expired(request.deadline)
            }
            let timeout = route.operationTimeouts[request.operation] ?? route.timeout ?? policy.handlerTimeout
            request.answerBy = .now + timeout
            let handled = request
            let data = try await withDeadline(
                timeout,
                onTimeout: {
                    // The handler goes on (its vendor call cannot be taken back): the outcome is unknown.
                    GatehouseError(.timeout, "no answer within \(timeout); the operation may still take effect, check before retrying", inDoubt: true)
                },
                {
                    // The key is held until the handler really ends, even after the caller got
                    // `timeout`: the next card must not be cut while the vendor still works on this one.
                    defer { if let turn { serializer.release(turn) } }
                    return try await route.handler(handled)
                })
            return ResponseEnvelope.ok(data, transaction: request.transaction)
        } catch {
            return ResponseEnvelope.failure(Self.asGatehouseError(error), transaction: request.transaction)
        }
    }

    /// Response Topic with Correlation Data when the request gave one, else `…/response/<op>`.
    private func respond(to request: MQTTMessage, with response: Data) {
        var properties = MQTTProperties(contentType: "application/json")
        let topic: String
        if let responseTopic = request.properties.responseTopic, isAllowedResponseTopic(responseTopic),
            isOwnMailboxAllowed(responseTopic, request.properties.correlationData)
        {
            topic = responseTopic
            properties.correlationData = request.properties.correlationData
        } else if let defaultTopic = TopicTree.responseTopic(forRequest: request.topic) {
            topic = defaultTopic
        } else {
            logger.error("no response topic for \(request.topic)")
            return
        }
        do {
            try client.publish(topic, response, qos: .atLeastOnce, retain: false, properties: properties)
        } catch {
            logger.error("cannot publish the response to \(topic): \(error)")
        }
    }

    func note(_ error: GatehouseError, message: MQTTMessage, operation: String, started: ContinuousClock.Instant?) {
        if let started { metrics.record(operation: operation, error: error, since: started) }
        logger.warning(
            "request refused: \(error.code.rawValue): \(error.message)",
            metadata: ["topic": "\(message.topic)", "code": "\(error.code.rawValue)"])
    }
}
