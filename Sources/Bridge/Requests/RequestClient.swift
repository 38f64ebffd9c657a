import CMosquitto
import Foundation
import Logging
import Synchronization
import Topics

/// Sends contract requests over MQTT and awaits their answers: MQTT 5 Response Topic under
/// `<base>/clients/<clientId>/…` plus a Correlation Data per request. Used by facades and
/// adapters that turn a vendor's call into a request someone else on the broker serves.
public final class RequestClient: Sendable {
    public let replyTopic: String
    private let context: BridgeContext
    private let waiting = Mutex<[Data: ReplySlot]>([:])

    /// A reply awaited (with the request's transaction, which the reply must repeat), or one
    /// that came before its waiter was parked.
    private enum ReplySlot {
        case expected(transaction: String?)
        case parked(CheckedContinuation<Data, any Error>, transaction: String?)
        case arrived(Data)

        var transaction: String? {
            switch self {
            case .expected(let transaction), .parked(_, let transaction): transaction
            case .arrived: nil
            }
        }
    }

    /// `name` distinguishes several clients in one process (e.g. `ozlocks-facade`).
    public init(context: BridgeContext, name: String) {
        self.context = context
        replyTopic =
            "\(context.topics.base)/clients/\(TopicID.encode(context.config.mqtt.clientId))/\(TopicID.encode(name))"
    }

    /// Subscribes to the reply topic; call once, before the first request.
    ///
    /// A reply is taken only with the Correlation Data of a request this client is waiting for
    /// and, when that request had a transaction, the same transaction: anyone able to publish
    /// under `<base>/clients/` could otherwise answer the facade's IssueCard with a card of their
    /// choosing. The router also refuses a request that names this mailbox as its Response Topic
    /// without being one of ours (`reserveMailbox`), so nobody can have the bridge answer here.
    public func start() {
        context.router.reserveMailbox(replyTopic) { [self] correlation in
            guard let correlation else { return false }
            return waiting.withLock { $0[correlation] != nil }
        }
        context.subscribeOnArrival(replyTopic) { [self] message in
            guard let correlation = message.properties.correlationData else { return }
            let expected = waiting.withLock { $0[correlation]?.transaction }
            if let expected, (try? ResponseEnvelope.decode(message.payload))?.transaction != expected {
                context.logger.warning("a reply on \(replyTopic) names another transaction than its request: ignored")
                return
            }
            let parked = waiting.withLock { slots -> CheckedContinuation<Data, any Error>? in
                switch slots[correlation] {
                case .expected:
                    slots[correlation] = .arrived(message.payload)
                    return nil
                case .parked(let continuation, _):
                    slots.removeValue(forKey: correlation)
                    return continuation
                case .arrived, nil:
                    return nil
                }
            }
            parked?.resume(returning: message.payload)
        }
    }

    /// Publishes `payload` to `topic` and returns the response envelope, or throws `timeout`.
    ///
    /// The request never acts after its requester gave up: it carries a Message Expiry of
    /// `timeout` (the broker drops it when no server takes it in time) and an `expiresAt`, which
    /// the serving router checks when it receives it (a request libmosquitto re-sent after a
    /// reconnect arrives late, with the broker's expiry counted afresh). While disconnected it is
    /// not sent at all: `upstream-unavailable`, which proves it did not run. When the broker says
    /// nobody subscribes to `topic` (PUBACK reason 16), it is `no-handler`: nothing ran either.
    /// Any other `timeout` means the request went out and its outcome is unknown.
    public func request(_ topic: String, payload: Data, timeout: Duration) async throws(GatehouseError) -> ResponseEnvelope {
        guard context.config.mqtt.protocolVersion == .v5 else {
            throw GatehouseError(.unsupported, "requests from Gatehouse itself need MQTT 5 (Response Topic)")
        }
        guard context.mqtt.isConnected else {
            throw GatehouseError(.upstreamUnavailable, "the broker is unavailable: the request on \(topic) was not sent")
        }
        // Parsed once: the transaction the reply must repeat, and the object `expiresAt` joins.
        let object = RequestRouter.looksLikeJSONObject(payload) ? (try? JSONValue.parse(payload))?.objectValue : nil
        let transaction = object?["transaction"]?.stringValue
        let payload = Self.expiring(payload, object: object, at: Date().addingTimeInterval(timeout.storeSeconds), in: context.timeZone)
        let correlation = withUnsafeBytes(of: UUID().uuid) { Data($0) }
        let properties = MQTTProperties(
            responseTopic: replyTopic, correlationData: correlation,
            messageExpiry: UInt32(max(1, timeout.components.seconds)), contentType: "application/json")
        waiting.withLock { $0[correlation] = .expected(transaction: transaction) }
        let data: Data
        do {
            data = try await withDeadline(
                timeout, onTimeout: { GatehouseError(.timeout, "no answer on \(topic) within \(timeout)", inDoubt: true) }
            ) { [self] in
                let reason = try await context.mqtt.acknowledging(timeout: timeout) {
                    try context.mqtt.publish(topic, payload, qos: .atLeastOnce, properties: properties)
                }
                if reason == Int32(MQTT_RC_NO_MATCHING_SUBSCRIBERS.rawValue) {
                    throw GatehouseError(.noHandler, "nobody serves \(topic)")
                }
                return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Data, any Error>) in
                    let arrived = waiting.withLock { slots -> Data? in
                        if case .arrived(let data) = slots[correlation] {
                            slots.removeValue(forKey: correlation)
                            return data
                        }
                        slots[correlation] = .parked(continuation, transaction: transaction)
                        return nil
                    }
                    if let arrived { continuation.resume(returning: arrived) }
                }
            }
        } catch let error as GatehouseError {
            abandon(correlation, error)
            throw error
        } catch MQTTError.timeout {
            let error = GatehouseError(.timeout, "the broker did not acknowledge the request on \(topic) within \(timeout)")
            abandon(correlation, error)
            throw error
        } catch {
            abandon(correlation, error)
            throw GatehouseError(.internal, "cannot publish the request: \(error)")
        }
        do {
            return try ResponseEnvelope.decode(data)
        } catch {
            throw GatehouseError(.internal, "the answer on \(replyTopic) is not a response envelope")
        }
    }

    /// A wait that ended without its reply: a parked waiter is resumed (withDeadline's abandoned
    /// task would otherwise stay suspended for ever), and a late reply finds no slot.
    private func abandon(_ correlation: Data, _ error: any Error) {
        let slot = waiting.withLock { $0.removeValue(forKey: correlation) }
        if case .parked(let continuation, _) = slot { continuation.resume(throwing: error) }
    }

    /// The request object with `"expiresAt"` added, unless it has one (or is not an object).
    static func expiring(_ payload: Data, object parsed: [String: JSONValue]?, at deadline: Date, in zone: TimeZone) -> Data {
        guard var object = parsed, object["expiresAt"] == nil else { return payload }
        // Whole seconds, rounded up: the server's budget is never cut short by the format.
        let rounded = Date(timeIntervalSince1970: deadline.timeIntervalSince1970.rounded(.up))
        object["expiresAt"] = .string(Timestamp.rfc3339(rounded, in: zone))
        return JSONValue.object(object).jsonData()
    }
}
