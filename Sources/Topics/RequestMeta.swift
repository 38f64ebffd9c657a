import Foundation

/// The fields every request may carry besides its operation's own.
public struct RequestMeta: Decodable, Sendable, Equatable {
    /// Idempotency key: a repeat within 24 h on the same topic gets the stored response.
    public var transaction: String?
    /// After this instant the request is refused with `expired`.
    public var expiresAt: Date?

    /// Meta fields given directly.
    public init(transaction: String? = nil, expiresAt: Date? = nil) {
        self.transaction = transaction
        self.expiresAt = expiresAt
    }

    private enum CodingKeys: String, CodingKey {
        case transaction, expiresAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        transaction = try container.decodeIfPresent(String.self, forKey: .transaction)
        if transaction?.isEmpty == true {
            throw DecodingError.dataCorruptedError(forKey: .transaction, in: container, debugDescription: "must not be empty")
        }
        // Decoded as text and parsed here, so the rule does not depend on a decoder's date strategy.
        if let text = try container.decodeIfPresent(String.self, forKey: .expiresAt) {
            guard let date = Timestamp.parseRFC3339(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .expiresAt, in: container,
                    debugDescription: "expected an RFC 3339 time like 2025-09-04T15:21:00+03:00, got \"\(text)\"")
            }
            expiresAt = date
        }
    }
}
