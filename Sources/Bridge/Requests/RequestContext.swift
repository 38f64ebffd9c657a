import Foundation
import Topics

/// One request as a handler sees it: already checked for size, retain flag, expiry and duplicates.
public struct RequestContext: Sendable {
    public let message: MQTTMessage
    /// The last topic level, e.g. `issue-card`.
    public let operation: String
    public let transaction: String?
    /// The request must not start executing after this moment.
    public let deadline: Date
    /// When the router stops waiting for the handler and answers `timeout` (set as it starts the
    /// handler). A handler that ends later knows its requester has been told "in doubt".
    public internal(set) var answerBy: ContinuousClock.Instant?

    /// True once the requester has stopped waiting for this handler's outcome: the router answered
    /// `timeout` (in doubt), or the request's own deadline (`expiresAt`, Message Expiry) passed.
    public var isAnsweredWithoutOutcome: Bool {
        (answerBy.map { ContinuousClock.now > $0 } ?? false) || Date() > deadline
    }

    public var topic: String { message.topic }
    public var payload: Data { message.payload }

    /// The payload as `T`; a mismatch is an `invalid-request` naming the field.
    public func decode<T: Decodable>(_ type: T.Type) throws(GatehouseError) -> T {
        try RequestDecoder.decode(type, from: message.payload)
    }

    /// The payload as trimmed text, for topics that accept plain commands (`LOCK`, `OPEN`).
    public var text: String {
        String(decoding: message.payload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The decoded topic level at `index` (0-based), e.g. the room in `gatehouse/locks/<room>/request/open`.
    public func topicLevel(_ index: Int) -> String? {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        return levels.indices.contains(index) ? TopicID.decode(String(levels[index])) : nil
    }
}

/// What a handler returns: the `data` of an ok response, or it throws a `GatehouseError`.
public typealias RequestHandler = @Sendable (RequestContext) async throws -> JSONValue?

/// A handler bound to a request topic filter, with how it must be run.
public struct RequestRoute: Sendable {
    public let filter: TopicFilter
    public let handler: RequestHandler
    /// Accept a non-JSON payload (Home Assistant sends `LOCK`/`UNLOCK`/`OPEN` plain).
    public var acceptsPlainText: Bool
    /// Overrides the policy's handler timeout.
    public var timeout: Duration?
    /// Overrides both for these operations (the last topic level), e.g. a lock's `check-out`
    /// that may wait for a card. One route per filter: overlapping subscriptions would make
    /// the broker deliver a request once per matching filter.
    public var operationTimeouts: [String: Duration] = [:]
    /// Requests with the same key run one at a time, in arrival order (e.g. one per encoder).
    public var serializationKey: (@Sendable (RequestContext) -> String?)?
    /// How many requests may wait per key before new ones are refused with `busy`.
    public var queueLimit: Int

    public init(
        _ filter: String, acceptsPlainText: Bool = false, timeout: Duration? = nil,
        serializationKey: (@Sendable (RequestContext) -> String?)? = nil, queueLimit: Int = 16,
        handler: @escaping RequestHandler
    ) {
        guard let parsed = TopicFilter(filter) else { preconditionFailure("invalid request topic filter '\(filter)'") }
        self.filter = parsed
        self.acceptsPlainText = acceptsPlainText
        self.timeout = timeout
        self.serializationKey = serializationKey
        self.queueLimit = queueLimit
        self.handler = handler
    }
}

/// The router's limits, from the `requests` config section.
public struct RequestPolicy: Sendable {
    /// Lifetime of a request that carries neither Message Expiry nor `expiresAt`.
    public var lifetime: Duration
    public var handlerTimeout: Duration
    public var maxPayloadBytes: Int
    public var journalRetention: Duration
    /// Requests accepted and not yet answered; beyond it a request is answered `busy` at once.
    public var maxInFlight: Int

    public init(
        lifetime: Duration = .seconds(30), handlerTimeout: Duration = .seconds(10), maxPayloadBytes: Int = 65_536,
        journalRetention: Duration = .seconds(86_400), maxInFlight: Int = 1000
    ) {
        self.maxInFlight = maxInFlight
        self.lifetime = lifetime
        self.handlerTimeout = handlerTimeout
        self.maxPayloadBytes = maxPayloadBytes
        self.journalRetention = journalRetention
    }
}
