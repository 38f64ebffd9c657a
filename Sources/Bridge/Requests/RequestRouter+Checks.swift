import Foundation
import Logging
import Metrics
import Synchronization
import Topics

/// Where a response may go, and what a request is before it is decoded.
extension RequestRouter {
    /// False when `topic` is (or lies under) a reserved mailbox whose owner does not recognise `correlation`.
    func isOwnMailboxAllowed(_ topic: String, _ correlation: Data?) -> Bool {
        let owner = mailboxes.withLock { mailboxes -> (@Sendable (Data?) -> Bool)? in
            guard !mailboxes.isEmpty else { return nil }
            if let exact = mailboxes[topic] { return exact }
            return mailboxes.first { topic.hasPrefix($0.key + "/") }?.value
        }
        return owner?(correlation) ?? true
    }

    func isAllowedResponseTopic(_ topic: String) -> Bool {
        // Bytes, not `String.contains(_: String)`: Foundation's version bridges to NSString, which
        // was 2 % of the facade's CPU on every request.
        topic.utf8.count > responseTopicPrefix.utf8.count && topic.hasPrefix(responseTopicPrefix)
            && !topic.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") })
    }

    /// Outcomes that prove nothing was executed: a retry with the same transaction may run.
    static func isRefusal(_ envelope: ResponseEnvelope) -> Bool {
        guard let code = envelope.error?.code else { return false }
        return [.busy, .expired, .invalidRequest, .unsupported, .noHandler].contains(code)
    }

    static func expired(_ deadline: Date) -> GatehouseError {
        GatehouseError(.expired, "the request expired at \(Timestamp.rfc3339(deadline, in: .gmt))")
    }

    static func asGatehouseError(_ error: any Error) -> GatehouseError {
        if let error = error as? GatehouseError { return error }
        return GatehouseError(.internal, "internal error while handling the request")
    }

    static func looksLikeJSONObject(_ payload: Data) -> Bool {
        payload.first(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }) == UInt8(ascii: "{")
    }

    /// The transaction of a refused request when it can still be read, so the caller can match the error.
    func transactionHint(_ message: MQTTMessage) -> String? {
        guard message.payload.count <= policy.maxPayloadBytes else { return nil }
        return (try? JSONDecoder().decode(TransactionOnly.self, from: message.payload))?.transaction
    }

    private struct TransactionOnly: Decodable { let transaction: String? }
}
